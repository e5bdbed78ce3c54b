#!/usr/bin/env python3
"""A 50-digit reference for the seed network's cost and 29 gradients.

For a fixed set of cases (inputs, labels and the 29 parameters of
`backprop::network::SeedNetwork`), computes with mpmath at 50 significant digits:

    z[1] = W[1] x + b[1],     a[1] = max(0, z[1])          [N1]
    z[2] = W[2] a[1] + b[2],  a[2] = max(0, z[2])          [N2]
    z[3] = W[3] a[2] + b[3]                                 [N3]
    J    = (1/m) sum_i [max(z, 0) - z y + log1p(e^(-|z|))]  [C2, C6]
    d[3] = (sigma(z[3]) - y) / m                            [L3.6, S5]
    d[2] = (W[3]^T d[3]) * g'(z[2]),  d[1] = (W[2]^T d[2]) * g'(z[1])   [S2, S3]
    dW[l] = d[l] a[l-1]^T,  db[l] = sum over columns of d[l]            [S4, S5]

with g'(0) = 0, the left limit the crate uses [L2.4]. sigma(z) - y is evaluated at a
working precision raised by |z| / ln(10) digits, so that it does not cancel when
sigma(z) is within e^(-|z|) of y (at 50 digits sigma(700) is exactly 1).

Every number is checked a second way before it is written:

* d[3] against the cancellation-free form (1 - y) sigma(z) - y sigma(-z), and the cost
  against the textbook -(y log a + (1 - y) log(1 - a)) at raised precision;
* all 29 gradients against mpmath central differences of J (step 1e-30 relative,
  130 digits), taken with the ReLU activation pattern frozen at the point, which is
  exactly the convention g'(0) = 0 for a unit whose pre-activation is exactly 0.

The parameters and inputs are drawn from a fixed-seed Python RNG and then rounded to
numbers the crate sees exactly:

* `random` cases: rounded to f64 (full 53-bit mantissas);
* `dyadic` cases: rounded to a coarse dyadic grid (multiples of 1/8 or 1/16, and of
  1/4 for W[3]), so that every product and partial sum of the forward pass is exact in
  the case's type (the script proves it: the sum of the integer numerators of each
  z stays below 2^24 or 2^53). Only these cases can put a ReLU pre-activation at
  exactly 0 in floating point, and they make z[3] exact, so the cost and d[3] can be
  held to a few ulps even at |z[3]| = 700.

The reference is computed on exactly those values (an f32 is exact in f64 and in
mpmath). Each case is also screened: every forward sum z = W a + b that is not exact,
and every 2-term sum of d[1], has a cancellation factor sum|terms| / |sum| of at most
KAPPA_MAX, and every nonzero intermediate and gradient is a normal number with a
margin (no subnormal rounding). A draw that fails is redrawn.

Output: a Rust module, `tests/reference/high_precision_cases.rs`, that the test
`tests/high_precision.rs` includes. Inputs and parameters are printed as the shortest
decimal that round-trips in the case's type (Rust parses it to exactly that value);
the expected cost and gradients as the nearest f64 (17 significant digits, also for
the f32 cases, so a measured f32 error is not blurred by rounding the reference to
f32). The cost and z[3] are also kept as 30-digit comments.

Usage (from the crate's root; mpmath 1.3.0 and Python 3.11.7 were used):

    pip install mpmath
    python3 tests/reference/high_precision.py > tests/reference/high_precision_cases.rs
    cargo fmt
"""

import random
import struct
import sys
from fractions import Fraction

import mpmath
from mpmath import mp, mpf

mp.dps = 50
SEED = 20240611
KAPPA_MAX = 8
# Central differences run at FD_DPS digits with a step of FD_STEP (relative): the
# truncation error is ~FD_STEP^2 and the rounding error ~10^-FD_DPS J / FD_STEP, both far
# below FD_AGREEMENT, even for a gradient 10^-30 times smaller than J.
FD_DPS = 130
FD_STEP = mpf(10) ** -30
FD_AGREEMENT = mpf(10) ** -25
TYPES = {
    "f64": {"bits": 53, "min_normal_log2": -1022},
    "f32": {"bits": 24, "min_normal_log2": -126},
}
# A nonzero value below 2^(min normal + MARGIN) would be too close to the subnormals.
NORMAL_MARGIN_LOG2 = 6
SHAPES = [("W1", 4, 3), ("b1", 4, 1), ("W2", 2, 4), ("b2", 2, 1), ("W3", 1, 2), ("b3", 1, 1)]


# --- rounding to the crate's types -----------------------------------------------------


def to_f32(v):
    return struct.unpack("<f", struct.pack("<f", v))[0]


def f32_neighbours(v):
    """The f32 values just below and above the finite nonzero f32 `v`."""
    (bits,) = struct.unpack("<I", struct.pack("<f", v))
    lo = struct.unpack("<f", struct.pack("<I", bits - 1))[0]
    hi = struct.unpack("<f", struct.pack("<I", bits + 1))[0]
    return (lo, hi) if v > 0 else (hi, lo)


def literal(v, ty):
    """The shortest decimal that a correctly rounding parser reads back as exactly `v`."""
    if v == 0:
        return "0.0"
    if ty == "f64":
        text = repr(v)
    else:
        exact = Fraction(v)
        lo, hi = f32_neighbours(v)
        for digits in range(1, 10):
            text = f"{v:.{digits}g}"
            d = Fraction(text)
            # strictly closer to v than to either neighbour: reads back as v
            if abs(d - exact) < abs(d - Fraction(lo)) and abs(d - exact) < abs(d - Fraction(hi)):
                break
        else:
            raise AssertionError(v)
    if "e" in text:
        mant, exp = text.split("e")
        if "." not in mant:
            mant += ".0"
        return f"{mant}e{int(exp)}"
    return text if "." in text else text + ".0"


def expected_literal(v):
    """The nearest f64 to the mpf `v`, as Python's repr (17 digits at most)."""
    return literal(float(v), "f64")


def round_to(v, ty, grid=None):
    """`v` rounded to the grid (multiples of 2^-grid) if given, then to the type."""
    if grid is not None:
        v = round(v * 2**grid) / 2**grid
    return to_f32(v) if ty == "f32" else float(v)


# --- the network, exactly ----------------------------------------------------------------


def forward_exact(p, x):
    """Forward pass of one column in Fractions: every z with its terms, a, and masks."""
    out = {"a0": x}
    a = x
    for layer, (w, b) in enumerate([("W1", "b1"), ("W2", "b2"), ("W3", "b3")], start=1):
        W, B = p[w], p[b]
        zs, terms = [], []
        for i in range(len(W)):
            t = [Fraction(W[i][j]) * a[j] for j in range(len(a))]
            terms.append(t + [Fraction(B[i][0])])
            zs.append(sum(t) + Fraction(B[i][0]))
        out[f"z{layer}"], out[f"t{layer}"] = zs, terms
        if layer < 3:
            a = [z if z > 0 else Fraction(0) for z in zs]
            out[f"a{layer}"] = a
    return out


def exact_in(terms, ty):
    """True if every product and partial sum of `terms` (any order) is exact in `ty`."""
    den = max(t.denominator for t in terms)
    if den & (den - 1):
        return False
    return sum(abs(t.numerator * (den // t.denominator)) for t in terms) < 2 ** TYPES[ty]["bits"]


def kappa(terms, total):
    return sum(abs(t) for t in terms) / abs(total)


# --- the reference at 50 digits -----------------------------------------------------------


def m(v):
    return mpf(Fraction(v).numerator) / mpf(Fraction(v).denominator) if isinstance(v, Fraction) else mpf(v)


def delta3(z, y, mcols):
    """(sigma(z) - y) / m at a precision raised by |z| digits, checked against the
    cancellation-free form."""
    with mp.workdps(mp.dps + int(abs(z) / 2.302585) + 20):
        naive = (1 / (1 + mp.exp(-z)) - y) / mcols
    split = ((1 - y) / (1 + mp.exp(-z)) - y / (1 + mp.exp(z))) / mcols
    assert abs(naive - split) <= abs(split) * mpf(10) ** -45, (z, y)
    return +naive


def loss(z, y):
    """Cross-entropy of the logit in softplus form, checked against [C2] at raised precision."""
    value = max(z, 0) - z * y + mp.log1p(mp.exp(-abs(z)))
    with mp.workdps(mp.dps + int(abs(z) / 2.302585) + 20):
        a = 1 / (1 + mp.exp(-z))
        textbook = -(y * mp.log(a) + (1 - y) * mp.log(1 - a))
    assert abs(value - textbook) <= abs(value) * mpf(10) ** -45, (z, y)
    return value


def reference(p, xs, ys):
    """Cost, the 6 gradient blocks, z[3] per column, and every intermediate (for the
    normal-range screen), at 50 digits."""
    P = {k: [[m(v) for v in row] for row in rows] for k, rows in p.items()}
    mcols = len(ys)
    grads = {k: [[mpf(0)] * c for _ in range(r)] for k, r, c in SHAPES}
    cost, z3s, intermediates, contributions = mpf(0), [], [], []
    for x, y in zip(xs, ys):
        a0 = [m(v) for v in x]
        z1 = [mp.fsum(P["W1"][i][j] * a0[j] for j in range(3)) + P["b1"][i][0] for i in range(4)]
        a1 = [z if z > 0 else mpf(0) for z in z1]
        z2 = [mp.fsum(P["W2"][k][i] * a1[i] for i in range(4)) + P["b2"][k][0] for k in range(2)]
        a2 = [z if z > 0 else mpf(0) for z in z2]
        z3 = mp.fsum(P["W3"][0][k] * a2[k] for k in range(2)) + P["b3"][0][0]
        y = mpf(y)
        cost += loss(z3, y)
        d3 = delta3(z3, y, mcols)
        d2 = [P["W3"][0][k] * d3 if z2[k] > 0 else mpf(0) for k in range(2)]
        d1 = [mp.fsum(P["W2"][k][i] * d2[k] for k in range(2)) if z1[i] > 0 else mpf(0) for i in range(4)]
        for delta, prev, w, b in [(d1, a0, "W1", "b1"), (d2, a1, "W2", "b2"), ([d3], a2, "W3", "b3")]:
            for i, di in enumerate(delta):
                for j, aj in enumerate(prev):
                    grads[w][i][j] += di * aj
                    contributions.append(di * aj)
                grads[b][i][0] += di
        intermediates += [d3, *d2, *d1, *(P["W2"][k][i] * d2[k] for k in range(2) for i in range(4))]
        intermediates += [P["W3"][0][k] * d3 for k in range(2)]
        z3s.append(z3)
    return cost / mcols, grads, z3s, intermediates + contributions


def cost_frozen(P, xs, ys, masks):
    """J with the ReLU pattern frozen (a = mask * z): smooth in the parameters, and its
    derivative is backpropagation's with g'(0) = 0 where z = 0 exactly."""
    total = mpf(0)
    for x, y, (m1, m2) in zip(xs, ys, masks):
        a0 = [m(v) for v in x]
        z1 = [mp.fsum(P["W1"][i][j] * a0[j] for j in range(3)) + P["b1"][i][0] for i in range(4)]
        a1 = [z1[i] * m1[i] for i in range(4)]
        z2 = [mp.fsum(P["W2"][k][i] * a1[i] for i in range(4)) + P["b2"][k][0] for k in range(2)]
        a2 = [z2[k] * m2[k] for k in range(2)]
        z3 = mp.fsum(P["W3"][0][k] * a2[k] for k in range(2)) + P["b3"][0][0]
        total += max(z3, 0) - z3 * y + mp.log1p(mp.exp(-abs(z3)))
    return total / len(ys)


def check_by_finite_differences(p, xs, ys, grads):
    with mp.workdps(FD_DPS):
        check_by_finite_differences_at_working_precision(p, xs, ys, grads)


def check_by_finite_differences_at_working_precision(p, xs, ys, grads):
    P = {k: [[m(v) for v in row] for row in rows] for k, rows in p.items()}
    masks = []
    for x in xs:
        f = forward_exact(p, [Fraction(v) for v in x])
        masks.append(([1 if z > 0 else 0 for z in f["z1"]], [1 if z > 0 else 0 for z in f["z2"]]))
    for k, r, c in SHAPES:
        for i in range(r):
            for j in range(c):
                theta = P[k][i][j]
                h = FD_STEP * max(1, abs(theta))
                P[k][i][j] = theta + h
                up = cost_frozen(P, xs, ys, masks)
                P[k][i][j] = theta - h
                down = cost_frozen(P, xs, ys, masks)
                P[k][i][j] = theta
                fd = (up - down) / (2 * h)
                g = grads[k][i][j]
                if g == 0:
                    assert fd == 0, (k, i, j, fd)
                else:
                    assert abs(fd - g) <= abs(g) * FD_AGREEMENT, (k, i, j, fd, g)


# --- drawing cases ----------------------------------------------------------------------------


class Rejected(Exception):
    pass


def draw_case(rng, ty, kind, mcols, target, labels, kinks=()):
    """One case. `target`: the wanted z[3] (single column) or the wanted max |z[3]| over
    the batch; `labels`: a list of y, or "mixed" (half the columns classified right);
    `kinks`: (layer, unit, column) whose pre-activation is set to exactly 0 (dyadic)."""
    grid = {"W1": 3, "b1": 3, "W2": 3, "b2": 3, "W3": 2, "b3": 2, "x": 3} if kind == "dyadic" else {}
    if ty == "f64" and kind == "dyadic":
        grid = {k: v + 1 for k, v in grid.items()}

    def draw(name, r, c, lo, hi):
        return [[round_to(rng.uniform(lo, hi), ty, grid.get(name)) for _ in range(c)] for _ in range(r)]

    p = {"W1": draw("W1", 4, 3, -1.5, 1.5), "b1": draw("b1", 4, 1, -0.5, 0.5),
         "W2": draw("W2", 2, 4, -1.5, 1.5), "b2": draw("b2", 2, 1, -0.5, 0.5)}
    xs = [[round_to(rng.uniform(-2, 2), ty, grid.get("x")) for _ in range(3)] for _ in range(mcols)]
    for layer, unit, col in kinks:
        if layer == 1:
            p["b1"][unit][0] = float(-sum(Fraction(p["W1"][unit][j]) * Fraction(xs[col][j]) for j in range(3)))
        else:
            f = forward_exact({**p, "W3": [[0, 0]], "b3": [[0]]}, [Fraction(v) for v in xs[col]])
            p["b2"][unit][0] = float(-sum(Fraction(p["W2"][unit][i]) * f["a1"][i] for i in range(4)))
    # The last layer: a random direction, scaled so that z[3] reaches the target.
    a2s = [forward_exact({**p, "W3": [[0, 0]], "b3": [[0]]}, [Fraction(v) for v in x])["a2"] for x in xs]
    w = [rng.choice([-1, 1]) * rng.uniform(0.5, 1.5) for _ in range(2)]
    b3 = rng.uniform(-0.25, 0.25)
    s = [float(sum(Fraction(w[k]) * a2[k] for k in range(2))) for a2 in a2s]
    if max(abs(v) for v in s) < 0.05:
        raise Rejected("layer 2 dead")
    if mcols == 1:
        scale = (target - b3) / s[0]
    elif labels == "correct":
        if min(abs(v) for v in s) < 0.05:
            raise Rejected("a column with a dead layer 2")
        scale = target / min(abs(v) for v in s)
    else:
        scale = target / max(abs(v) for v in s)
    p["W3"] = [[round_to(scale * w[k], ty, grid.get("W3")) for k in range(2)]]
    p["b3"] = [[round_to(b3, ty, grid.get("b3"))]]

    fs = [forward_exact(p, [Fraction(v) for v in x]) for x in xs]
    z3s = [f["z3"][0] for f in fs]
    if any(z == 0 for z in z3s):
        raise Rejected("a logit exactly 0")
    if mcols == 1 and abs(z3s[0] - target) > 0.05 * abs(target) + 0.5:
        raise Rejected("missed the target")
    if labels == "correct":
        labels = [1 if z > 0 else 0 for z in z3s]
        cap = 750 if ty == "f64" else 85
        if len(set(labels)) < 2 or min(abs(z) for z in z3s) < 0.9 * target or max(abs(z) for z in z3s) > cap:
            raise Rejected("batch not all saturated the right way, or too far")
        if min(z3s, key=abs) < 0:
            raise Rejected("the least saturated column (the largest d[3]) should be a y = 1")
    if labels == "mixed":
        labels = [(1 if z > 0 else 0) if c % 2 == 0 else (0 if z > 0 else 1) for c, z in enumerate(z3s)]
        if len(set(labels)) < 2 or max(abs(z) for z in z3s) < 0.8 * target:
            raise Rejected("batch not mixed or not saturated")
    # Screens: exactness (dyadic) or conditioning (random) of every forward sum.
    for f in fs:
        for layer in (1, 2, 3):
            for terms, z in zip(f[f"t{layer}"], f[f"z{layer}"]):
                if kind == "dyadic":
                    if not exact_in(terms, ty):
                        raise Rejected("forward not exact")
                elif z == 0 or kappa(terms, z) > KAPPA_MAX:
                    raise Rejected("forward sum cancels")
        for layer in (1, 2):
            for z in f[f"z{layer}"]:
                if z == 0 and not any(k[0] == layer for k in kinks):
                    raise Rejected("unplanned kink")
    if mcols == 1:
        # d[1]_i = sum_k W2_ki d2_k: at most KAPPA_MAX of cancellation.
        f = fs[0]
        for i in range(4):
            if f["z1"][i] > 0:
                terms = [Fraction(p["W2"][k][i]) * Fraction(p["W3"][0][k]) for k in range(2) if f["z2"][k] > 0]
                if terms and (sum(terms) == 0 or kappa(terms, sum(terms)) > KAPPA_MAX):
                    raise Rejected("backward sum cancels")
    return p, xs, labels


def make_case(rng, name, family, ty, mcols, target, labels, kinks=(), kind="random"):
    for _ in range(20000):
        try:
            p, xs, ys = draw_case(rng, ty, kind, mcols, target, labels, kinks)
        except Rejected:
            continue
        cost, grads, z3s, intermediates = reference(p, xs, ys)
        floor = mpf(2) ** (TYPES[ty]["min_normal_log2"] + NORMAL_MARGIN_LOG2)
        values = intermediates + [g for k, r, c in SHAPES for row in grads[k] for g in row] + [cost]
        if any(v != 0 and abs(v) < floor for v in values):
            continue
        if any(g != 0 and abs(g) > 1e30 for g in values):
            continue
        check_by_finite_differences(p, xs, ys, grads)
        return {"name": name, "family": family, "ty": ty, "m": mcols, "kind": kind, "p": p, "x": xs,
                "y": ys, "cost": cost, "grads": grads, "z3": z3s, "kinks": kinks}
    raise AssertionError(f"no acceptable draw for {name}")


def cases():
    rng = random.Random(SEED)
    out = []
    for ty in ("f64", "f32"):
        kind = "random" if ty == "f64" else "dyadic"
        for t in (-4.0, -1.5, 0.75, 3.0):
            for y in (0, 1):
                out.append(make_case(rng, f"{ty}_moderate_z{t:+g}_y{y}", "moderate", ty, 1, t, [y], kind=kind))
        sat = (20, 30, 50, 100, 300, 700) if ty == "f64" else (20, 30, 50, 80)
        for mag in sat:
            for sign in (1, -1):
                for y in (0, 1):
                    t = float(sign * mag)
                    out.append(make_case(rng, f"{ty}_saturated_z{t:+g}_y{y}", "saturated", ty, 1, t, [y], kind=kind))
        if ty == "f64":
            for t in (-700.0, -100.0, 30.0, 700.0):
                for y in (0, 1):
                    out.append(make_case(rng, f"f64_saturated_exact_forward_z{t:+g}_y{y}", "saturated_exact_forward",
                                         ty, 1, t, [y], kind="dyadic"))
        zsat = 50.0 if ty == "f64" else 30.0
        for name, t, y, kinks in [("one_layer1_unit", 1.25, 1, ((1, 1, 0),)),
                                  ("two_layer1_units_and_a_layer2_unit", -2.0, 0, ((1, 0, 0), (1, 3, 0), (2, 1, 0))),
                                  ("layer1_unit_saturated_y1", zsat, 1, ((1, 2, 0),)),
                                  ("layer2_unit_saturated_y0", -zsat, 0, ((2, 0, 0),))]:
            out.append(make_case(rng, f"{ty}_relu_zero_{name}", "relu_zero", ty, 1, t, [y], kinks, kind="dyadic"))
        batch_sat = (40.0, 300.0, 700.0) if ty == "f64" else (30.0, 80.0)
        out.append(make_case(rng, f"{ty}_batch_moderate", "batch", ty, 8, 3.0, "mixed", kind=kind))
        for t in batch_sat:
            out.append(make_case(rng, f"{ty}_batch_saturated_max_z{t:g}", "batch", ty, 8, t, "mixed", kind=kind))
        out.append(make_case(rng, f"{ty}_batch_relu_zero", "batch", ty, 8, batch_sat[0], "mixed",
                             ((1, 1, 2), (1, 3, 5)), kind="dyadic"))
        # Every column classified right with |z[3]| >= 20, the least saturated one a y = 1:
        # the block maxima are then ~e^(-20) from that column, so the batch criterion sees
        # the relative accuracy of its d[3] = sigma(z) - 1.
        out.append(make_case(rng, f"{ty}_batch_all_right_saturated_min_z20", "batch", ty, 8, 20.0, "correct",
                             kind=kind))
    return out


# --- printing -----------------------------------------------------------------------------------


def emit(case):
    ty = case["ty"]
    flat = lambda rows: [v for row in rows for v in row]  # noqa: E731
    lit = lambda vs: "[" + ", ".join(literal(v, ty) for v in vs) + "]"  # noqa: E731
    explit = lambda vs: "[" + ", ".join(expected_literal(v) for v in vs) + "]"  # noqa: E731
    x_rows = [[case["x"][c][j] for c in range(case["m"])] for j in range(3)]
    z3 = ", ".join(mpmath.nstr(z, 30) for z in case["z3"])
    print(f"    // z[3] = {z3}")
    print(f"    // J = {mpmath.nstr(case['cost'], 30)}")
    print("    Case {")
    print(f'        name: "{case["name"]}",')
    print(f'        family: "{case["family"]}",')
    print(f"        x: &{lit(flat(x_rows))},")
    print(f"        y: &{lit([float(v) for v in case['y']])},")
    print(f"        z3: &{explit(case['z3'])},")
    print("        params: [")
    for k, _, _ in SHAPES:
        print(f"            &{lit(flat(case['p'][k]))},")
    print("        ],")
    print(f"        cost: {expected_literal(case['cost'])},")
    print("        grads: [")
    for k, _, _ in SHAPES:
        print(f"            &{explit(flat(case['grads'][k]))},")
    print("        ],")
    print("    },")


def main():
    all_cases = cases()
    print(f"//! Generated by `tests/reference/high_precision.py` (mpmath {mpmath.__version__}, Python "
          f"{sys.version.split()[0]}, seed {SEED}); do not edit, rerun the script.")
    print("//!")
    print("//! Cases for `tests/high_precision.rs`: inputs, labels and the 29 parameters exactly as the")
    print("//! crate reads them, and the cost and 29 gradients computed at 50 significant digits,")
    print("//! printed as the nearest f64. `x` is row-major (3, m): row j holds feature j of every")
    print("//! column. Parameter and gradient blocks are row-major, in the order W[1], b[1], W[2],")
    print("//! b[2], W[3], b[3].")
    print()
    print("use super::Case;")
    for ty in ("f64", "f32"):
        for single in (True, False):
            chosen = [c for c in all_cases if c["ty"] == ty and (c["m"] == 1) == single]
            mcols = 1 if single else 8
            const = f"{ty.upper()}_{'SINGLE' if single else 'BATCH'}"
            print()
            print(f"/// {len(chosen)} {ty} cases of {mcols} column{'s' if mcols > 1 else ''}.")
            print(f"pub const {const}: &[Case<{ty}>] = &[")
            for c in chosen:
                emit(c)
            print("];")
    print(f"{len(all_cases)} cases written", file=sys.stderr)


if __name__ == "__main__":
    main()
