//! # The derivation, proved
//!
//! This file is the seed's derivation of backpropagation for its 3 → 4 → 2 → 1 binary
//! classifier, restated as tests. It follows the seed's sections in order: the fixture,
//! then the network [N], the loss and cost [C], the Jacobian [M], the third layer [L3],
//! the second layer [L2], the first layer [L1] and the summary [S], and ends with a
//! worked example whose numbers were computed without the crate. Each test is named after
//! the equation it proves and its tag in the derivation module (`backprop::derivation`,
//! `cargo doc --open`): `l2_8_dw2_is_delta2_times_a1_transposed` proves [L2.8], so a
//! reader can hold the two side by side.
//!
//! Every claim that is a derivative is checked twice, on the seed's own shapes and one
//! fixed example (the [`seed`] fixture):
//!
//! * (a) by the full Jacobian product, multiplied out with real matrices from
//!   `backprop::jacobian` (`diag(g'(z))`, `I ⊗ a_prevᵀ`, `W`, …) and reshaped where the
//!   seed reshapes, then compared with what `backward` returns: the same real numbers
//!   computed two ways, so they must agree to a few ulps ([`ULPS`]);
//! * (b) by central finite differences of the cost in `f64` (`tests/support/fd.rs`),
//!   which know nothing of the chain rule, to their own noise ([`fd::RELATIVE_TOLERANCE`]).
//!
//! The layers are named as the maths names them: `let (layer1, layer2, layer3) = &s.net;`
//! holds `W[1], b[1]`, `W[2], b[2]` and `W[3], b[3]`, and `s.grads.dw2` is `dW[2]`.
//!
//! Claims that are not derivatives (definitions, the Bernoulli likelihood, the transpose
//! rule, the update, ReLU's value at 0, the `1/m` of a batch) are checked directly.
//!
//! # Tolerances
//!
//! One family, from strict to loose; no test uses a tolerance that is not one of these.
//!
//! * **Exact** (`==`). The fixture's parameters and input are multiples of 1/8 with small
//!   numerators, so every product and partial sum of the forward pass up to `z[3]` is
//!   exactly representable; so is anything multiplied by 0, 1 or a power of 2.
//! * **[`ULPS`] = 2 units in the last place.** The same real number computed two ways
//!   (`1 / (1 + e^(−z))` and the crate's `σ(z)`, a Jacobian product and `backward`), each
//!   by a handful of operations. A correctly rounded operation errs by at most half an
//!   ulp of its result (`exp` and `ln` by less than one); where the two ways differ by no
//!   more than a few such operations and nothing cancels, they land within 2 ulps of each
//!   other ([`assert_ulps`]). Most of the comparisons below are in fact exact. Where one side cancels (`1 − σ(z)`, `σ(z) − y` for `y = 1`), it
//!   carries the rounding of its terms, a few ulps of them rather than of the result, and
//!   the test adds that much and says so ([`assert_ulps_plus`]).
//! * **[`PASS_ROUNDING`] = 1e-14, relative.** One value computed along two different
//!   paths (the fused loss against the unfused one, a whole forward and backward pass
//!   against the seed's formulas or against sympy), some 30 operations deep: each result
//!   is good to about `30 u ≈ 3e-15` of its scale (`u = 2⁻⁵³ ≈ 1.1e-16`, [`U`]), and sums
//!   along the way may cancel, so entries are compared not in ulps but as vectors,
//!   `‖g − ĝ‖₂ / (‖g‖₂ + ‖ĝ‖₂)` ([`assert_pass`]), or, for the worked example, entry by
//!   entry relative to `max(1, |value|)`.
//! * **[`FD_LINEAR`] = 1e-9, absolute.** A central difference of a map that is linear in
//!   what is varied (`z = W a + b` in `W`, `b` or `a`; ReLU on one side of its kink) has
//!   no truncation error, only rounding: the two evaluations, each within a few `u · |z|`,
//!   divided by `2ε`, err by a few `u · |z| / ε ≈ 1e-10 · |z|` (the rounding of `θ ± ε`
//!   adds as little, `u · |θ| / ε`), below `1e-9` for `|z|, |θ| ≤ 3` as here.
//! * **[`fd::RELATIVE_TOLERANCE`] = 1e-6, relative.** A central difference
//!   `(J(θ + ε) − J(θ − ε)) / 2ε` of the smooth cost, `ε = 1e-6` ([`fd::EPSILON`]), errs by
//!
//!   ```text
//!   truncation   ε²/6 · |J'''|              ≈ 1e-13        (|J'''| ≲ 1 here)
//!   rounding     2 · k u |J| / 2ε = k u |J| / ε ≈ 5e-9        (k ≈ 30 roundings in J, |J| ≈ 1.3)
//!   ```
//!
//!   so the estimates are good to about `5e-9` absolute, `1e-8` relative to gradients of
//!   norm about 1, and `1e-6` leaves a factor 100, while a wrong gradient (a missing
//!   factor, a transposed index, a sign) is off by a relative error of order 1.
//!
//! A central difference must also not straddle ReLU's kink, where `g'` jumps: every
//! pre-activation of the fixture is at least [`KINK_MARGIN`] from 0, a margin 100 times
//! what one difference can move it, and the fixture asserts both.

#[path = "support/fd.rs"]
mod fd;

use backprop::activation::{Activation, sigmoid};
use backprop::jacobian;
use backprop::network::{self, SeedNetwork};
use backprop::optim::{Optimizer, Sgd};
use backprop::{
    CrossEntropy, Dense, Identity, Layer, Loss, Matrix, Parameters, Relu, Sigmoid,
    SigmoidCrossEntropy, SquaredError, Tanh, Vector,
};

// ===== Tolerances (see the module docs) ===============================================

/// The unit roundoff of `f64`, `u = 2⁻⁵³`: one correctly rounded operation errs by at
/// most `u` relative.
const U: f64 = f64::EPSILON / 2.0;

/// Two computations of one real number, each a handful of correctly rounded operations
/// without cancellation, agree to this many units in the last place.
const ULPS: u64 = 2;

/// One value computed along two different paths, some 30 operations deep (fused and
/// unfused, a whole pass and the formulas), agrees to this, relative to its scale.
const PASS_ROUNDING: f64 = 1e-14;

/// A central difference of a linear map is exact but for rounding, a few `u · |z| / ε`,
/// below this for `|z| ≤ 3`.
const FD_LINEAR: f64 = 1e-9;

/// How close to ReLU's kink at 0 a pre-activation may come.
///
/// A central difference steps one parameter (or one entry of `z[1]` or `z[2]`) by
/// `ε = 1e-6`. That moves `z[1]` by at most `ε · max(1, |x|)`, and `z[2]` by at most
/// `ε · max(1, |x|, |a[1]|) · max(1, |W[2]|)` (ReLU is 1-Lipschitz): [`fd_reach`], which is
/// `2.5e-6` for the fixture. A pre-activation further from 0 than [`KINK_MARGIN`] = `1e-3`,
/// at least 100 times the reach, keeps its side of the kink in both evaluations, so
/// `g'` is constant along every difference quotient. The fixture's pre-activations are
/// in fact at least 1/8 from 0: it is built from multiples of 1/8.
const KINK_MARGIN: f64 = 1e-3;

/// How many `f64` values lie between `a` and `b`: 0 when `a == b` (also for `0.0` and
/// `−0.0`), 1 for neighbours.
fn ulps_apart(a: f64, b: f64) -> u64 {
    // The bit patterns, mapped to integers ordered as the numbers are.
    let ordered = |v: f64| {
        let bits = v.to_bits() as i64;
        if bits < 0 { i64::MIN - bits } else { bits }
    };
    ordered(a).abs_diff(ordered(b))
}

/// The spacing of the `f64` values at `v`: one unit in its last place.
fn ulp(v: f64) -> f64 {
    let v = v.abs();
    f64::from_bits(v.to_bits() + 1) - v
}

/// Asserts that `got` and `want` agree entry by entry to [`ULPS`] units in the last place
/// (and that neither holds a NaN).
#[track_caller]
fn assert_ulps(what: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (k, (&g, &w)) in got.iter().zip(want).enumerate() {
        let apart = ulps_apart(g, w);
        assert!(
            !g.is_nan() && !w.is_nan() && apart <= ULPS,
            "{what}[{k}]: {g:e} and {w:e} are {apart} ulps apart (at most {ULPS} allowed)"
        );
    }
}

/// Asserts `|got − want| ≤ ULPS · ulp(want) + carried`: [`assert_ulps`] for a `want` that
/// carries an absolute error `carried` from a rounded input, such as `1 − σ(z)`, which
/// inherits the rounding of `σ(z)` (up to `ulp(σ(z)) / 2`) however small it is itself.
#[track_caller]
fn assert_ulps_plus(what: &str, got: f64, want: f64, carried: f64) {
    let bound = ULPS as f64 * ulp(want) + carried;
    assert!(
        (got - want).abs() <= bound,
        "{what}: {got:e} vs {want:e}, {:e} apart (at most {bound:e} allowed)",
        (got - want).abs()
    );
}

/// Asserts that two computations along different paths agree:
/// `‖got − want‖₂ / (‖got‖₂ + ‖want‖₂)` below [`PASS_ROUNDING`].
#[track_caller]
fn assert_pass(what: &str, got: &[f64], want: &[f64]) {
    let rel = fd::relative_error(got, want);
    assert!(
        rel < PASS_ROUNDING,
        "{what}: relative error {rel:e}\ngot:  {got:?}\nwant: {want:?}"
    );
}

/// Asserts that a central difference of a linear map is `exact` up to [`FD_LINEAR`].
#[track_caller]
fn assert_fd_linear<const R: usize, const C: usize>(
    what: &str,
    numeric: &Matrix<f64, R, C>,
    exact: &Matrix<f64, R, C>,
) {
    let diff = numeric.max_abs_diff(exact);
    assert!(
        diff < FD_LINEAR,
        "{what}: finite differences {numeric:?} vs {exact:?}, largest difference {diff:e}"
    );
}

// ===== The fixture ====================================================================

/// The seed's three layers with `A` as the last layer's activation: [`SeedNetwork`] is
/// `SeedShaped<Identity>`, whose output is the logit `z[3]`.
type SeedShaped<A> = (
    Dense<f64, 3, 4, Relu>,
    Dense<f64, 4, 2, Relu>,
    Dense<f64, 2, 1, A>,
);

/// The seed's network with a sigmoid as the last layer's activation, trained with
/// cross-entropy on probabilities: the unfused form of [`SeedNetwork`] +
/// [`SigmoidCrossEntropy`] [L3.2, L3.3].
type Unfused = SeedShaped<Sigmoid>;

/// The 29 parameters of the worked example: dyadic rationals (multiples of 1/8), exact
/// in `f64`, chosen so that unit 1 of layer 1 is inactive (`z[1]₁ = −1/4`) and the other
/// five ReLU units are active, every one at least 1/8 from the kink.
fn seed_network() -> SeedNetwork<f64> {
    let mut net = SeedNetwork::<f64>::default();
    let (layer1, layer2, layer3) = &mut net;
    layer1.weights = Matrix::from_rows([
        [0.5, -0.25, 0.75],
        [-0.5, 0.5, 0.25],
        [0.25, 0.75, -0.5],
        [0.25, 0.5, -0.5],
    ]);
    layer1.bias = Matrix::from_column([0.125, -0.25, 0.5, -0.125]);
    layer2.weights = Matrix::from_rows([[0.5, -0.25, 0.375, 0.25], [-0.25, 0.5, 0.5, -0.375]]);
    layer2.bias = Matrix::from_column([0.25, -0.125]);
    layer3.weights = Matrix::from_rows([[0.75, -0.5]]);
    layer3.bias = Matrix::from_column([0.25]);
    net
}

/// The fixture's input `x` (3, 1) and label `y = 0`.
fn seed_example() -> (Vector<f64, 3>, Vector<f64, 1>) {
    (
        Matrix::from_column([1.0, 2.0, -0.5]),
        Matrix::from_column([0.0]),
    )
}

/// Four inputs as the columns of `X` (3, 4), the first the fixture's `x`, and their labels
/// `Y` (1, 4) [C6, S5].
fn seed_batch() -> (Matrix<f64, 3, 4>, Matrix<f64, 1, 4>) {
    (
        Matrix::from_rows([
            [1.0, 0.5, -1.0, 2.0],
            [2.0, -1.0, 0.5, 1.0],
            [-0.5, 1.0, 2.0, 0.25],
        ]),
        Matrix::from_rows([[0.0, 1.0, 1.0, 0.0]]),
    )
}

/// The six gradient matrices of [N4], each shaped like its parameter [M2], named as the
/// derivation names them.
#[derive(Clone, Copy, Debug)]
struct Gradients {
    dw1: Matrix<f64, 4, 3>,
    db1: Vector<f64, 4>,
    dw2: Matrix<f64, 2, 4>,
    db2: Vector<f64, 2>,
    dw3: Matrix<f64, 1, 2>,
    db3: Vector<f64, 1>,
}

impl Gradients {
    /// Names the blocks of a gradient shaped like the network: layer 1's are `dW[1]`,
    /// `db[1]`, and so on.
    fn of<A: Activation<f64>>(grads: &SeedShaped<A>) -> Self {
        let (grads1, grads2, grads3) = grads;
        Self {
            dw1: grads1.weights,
            db1: grads1.bias,
            dw2: grads2.weights,
            db2: grads2.bias,
            dw3: grads3.weights,
            db3: grads3.bias,
        }
    }
}

/// One forward pass of the seed network on the fixture, what backpropagation returned
/// for it, and the pieces every proof needs.
struct Seed {
    net: SeedNetwork<f64>,
    x: Vector<f64, 3>,
    y: Vector<f64, 1>,
    z1: Vector<f64, 4>,
    a1: Vector<f64, 4>,
    z2: Vector<f64, 2>,
    a2: Vector<f64, 2>,
    z3: Vector<f64, 1>,
    a3: Vector<f64, 1>,
    /// What `network::gradients` wrote, shaped like the network (for `fd::flatten`).
    backprop: SeedNetwork<f64>,
    /// The same six matrices by name: `grads.dw1` is dW[1], …, `grads.db3` is db[3].
    grads: Gradients,
}

/// The most one central difference (a step of `ε` in one parameter, or in one entry of
/// `z[1]` or `z[2]`) can move a ReLU pre-activation of `net` on the inputs `x`, whose
/// first-layer activations are `a1`: `ε · max(1, |x|, |a[1]|) · max(1, |W[2]|)`
/// [`KINK_MARGIN`].
fn fd_reach<const M: usize>(
    net: &SeedNetwork<f64>,
    x: &Matrix<f64, 3, M>,
    a1: &Matrix<f64, 4, M>,
) -> f64 {
    let largest = |m: &[f64]| m.iter().fold(1.0_f64, |acc, v| acc.max(v.abs()));
    let (_, layer2, _) = net;
    fd::EPSILON
        * largest(x.as_slice()).max(largest(a1.as_slice()))
        * largest(layer2.weights.as_slice())
}

/// Asserts that no ReLU pre-activation `z1`, `z2` of `net` on `x` comes within
/// [`KINK_MARGIN`] of 0, and that the margin is at least 100 times [`fd_reach`].
#[track_caller]
fn assert_clear_of_the_kink<const M: usize>(
    net: &SeedNetwork<f64>,
    x: &Matrix<f64, 3, M>,
    (z1, a1, z2): (&Matrix<f64, 4, M>, &Matrix<f64, 4, M>, &Matrix<f64, 2, M>),
) {
    let reach = fd_reach(net, x, a1);
    assert!(
        100.0 * reach <= KINK_MARGIN,
        "a central difference moves a pre-activation by up to {reach:e}"
    );
    assert!(
        fd::min_abs(z1) > KINK_MARGIN && fd::min_abs(z2) > KINK_MARGIN,
        "a pre-activation sits on ReLU's kink: z[1] = {z1:?}, z[2] = {z2:?}"
    );
}

/// The fixture, run forward (with the cache `backward` uses) and backward; asserts that
/// it is clear of ReLU's kink ([`assert_clear_of_the_kink`]).
fn seed() -> Seed {
    let net = seed_network();
    let (x, y) = seed_example();
    let (z3, ((cache1, a1), (cache2, a2), _)) = net.forward(&x);
    let mut backprop = SeedNetwork::default();
    network::gradients(&net, &SigmoidCrossEntropy, &x, &y, &mut backprop);
    let s = Seed {
        net,
        x,
        y,
        z1: cache1.z,
        a1,
        z2: cache2.z,
        a2,
        z3,
        a3: SigmoidCrossEntropy.predict(&z3),
        backprop,
        grads: Gradients::of(&backprop),
    };
    assert_clear_of_the_kink(&s.net, &s.x, (&s.z1, &s.a1, &s.z2));
    s
}

impl Seed {
    /// `J` of the fixture's example for any parameters: what finite differences vary.
    fn cost(&self, net: &SeedNetwork<f64>) -> f64 {
        network::cost(net, &SigmoidCrossEntropy, &self.x, &self.y)
    }

    /// Central differences of `J` for all 29 parameters, named like [`Seed::grads`].
    fn numerical_gradients(&self) -> Gradients {
        Gradients::of(&fd::parameter_gradient(&self.net, |n| self.cost(n)))
    }

    /// The fixture's parameters in the [`Unfused`] network: layer 3 applies `σ` itself.
    fn unfused(&self) -> Unfused {
        let (layer1, layer2, layer3) = self.net;
        (layer1, layer2, Dense::new(layer3.weights, layer3.bias))
    }

    /// `J` as a function of `z[3]` alone (the fused loss on the logit).
    fn j_of_z3(&self, z3: &Vector<f64, 1>) -> f64 {
        SigmoidCrossEntropy.cost(z3, &self.y)
    }

    /// `J` as a function of `z[2]` alone: `a[2] = g(z[2])`, then layer 3 and the loss.
    fn j_of_z2(&self, z2: &Vector<f64, 2>) -> f64 {
        let (_, _, layer3) = &self.net;
        self.j_of_z3(&layer3.pre_activation(&relu(z2)))
    }

    /// `J` as a function of `z[1]` alone: `a[1] = g(z[1])`, then layers 2 and 3.
    fn j_of_z1(&self, z1: &Vector<f64, 4>) -> f64 {
        let (_, layer2, _) = &self.net;
        self.j_of_z2(&layer2.pre_activation(&relu(z1)))
    }

    /// `∂J/∂z[3]`, (1, 1): the loss's own local derivative on the logit, `δ[3]` [L3.6].
    fn dj_dz3(&self) -> Matrix<f64, 1, 1> {
        SigmoidCrossEntropy.gradient(&self.z3, &self.y)
    }

    /// `∂J/∂z[2] = ∂J/∂z[3] · ∂z[3]/∂a[2] · ∂a[2]/∂z[2] = δ[3] W[3] diag(g'(z[2]))`, (1, 2),
    /// multiplied out from the full Jacobians [L2.2, L2.3, L2.7].
    fn dj_dz2(&self) -> Matrix<f64, 1, 2> {
        let (_, _, layer3) = &self.net;
        self.dj_dz3() * jacobian::dz_da_prev(&layer3.weights) * jacobian::da_dz(&Relu, &self.z2)
    }

    /// `∂J/∂z[1] = ∂J/∂z[2] · ∂z[2]/∂z[1] = ∂J/∂z[2] · W[2] diag(g'(z[1]))`, (1, 4)
    /// [L1.1, L1.2].
    fn dj_dz1(&self) -> Matrix<f64, 1, 4> {
        let (_, layer2, _) = &self.net;
        self.dj_dz2() * jacobian::dz_next_dz(&layer2.weights, &Relu, &self.z1)
    }
}

/// ReLU of a column, entry by entry, written out here rather than taken from the crate.
fn relu<const N: usize>(z: &Vector<f64, N>) -> Vector<f64, N> {
    z.map(|v| if v > 0.0 { v } else { 0.0 })
}

/// ReLU's derivative, written out: 1 above the kink, 0 below (and at it) [L2.4].
fn step(z: f64) -> f64 {
    if z > 0.0 { 1.0 } else { 0.0 }
}

/// The fixture's design: one unit of layer 1 inactive, five active, all six at least 1/8
/// from the kink (so both branches of `g'` are exercised, far from where it jumps).
#[test]
fn fixture_relu_preactivations_are_at_least_an_eighth_from_the_kink() {
    let s = seed();
    assert_eq!(s.z1.map(step), Matrix::from_column([0.0, 1.0, 1.0, 1.0]));
    assert_eq!(s.z2.map(step), Matrix::from_column([1.0, 1.0]));
    assert!(fd::min_abs(&s.z1) >= 0.125 && fd::min_abs(&s.z2) >= 0.125);
    // One central difference moves them by at most 2.5e-6 [KINK_MARGIN].
    assert_eq!(fd_reach(&s.net, &s.x, &s.a1), 2.5 * fd::EPSILON);
}

// ===== [N] The network ================================================================
// The fixture's values are dyadic with small numerators and denominators, so every
// product and partial sum in z = W a + b is exactly representable: the forward values
// below are compared with `==`.

/// [N1] `z[1] = W[1] x + b[1]`, `a[1] = g(z[1])`: the crate's first layer against the sum
/// written out (see `backprop::derivation`, [N1]).
#[test]
fn n1_z1_is_w1_x_plus_b1_and_a1_is_relu_of_z1() {
    let s = seed();
    let (layer1, _, _) = &s.net;
    let (w1, b1) = (layer1.weights, layer1.bias);
    let by_hand =
        Matrix::from_fn(|i, _| (0..3).map(|j| w1[(i, j)] * s.x[(j, 0)]).sum::<f64>() + b1[(i, 0)]);
    assert_eq!(s.z1, by_hand);
    // By hand (see the worked example): −1/4, 1/8, 5/2, 11/8.
    assert_eq!(s.z1, Matrix::from_column([-0.25, 0.125, 2.5, 1.375]));
    assert_eq!(s.a1, relu(&s.z1));
    assert_eq!(s.a1, Matrix::from_column([0.0, 0.125, 2.5, 1.375]));
}

/// [N2] `z[2] = W[2] a[1] + b[2]`, `a[2] = g(z[2])` (see `backprop::derivation`, [N2]).
#[test]
fn n2_z2_is_w2_a1_plus_b2_and_a2_is_relu_of_z2() {
    let s = seed();
    let (_, layer2, _) = &s.net;
    let (w2, b2) = (layer2.weights, layer2.bias);
    let by_hand =
        Matrix::from_fn(|i, _| (0..4).map(|j| w2[(i, j)] * s.a1[(j, 0)]).sum::<f64>() + b2[(i, 0)]);
    assert_eq!(s.z2, by_hand);
    assert_eq!(s.z2, Matrix::from_column([1.5, 43.0 / 64.0]));
    assert_eq!(s.a2, relu(&s.z2));
}

/// [N3] `z[3] = W[3] a[2] + b[3]`, `ŷ = a[3] = σ(z[3])`, with `σ` written out as
/// `1 / (1 + e^(−z))` (see `backprop::derivation`, [N3]).
#[test]
fn n3_z3_is_w3_a2_plus_b3_and_y_hat_is_sigma_of_z3() {
    let s = seed();
    let (_, _, layer3) = &s.net;
    let (w3, b3) = (layer3.weights, layer3.bias);
    let by_hand = w3[(0, 0)] * s.a2[(0, 0)] + w3[(0, 1)] * s.a2[(1, 0)] + b3[(0, 0)];
    assert_eq!(s.z3[(0, 0)], by_hand);
    assert_eq!(s.z3[(0, 0)], 133.0 / 128.0);
    // The crate's σ is a different formula, equal in exact arithmetic: ULPS.
    let y_hat = 1.0 / (1.0 + (-by_hand).exp());
    assert_ulps("ŷ = σ(z[3])", s.a3.as_slice(), &[y_hat]);
    assert_eq!(network::predict(&s.net, &SigmoidCrossEntropy, &s.x), s.a3);
}

/// [N4] 12 + 8 + 2 = 22 weights and 4 + 2 + 1 = 7 biases, 29 parameters, whose 29 partial
/// derivatives come in 6 gradient matrices shaped like them (see
/// `backprop::derivation`, [N4]).
#[test]
fn n4_seed_network_has_29_parameters_in_6_gradient_matrices_shaped_like_them() {
    let s = seed();
    assert_eq!(s.net.parameter_count(), 29);
    let shapes: Vec<(usize, usize)> = s.net.block_shapes().collect();
    assert_eq!(shapes, [(4, 3), (4, 1), (2, 4), (2, 1), (1, 2), (1, 1)]);
    let weights: usize = shapes.iter().step_by(2).map(|(r, c)| r * c).sum();
    let biases: usize = shapes.iter().skip(1).step_by(2).map(|(r, c)| r * c).sum();
    assert_eq!((weights, biases), (12 + 8 + 2, 4 + 2 + 1));
    // The gradients are a value of the network's own type: six matrices shaped like
    // dW[1], db[1], dW[2], db[2], dW[3], db[3], 29 partial derivatives in all.
    assert_eq!(s.backprop.block_shapes().collect::<Vec<_>>(), shapes);
    assert_eq!(s.backprop.parameter_count(), 29);
}

/// [N5] `g(z) = max(0, z)`, `σ(z) = 1 / (1 + e^(−z))`, and neither has a parameter to learn
/// (see `backprop::derivation`, [N5]).
#[test]
fn n5_g_is_max_0_z_and_sigma_is_one_over_one_plus_e_minus_z_with_no_parameters() {
    for z in [-3.0_f64, -0.5, -1e-300, 0.0, 1e-300, 0.5, 3.0] {
        assert_eq!(Relu.value(z), z.max(0.0));
        // The crate's σ uses e^z / (1 + e^z) for z < 0, equal in exact arithmetic: ULPS.
        let sigma = 1.0 / (1.0 + (-z).exp());
        assert_ulps(
            &format!("σ({z})"),
            &[Sigmoid.value(z), sigmoid(z)],
            &[sigma; 2],
        );
    }
    // Neither function carries anything to learn: both are zero-sized, and a dense layer's
    // parameters are its weights and biases alone.
    assert_eq!(core::mem::size_of::<Relu>(), 0);
    assert_eq!(core::mem::size_of::<Sigmoid>(), 0);
    assert_eq!(
        Dense::<f64, 3, 4, Relu>::default().parameter_count(),
        12 + 4
    );
    assert_eq!(
        Dense::<f64, 2, 1, Sigmoid>::default().parameter_count(),
        2 + 1
    );
}

// ===== [C] The loss and the cost ======================================================

/// The loss `L` of one example given the network's output (`ŷ`, or the logit `z[3]` for
/// the fused loss) and the label `y`, as numbers.
fn loss(l: &impl Loss<f64>, output: f64, y: f64) -> f64 {
    l.losses(&Matrix::<f64, 1, 1>::filled(output), &Matrix::filled(y))[(0, 0)]
}

/// [C1] `L(ŷ, y) = ½ (ŷ − y)²` (see `backprop::derivation`, [C1]).
#[test]
fn c1_squared_error_is_half_the_squared_difference() {
    for (y_hat, y) in [(0.25, 1.0), (0.75, 0.0), (2.0, -1.0), (0.5, 0.5)] {
        // Dyadic inputs: every operation exact.
        assert_eq!(
            loss(&SquaredError, y_hat, y),
            0.5 * (y_hat - y) * (y_hat - y)
        );
    }
}

/// [C1] Through a sigmoid the squared error `½(σ(w) − 1)²` curves down somewhere
/// (`J'' = −σ(1 − σ)²(1 − 3σ) < 0` for `σ < 1/3`), while the cross-entropy `−log σ(w)`
/// curves up everywhere (`J'' = σ(1 − σ) > 0`): why the seed does not use C1 (see
/// `backprop::derivation`, [C1]).
#[test]
fn c1_squared_error_through_a_sigmoid_is_not_convex_but_cross_entropy_is() {
    // Logistic regression with one weight w and the example (x = 1, y = 1). Second
    // differences (J(w + h) − 2J(w) + J(w − h)) / h² on a grid over [−6, 6], h = 1e-3, err by
    // the truncation h²/12 · |J''''| ≤ 1e-7 (|J''''| ≤ 1) plus the rounding 4u|J|/h² ≤ 3e-9
    // (|J| ≤ 6.01): `noise` below, far smaller than the curvatures compared.
    let h = 1e-3;
    let noise = 1e-7 + 4.0 * U * 6.01 / (h * h);
    let y = Matrix::<f64, 1, 1>::filled(1.0);
    let squared = |w: f64| SquaredError.cost(&Matrix::filled(sigmoid(w)), &y);
    let cross = |w: f64| SigmoidCrossEntropy.cost(&Matrix::filled(w), &y);
    let second = |f: &dyn Fn(f64) -> f64, w: f64| (f(w + h) - 2.0 * f(w) + f(w - h)) / (h * h);
    // The closed forms, by differentiating twice by hand.
    let squared_j2 = |w: f64| {
        let s = sigmoid(w);
        -s * (1.0 - s) * (1.0 - s) * (1.0 - 3.0 * s)
    };
    let cross_j2 = |w: f64| sigmoid(w) * sigmoid(-w);
    let grid: Vec<f64> = (-24..=24).map(|k| f64::from(k) / 4.0).collect();
    for &w in &grid {
        let (sq, cr) = (second(&squared, w), second(&cross, w));
        assert!(
            (sq - squared_j2(w)).abs() <= noise,
            "½(σ(w) − 1)²'' at {w}: {sq}"
        );
        assert!(
            (cr - cross_j2(w)).abs() <= noise,
            "(−log σ(w))'' at {w}: {cr}"
        );
    }
    let min_squared = grid
        .iter()
        .map(|&w| second(&squared, w))
        .fold(f64::INFINITY, f64::min);
    let min_cross = grid
        .iter()
        .map(|&w| second(&cross, w))
        .fold(f64::INFINITY, f64::min);
    assert!(
        min_squared < -1e-3,
        "½(σ(w) − 1)² should curve down somewhere: {min_squared}"
    );
    // J'' = σ(w)(1 − σ(w)) ≥ σ(6)σ(−6) ≈ 2.5e-3 on [−6, 6].
    assert!(
        min_cross >= sigmoid(6.0) * sigmoid(-6.0) - noise && min_cross > 1e-3,
        "−log σ(w) should curve up everywhere: {min_cross}"
    );
}

/// [C2] `L(ŷ, y) = −(y log ŷ + (1 − y) log(1 − ŷ))`, and the fused loss on the logit is
/// the same `L` at `ŷ = σ(z)` (see `backprop::derivation`, [C2]).
#[test]
fn c2_cross_entropy_is_minus_y_log_y_hat_minus_one_minus_y_log_one_minus_y_hat() {
    // Two logarithms and three products, computed as the crate does: ULPS.
    for (y_hat, y) in [
        (0.1_f64, 1.0),
        (0.1, 0.0),
        (0.7, 1.0),
        (0.7, 0.0),
        (0.4, 0.25),
    ] {
        let by_hand = -(y * y_hat.ln() + (1.0 - y) * (1.0 - y_hat).ln());
        assert_ulps(
            &format!("L({y_hat}, {y})"),
            &[loss(&CrossEntropy, y_hat, y)],
            &[by_hand],
        );
    }
    // The fused loss's stable form max(z, 0) − z y + log(1 + e^(−|z|)) equals C2 at
    // ŷ = σ(z) in exact arithmetic. In floating point the unfused side is the less
    // accurate one: ŷ = σ(z) is rounded (error ≤ u), so log ŷ and log(1 − ŷ) are off by up
    // to u/ŷ and u/(1 − ŷ). The bound allows 4u/min(ŷ, 1 − ŷ) for that, plus 4u|L| for the
    // remaining roundings.
    for z in [-4.0_f64, -0.3, 0.0, 0.8, 5.0] {
        for y in [0.0, 1.0, 0.5] {
            let y_hat = sigmoid(z);
            let fused = loss(&SigmoidCrossEntropy, z, y);
            let on_sigma = loss(&CrossEntropy, y_hat, y);
            let bound = 4.0 * U / y_hat.min(1.0 - y_hat) + 4.0 * U * fused.abs();
            assert!((fused - on_sigma).abs() <= bound, "z = {z}, y = {y}");
        }
    }
}

/// [C3] With `y = 1`, `L = −log ŷ`, which falls as `ŷ → 1`; with `y = 0`,
/// `L = −log(1 − ŷ)`, which falls as `ŷ → 0` (see `backprop::derivation`, [C3]).
#[test]
fn c3_cross_entropy_is_minus_log_y_hat_for_y_1_and_minus_log_one_minus_y_hat_for_y_0() {
    let grid = [0.05, 0.2, 0.5, 0.8, 0.95];
    for &y_hat in &grid {
        // With y ∈ {0, 1} one term of C2 is multiplied by exactly 0: the other is exact.
        assert_eq!(loss(&CrossEntropy, y_hat, 1.0), -y_hat.ln());
        assert_eq!(loss(&CrossEntropy, y_hat, 0.0), -(1.0 - y_hat).ln());
    }
    for pair in grid.windows(2) {
        assert!(loss(&CrossEntropy, pair[1], 1.0) < loss(&CrossEntropy, pair[0], 1.0));
        assert!(loss(&CrossEntropy, pair[1], 0.0) > loss(&CrossEntropy, pair[0], 0.0));
    }
}

/// [C4] `p(y | x) = ŷ^y (1 − ŷ)^(1 − y)` and `log p(y | x) = −L(ŷ, y)`, so the `ŷ` of least
/// loss is the `ŷ` of greatest likelihood (see `backprop::derivation`, [C4]).
#[test]
fn c4_cross_entropy_is_minus_the_bernoulli_log_likelihood_so_minimising_it_maximises_p() {
    let grid = [0.05, 0.2, 0.5, 0.8, 0.95];
    for y in [0.0, 1.0] {
        let p = |y_hat: f64| y_hat.powf(y) * (1.0 - y_hat).powf(1.0 - y); // ŷ^y (1 − ŷ)^(1 − y)
        let l = |y_hat: f64| loss(&CrossEntropy, y_hat, y);
        for &y_hat in &grid {
            // log p(y | x) = −L(ŷ, y): one logarithm each, of the same number: ULPS.
            assert_ulps(
                &format!("log p, ŷ = {y_hat}, y = {y}"),
                &[p(y_hat).ln()],
                &[-l(y_hat)],
            );
        }
        let argmin_l = grid
            .iter()
            .copied()
            .fold(grid[0], |b, v| if l(v) < l(b) { v } else { b });
        let argmax_p = grid
            .iter()
            .copied()
            .fold(grid[0], |b, v| if p(v) > p(b) { v } else { b });
        assert_eq!(argmin_l, argmax_p);
        assert_eq!(argmin_l, if y == 1.0 { 0.95 } else { 0.05 });
    }
}

/// [C5] Stochastic gradient descent's cost is one example's loss, `J = L(ŷ, y)` (see
/// `backprop::derivation`, [C5]).
#[test]
fn c5_stochastic_cost_of_one_example_is_its_loss() {
    let s = seed();
    // Divided by m = 1: exact.
    assert_eq!(
        s.cost(&s.net),
        SigmoidCrossEntropy.losses(&s.z3, &s.y)[(0, 0)]
    );
}

/// [C6] Over m examples, `J = (1/m) Σᵢ L(ŷ(i), y(i))` (see `backprop::derivation`, [C6]).
#[test]
fn c6_cost_over_m_examples_is_the_mean_of_their_losses() {
    let s = seed();
    let (x, y) = seed_batch();
    let j = network::cost(&s.net, &SigmoidCrossEntropy, &x, &y);
    let mean = (0..4)
        .map(|i| network::cost(&s.net, &SigmoidCrossEntropy, &x.column(i), &y.column(i)))
        .sum::<f64>()
        / 4.0;
    // The same four numbers summed and divided by 4 in both: ULPS.
    assert_ulps("J = mean of the losses", &[j], &[mean]);
}

/// [C7] `W := W − α dW`, `b := b − α db`, elementwise because `dW` is shaped like `W`
/// [M2], and a small step lowers `J` (see `backprop::derivation`, [C7]).
#[test]
fn c7_update_is_w_minus_alpha_dw_and_b_minus_alpha_db_and_lowers_the_cost() {
    let s = seed();
    let alpha = 0.125;
    let mut net = s.net;
    Sgd::new(alpha).unwrap().step(&mut net, &s.backprop);
    // θ' = θ − α dθ exactly (one product and one subtraction, done the same way on both
    // sides).
    let before = fd::flatten(&s.net);
    let g = fd::flatten(&s.backprop);
    let after = fd::flatten(&net);
    for k in 0..29 {
        assert_eq!(after[k], before[k] - alpha * g[k], "parameter {k}");
    }
    let ((_, old2, _), (_, new2, _)) = (&s.net, &net);
    assert_eq!(new2.weights, old2.weights - s.grads.dw2 * alpha);
    // A small step against the gradient lowers J (first order: ΔJ ≈ −α ‖∇J‖² < 0).
    assert!(s.cost(&net) < s.cost(&s.net));
}

// ===== [M] The Jacobian ===============================================================

/// [M1] The Jacobian of `f: Rᵐ → Rⁿ` is (n, m) whether `x` is a row or a column (see
/// `backprop::derivation`, [M1]).
#[test]
fn m1_jacobian_of_f_from_rm_to_rn_is_n_by_m_whether_x_is_a_row_or_a_column() {
    let s = seed();
    let (_, layer2, _) = &s.net;
    let (w2, b2) = (layer2.weights, layer2.bias);
    // f: R⁴ → R², f(a) = W[2] a + b[2]. Its Jacobian is (2, 4) from a column ...
    let from_column: Matrix<f64, 2, 4> = fd::jacobian(&s.a1, |a| w2 * *a + b2);
    // ... and (2, 4) again from a row (the same numbers, entered as (1, 4)).
    let from_row: Matrix<f64, 2, 4> = fd::jacobian(&s.a1.transpose(), |a| w2 * a.transpose() + b2);
    assert_eq!(from_column, from_row);
    // The crate's (n, m) matrix for it is W[2] [L2.2]; f is linear: FD_LINEAR.
    let exact: Matrix<f64, 2, 4> = jacobian::dz_da_prev(&w2);
    assert_fd_linear("∂f/∂a = W[2]", &from_column, &exact);
}

/// [M2] `dW` is the (1, rows·cols) Jacobian row `∂J/∂W` over `vec(W)` (row by row),
/// reshaped to `W`'s shape (see `backprop::derivation`, [M2]).
#[test]
fn m2_dw_is_the_jacobian_row_over_vec_w_reshaped_to_w_shape() {
    let s = seed();
    // ∂J/∂W[2] is a (1, 8) row over vec(W[2]) = (W11, W12, W13, W14, W21, …), row by row.
    let (_, layer2, _) = &s.net;
    let row: Matrix<f64, 1, 8> = fd::jacobian(&layer2.weights, |w2| {
        let mut probe = s.net;
        let (_, probe2, _) = &mut probe;
        probe2.weights = *w2;
        Matrix::filled(s.cost(&probe))
    });
    // Reshaped to W[2]'s (2, 4) it is dW[2], both from finite differences and from backward.
    let dw2: Matrix<f64, 2, 4> = jacobian::reshape_to_gradient(&row);
    assert_eq!(dw2, s.numerical_gradients().dw2);
    fd::assert_agree("dW[2] = reshape(∂J/∂W[2])", &s.grads.dw2, &dw2);
    // vec is row by row: entry k of the row is W[k / 4][k % 4].
    let v: Matrix<f64, 1, 8> = s.grads.dw2.vec_row();
    for k in 0..8 {
        assert_eq!(v[(0, k)], s.grads.dw2[(k / 4, k % 4)]);
    }
    assert_eq!(
        jacobian::reshape_to_gradient::<f64, 2, 4, 8>(&v),
        s.grads.dw2
    );
}

/// [M3] `(ABC)ᵀ = CᵀBᵀAᵀ`, and the seed's use of it, `(δ[3] W[3] diag(g'(z[2])))ᵀ` (see
/// `backprop::derivation`, [M3]).
#[test]
fn m3_transpose_of_abc_is_ct_bt_at() {
    // Small integers: every product and sum is exact, so the sides are compared with ==.
    let a = Matrix::from_rows([[1.0, -2.0, 3.0], [0.0, 4.0, -1.0]]);
    let b = Matrix::from_rows([
        [2.0, 1.0, 0.0, -3.0],
        [1.0, -1.0, 2.0, 0.0],
        [0.0, 3.0, 1.0, 1.0],
    ]);
    let c = Matrix::from_rows([[1.0, 2.0], [-1.0, 0.0], [3.0, 1.0], [0.0, -2.0]]);
    assert_eq!(
        (a * b * c).transpose(),
        c.transpose() * b.transpose() * a.transpose()
    );
    // The seed's use of it [L2.7]: (δ[3] W[3] diag(g'(z[2])))ᵀ = diag(g'(z[2]))ᵀ W[3]ᵀ δ[3]ᵀ.
    let s = seed();
    let (_, _, layer3) = &s.net;
    let d = jacobian::da_dz(&Relu, &s.z2);
    let lhs = (s.dj_dz3() * layer3.weights * d).transpose();
    let rhs = d.transpose() * layer3.weights.transpose() * s.dj_dz3().transpose();
    assert_eq!(lhs, rhs);
}

// ===== [L3] The third layer ===========================================================

/// [L3.1] The chain rule, `∂J/∂W[3] = dJ/da[3] · da[3]/dz[3] · ∂z[3]/∂W[3]` (and the same
/// with `b[3]`), multiplied out as (1, 1)(1, 1)(1, 2) Jacobians (see
/// `backprop::derivation`, [L3.1]).
#[test]
fn l3_1_chain_rule_dj_dw3_is_dj_da3_times_da3_dz3_times_dz3_dw3() {
    let s = seed();
    // The three factors of the unfused chain, each a full Jacobian:
    let dj_da3 = CrossEntropy.gradient(&s.a3, &s.y); //         (1, 1) [L3.2]
    let da3_dz3 = jacobian::da_dz(&Sigmoid, &s.z3); //          (1, 1) [L3.3]
    let dz3_dw3: Matrix<f64, 1, 2> = jacobian::dz_dw(&s.a2); // (1, 2) [L3.5]
    let dz3_db3 = jacobian::dz_db::<f64, 1>(); //               (1, 1) [L3.5]
    let dj_dw3 = dj_da3 * da3_dz3 * dz3_dw3;
    let dj_db3 = dj_da3 * da3_dz3 * dz3_db3;
    // (a) equals backward's dW[3], db[3], which took the fused path (σ(z[3]) − y): two
    // computations along different paths, PASS_ROUNDING ...
    let dw3: Matrix<f64, 1, 2> = jacobian::reshape_to_gradient(&dj_dw3);
    assert_pass("L3.1 dW[3]", s.grads.dw3.as_slice(), dw3.as_slice());
    assert_pass("L3.1 db[3]", s.grads.db3.as_slice(), dj_db3.as_slice());
    // (b) ... and central differences of J.
    let numeric = s.numerical_gradients();
    fd::assert_agree("L3.1 dW[3] vs fd", &dj_dw3, &numeric.dw3);
    fd::assert_agree("L3.1 db[3] vs fd", &dj_db3, &numeric.db3);
}

/// [L3.2] `dJ/da[3] = −y/a[3] + (1 − y)/(1 − a[3]) = (a[3] − y) / (a[3](1 − a[3]))` (see
/// `backprop::derivation`, [L3.2]).
#[test]
fn l3_2_dj_da3_is_minus_y_over_a3_plus_one_minus_y_over_one_minus_a3() {
    let s = seed();
    let a3 = s.a3[(0, 0)];
    for y in [0.0, 1.0, 0.25] {
        let y = Matrix::<f64, 1, 1>::filled(y);
        let dj_da3 = CrossEntropy.gradient(&s.a3, &y)[(0, 0)];
        let yv = y[(0, 0)];
        // Two forms, equal in exact arithmetic, each a few roundings: ULPS.
        let first = -yv / a3 + (1.0 - yv) / (1.0 - a3);
        let second = (a3 - yv) / (a3 * (1.0 - a3));
        assert_ulps(
            &format!("L3.2, y = {yv}"),
            &[dj_da3, dj_da3],
            &[first, second],
        );
        // Finite differences of J(a[3]) = L(a[3], y).
        let numeric = fd::central(|v| loss(&CrossEntropy, v, yv), a3);
        fd::assert_agree(
            "L3.2 dJ/da[3] vs fd",
            &Matrix::<f64, 1, 1>::filled(dj_da3),
            &Matrix::filled(numeric),
        );
    }
}

/// [L3.3] `σ'(z) = σ(z)(1 − σ(z))`, so `da[3]/dz[3] = a[3](1 − a[3])` (see
/// `backprop::derivation`, [L3.3]).
#[test]
fn l3_3_sigma_prime_is_sigma_times_one_minus_sigma() {
    for z in [-6.0f64, -1.0, -0.1, 0.0, 0.3, 133.0 / 128.0, 4.0] {
        let sz = sigmoid(z);
        // σ(z)(1 − σ(z)) = σ(z)σ(−z) in exact arithmetic. The crate computes the second
        // form (no cancellation in 1 − σ(z)): bit for bit σ(z)·σ(−z). Computed, 1 − σ(z)
        // carries σ(z)'s rounding (up to ulp(σ(z)) / 2), so the textbook product is good
        // to σ(z) ulp(σ(z)) / 2 beyond its own ULPS.
        let carried = sz * ulp(sz) / 2.0;
        let d = Sigmoid.derivative(z);
        assert_eq!(d, sz * sigmoid(-z), "σ'({z}) is σ(z)σ(−z)");
        assert_ulps_plus(&format!("σ'({z}) vs σ(1 − σ)"), d, sz * (1.0 - sz), carried);
        let da_dz = jacobian::da_dz(&Sigmoid, &Matrix::<f64, 1, 1>::filled(z));
        assert_eq!(da_dz, Matrix::filled(d));
        let numeric = fd::central(|v| Sigmoid.value(v), z);
        fd::assert_agree("L3.3 σ' vs fd", &da_dz, &Matrix::filled(numeric));
    }
}

/// [L3.4] `z[3] = W[3]₁₁ a[2]₁₁ + W[3]₁₂ a[2]₂₁ + b[3]`, so `∂z[3]/∂W[3]₁₁ = a[2]₁₁` and
/// `∂z[3]/∂W[3]₁₂ = a[2]₂₁` (see `backprop::derivation`, [L3.4]).
#[test]
fn l3_4_dz3_dw3_11_is_a2_11_and_dz3_dw3_12_is_a2_21() {
    let s = seed();
    let (_, _, layer3) = &s.net;
    let z3_at = |w11: f64, w12: f64| {
        let mut probe = *layer3;
        probe.weights = Matrix::from_rows([[w11, w12]]);
        probe.pre_activation(&s.a2)[(0, 0)]
    };
    let (w11, w12) = (layer3.weights[(0, 0)], layer3.weights[(0, 1)]);
    // z[3] is linear in W[3]: FD_LINEAR.
    let numeric = Matrix::from_rows([[
        fd::central(|v| z3_at(v, w12), w11),
        fd::central(|v| z3_at(w11, v), w12),
    ]]);
    assert_fd_linear("∂z[3]/∂W[3]₁₁, ∂z[3]/∂W[3]₁₂", &numeric, &s.a2.transpose());
    let dz3_dw3: Matrix<f64, 1, 2> = jacobian::dz_dw(&s.a2);
    assert_eq!(dz3_dw3[(0, 0)], 1.5); //         a[2]₁₁, by hand
    assert_eq!(dz3_dw3[(0, 1)], 43.0 / 64.0); // a[2]₂₁
}

/// [L3.5] `∂z[3]/∂W[3] = a[2]ᵀ` (1, 2) and `∂z[3]/∂b[3] = 1` (see `backprop::derivation`,
/// [L3.5]).
#[test]
fn l3_5_dz3_dw3_is_a2_transposed_and_dz3_db3_is_1() {
    let s = seed();
    let dz3_dw3: Matrix<f64, 1, 2> = jacobian::dz_dw(&s.a2);
    assert_eq!(dz3_dw3, s.a2.transpose());
    assert_eq!(jacobian::dz_db::<f64, 1>(), Matrix::filled(1.0));
    let (_, _, layer3) = &s.net;
    let numeric_w: Matrix<f64, 1, 2> = fd::jacobian(&layer3.weights, |w| *w * s.a2 + layer3.bias);
    let numeric_b: Matrix<f64, 1, 1> = fd::jacobian(&layer3.bias, |b| layer3.weights * s.a2 + *b);
    assert_fd_linear("∂z[3]/∂W[3]", &numeric_w, &s.a2.transpose());
    assert_fd_linear("∂z[3]/∂b[3]", &numeric_b, &Matrix::filled(1.0));
}

/// [L3.6] `δ[3] = dJ/dz[3] = a[3] − y`: L3.2 times L3.3, the sigmoid's derivative
/// cancelling (see `backprop::derivation`, [L3.6]).
#[test]
fn l3_6_delta3_is_a3_minus_y() {
    let s = seed();
    let delta3 = s.dj_dz3();
    // Directly: σ(z[3]) − y, with σ written out here (ULPS, as in N3) ...
    let by_hand = 1.0 / (1.0 + (-s.z3[(0, 0)]).exp()) - s.y[(0, 0)];
    assert_ulps("L3.6 δ[3] = σ(z[3]) − y", delta3.as_slice(), &[by_hand]);
    // ... and a[3] − y exactly: with y = 0 the loss's gradient is σ(z[3]) itself.
    assert_eq!(delta3, s.a3 - s.y);
    // (a) L3.2 times L3.3, dJ/da[3] · da[3]/dz[3]: divided by a[3](1 − a[3]) and multiplied
    // by σ'(z[3]), whose 1 − a[3] may carry a[3]'s rounding: PASS_ROUNDING.
    let product = CrossEntropy.gradient(&s.a3, &s.y) * jacobian::da_dz(&Sigmoid, &s.z3);
    assert_pass(
        "L3.6 δ[3] = L3.2 × L3.3",
        delta3.as_slice(),
        product.as_slice(),
    );
    // (b) Finite differences of J(z[3]).
    let numeric = fd::gradient(&s.z3, |z3| s.j_of_z3(z3));
    fd::assert_agree("L3.6 δ[3] vs fd", &delta3, &numeric);
    // And it is what backward used: db[3] = δ[3] [L3.7].
    assert_eq!(s.grads.db3, delta3);
}

/// [L3.6] The same through the unfused network (a sigmoid layer, then cross-entropy on
/// `ŷ`): all 29 gradients and the cost agree with the fused ones (see
/// `backprop::derivation`, [L3.6]).
#[test]
fn l3_6_unfused_sigmoid_layer_with_cross_entropy_gives_the_fused_gradients() {
    let s = seed();
    let unfused = s.unfused();
    let mut grads = Unfused::default();
    network::gradients(&unfused, &CrossEntropy, &s.x, &s.y, &mut grads);
    // The unfused path divides by a[3](1 − a[3]) and multiplies by σ'(z[3]): a few
    // roundings apart from a[3] − y, carried through the whole pass: PASS_ROUNDING.
    assert_pass(
        "unfused vs fused, all 29",
        &fd::flatten(&grads),
        &fd::flatten(&s.backprop),
    );
    // The costs: −log(1 − a[3]) against the stable form from z[3]. The rounding of a[3],
    // up to ulp(a[3]) / 2, moves log(1 − a[3]) by that over 1 − a[3].
    let unfused_j = network::cost(&unfused, &CrossEntropy, &s.x, &s.y);
    let a3 = s.a3[(0, 0)];
    let carried = ulp(a3) / 2.0 / (1.0 - a3);
    assert_ulps_plus("unfused vs fused J", unfused_j, s.cost(&s.net), carried);
}

/// [L3.7] `dW[3] = δ[3] a[2]ᵀ` (1, 2) and `db[3] = δ[3]` (see `backprop::derivation`,
/// [L3.7]).
#[test]
fn l3_7_dw3_is_delta3_times_a2_transposed_and_db3_is_delta3() {
    let s = seed();
    let delta3 = s.dj_dz3();
    // (a) the Jacobian product δ[3] · (I₁ ⊗ a[2]ᵀ), reshaped (here already (1, 2)).
    let dz3_dw3: Matrix<f64, 1, 2> = jacobian::dz_dw(&s.a2);
    let dw3: Matrix<f64, 1, 2> = jacobian::reshape_to_gradient(&(delta3 * dz3_dw3));
    assert_eq!(dw3, delta3 * s.a2.transpose());
    assert_ulps("L3.7 dW[3]", s.grads.dw3.as_slice(), dw3.as_slice());
    let db3 = delta3 * jacobian::dz_db::<f64, 1>();
    assert_ulps("L3.7 db[3]", s.grads.db3.as_slice(), db3.as_slice());
    // (b) finite differences.
    let numeric = s.numerical_gradients();
    fd::assert_agree("L3.7 dW[3] vs fd", &s.grads.dw3, &numeric.dw3);
    fd::assert_agree("L3.7 db[3] vs fd", &s.grads.db3, &numeric.db3);
}

/// [L3.8] With the squared loss C1, `δ[3] = (a[3] − y) a[3](1 − a[3])`: no cancellation,
/// and it vanishes where the sigmoid saturates (see `backprop::derivation`, [L3.8]).
#[test]
fn l3_8_squared_loss_gives_delta3_a3_minus_y_times_a3_one_minus_a3_without_cancellation() {
    let s = seed();
    let unfused = s.unfused();
    let mut backprop = Unfused::default();
    network::gradients(&unfused, &SquaredError, &s.x, &s.y, &mut backprop);
    let grads = Gradients::of(&backprop);
    // δ[3] = ∂J/∂z[3] = db[3], since ∂z[3]/∂b[3] = 1. Its 1 − a[3] carries a[3]'s
    // rounding, times (a[3] − y) a[3] (see L3.3).
    let (a3, y) = (s.a3[(0, 0)], s.y[(0, 0)]);
    let expected = (a3 - y) * a3 * (1.0 - a3);
    let carried = (a3 - y).abs() * a3 * ulp(a3) / 2.0;
    assert_ulps_plus("L3.8 δ[3]", grads.db3[(0, 0)], expected, carried);
    // Finite differences of J = ½(σ(z[3]) − y)², with respect to b[3] and all 29.
    let numeric = fd::parameter_gradient(&unfused, |n| network::cost(n, &SquaredError, &s.x, &s.y));
    fd::assert_agree("L3.8 δ[3] vs fd", &grads.db3, &Gradients::of(&numeric).db3);
    let all = fd::agree(
        "L3.8 all 29 vs fd",
        &fd::flatten(&backprop),
        &fd::flatten(&numeric),
        false,
    );
    assert!(all.is_ok(), "{}", all.unwrap_err());
    // No cancellation: it is not a[3] − y, and it vanishes where the sigmoid saturates
    // even though the prediction is as wrong as it can be, while a[3] − y does not.
    assert!((grads.db3[(0, 0)] - (a3 - y)).abs() > 0.1);
    let saturated = Matrix::<f64, 1, 1>::filled(12.0); // z[3] = 12, y = 0: ŷ ≈ 1 − 6e-6
    let y0 = Matrix::filled(0.0);
    let squared_delta = Dense::<f64, 2, 1, Sigmoid>::default().delta(
        &saturated,
        &SquaredError.gradient(&saturated.map(sigmoid), &y0),
    )[(0, 0)];
    let fused_delta = SigmoidCrossEntropy.gradient(&saturated, &y0)[(0, 0)];
    // σ'(12) ≈ 6.1e-6, while σ(12) − 0 ≈ 1.
    assert!(squared_delta < 1e-5 && fused_delta > 0.99999);
}

// ===== [L2] The second layer ==========================================================

/// [L2.1] The chain rule, `∂J/∂W[2] = dJ/dz[3] · ∂z[3]/∂a[2] · ∂a[2]/∂z[2] · ∂z[2]/∂W[2]`,
/// multiplied out as (1, 1)(1, 2)(2, 2)(2, 8) Jacobians (see `backprop::derivation`,
/// [L2.1]).
#[test]
fn l2_1_chain_rule_dj_dw2_is_dj_dz3_dz3_da2_da2_dz2_dz2_dw2() {
    let s = seed();
    let (_, _, layer3) = &s.net;
    let dz2_dw2: Matrix<f64, 2, 8> = jacobian::dz_dw(&s.a1); //  (2, 8)
    let dj_dz2 = s.dj_dz3() //                                      (1, 1)
        * jacobian::dz_da_prev(&layer3.weights) //                  (1, 2)
        * jacobian::da_dz(&Relu, &s.z2); //                         (2, 2)
    let dj_dw2 = dj_dz2 * dz2_dw2; //                               (1, 8)
    let dj_db2 = dj_dz2 * jacobian::dz_db::<f64, 2>(); //           (1, 2)
    // (a) reshaped, the product is backward's dW[2] and db[2] (db is the transposed row):
    // the same products, ULPS.
    let dw2: Matrix<f64, 2, 4> = jacobian::reshape_to_gradient(&dj_dw2);
    assert_ulps("L2.1 dW[2]", s.grads.dw2.as_slice(), dw2.as_slice());
    assert_ulps(
        "L2.1 db[2]",
        s.grads.db2.as_slice(),
        dj_db2.transpose().as_slice(),
    );
    // (b) central differences of J.
    let numeric = s.numerical_gradients();
    fd::assert_agree("L2.1 dW[2] vs fd", &dj_dw2, &numeric.dw2.vec_row());
    fd::assert_agree("L2.1 db[2] vs fd", &dj_db2, &numeric.db2.transpose());
}

/// [L2.2] `∂z[3]/∂a[2] = W[3]` (1, 2) (see `backprop::derivation`, [L2.2]).
#[test]
fn l2_2_dz3_da2_is_w3() {
    let s = seed();
    let (_, _, layer3) = &s.net;
    let dz3_da2: Matrix<f64, 1, 2> = jacobian::dz_da_prev(&layer3.weights);
    assert_eq!(dz3_da2, layer3.weights);
    let numeric: Matrix<f64, 1, 2> = fd::jacobian(&s.a2, |a2| layer3.pre_activation(a2));
    assert_fd_linear("∂z[3]/∂a[2]", &numeric, &layer3.weights); // linear in a[2]
}

/// [L2.3] `∂a[2]/∂z[2] = diag(g'(z[2]))` (2, 2): an elementwise function has a diagonal
/// Jacobian (see `backprop::derivation`, [L2.3]).
#[test]
fn l2_3_da2_dz2_is_diag_g_prime_z2_an_elementwise_function_has_a_diagonal_jacobian() {
    let s = seed();
    let da2_dz2 = jacobian::da_dz(&Relu, &s.z2);
    assert_eq!(da2_dz2, Matrix::from_rows([[1.0, 0.0], [0.0, 1.0]]));
    // ReLU is linear on each side of 0, and the fixture is clear of the kink: FD_LINEAR.
    let numeric: Matrix<f64, 2, 2> = fd::jacobian(&s.z2, relu);
    assert_fd_linear("∂a[2]/∂z[2]", &numeric, &da2_dz2);
    // At z[1], where unit 1 is inactive, the diagonal holds a 0; off the diagonal, zeros.
    let da1_dz1 = jacobian::da_dz(&Relu, &s.z1);
    assert_eq!(da1_dz1, Matrix::from_column([0.0, 1.0, 1.0, 1.0]).diag());
    let numeric1: Matrix<f64, 4, 4> = fd::jacobian(&s.z1, relu);
    assert_fd_linear("∂a[1]/∂z[1]", &numeric1, &da1_dz1);
    // And for a smooth g: diag(tanh'(z)), off-diagonal entries exactly 0.
    let tanh_exact = jacobian::da_dz(&Tanh, &s.z1);
    let tanh_numeric: Matrix<f64, 4, 4> = fd::jacobian(&s.z1, |z| z.map(f64::tanh));
    fd::assert_agree("L2.3 diag(tanh'(z)) vs fd", &tanh_exact, &tanh_numeric);
    for i in 0..4 {
        for j in (0..4).filter(|&j| j != i) {
            assert_eq!(tanh_numeric[(i, j)], 0.0);
        }
    }
}

/// [L2.4] `g'(z) = 0` below the kink and `1` above; at 0 the one-sided limits differ and
/// the crate picks the left one, `g'(0) = 0` (see `backprop::derivation`, [L2.4]).
#[test]
fn l2_4_relu_prime_is_0_below_and_1_above_the_kink_and_the_crate_picks_0_at_it() {
    for z in [-2.0, -1e-3, -1e-300] {
        assert_eq!(Relu.derivative(z), 0.0);
    }
    for z in [1e-300, 1e-3, 2.0] {
        assert_eq!(Relu.derivative(z), 1.0);
    }
    // Undefined at 0: the one-sided difference quotients have different limits (exact:
    // ReLU of ±h is 0 or h) ...
    let h = 1e-8;
    assert_eq!((Relu.value(0.0) - Relu.value(-h)) / h, 0.0); // left limit 0
    assert_eq!((Relu.value(h) - Relu.value(0.0)) / h, 1.0); // right limit 1
    // ... and the crate says which it picks: the left limit, g'(0) = 0, also at −0.
    assert_eq!(Relu.derivative(0.0), 0.0);
    assert_eq!(Relu.derivative(-0.0), 0.0);
    assert_eq!(
        jacobian::da_dz(&Relu, &Matrix::<f64, 1, 1>::filled(0.0)),
        Matrix::filled(0.0)
    );
}

/// [L2.5] `∂z[2]/∂W[2] = I₂ ⊗ a[1]ᵀ` (2, 8): row i holds `a[1]ᵀ` in the columns of row i of
/// `W[2]` and zeros elsewhere (see `backprop::derivation`, [L2.5]).
#[test]
fn l2_5_dz2_dw2_is_2_by_8_i2_kron_a1_transposed() {
    let s = seed();
    let dz2_dw2: Matrix<f64, 2, 8> = jacobian::dz_dw(&s.a1);
    // Row i holds a[1]ᵀ in the columns of row i of W[2] and zeros elsewhere, by hand:
    let a1 = s.a1.as_slice();
    let by_hand = Matrix::from_rows([
        [a1[0], a1[1], a1[2], a1[3], 0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, a1[0], a1[1], a1[2], a1[3]],
    ]);
    assert_eq!(dz2_dw2, by_hand);
    let (_, layer2, _) = &s.net;
    let numeric: Matrix<f64, 2, 8> = fd::jacobian(&layer2.weights, |w2| *w2 * s.a1 + layer2.bias);
    assert_fd_linear("∂z[2]/∂W[2]", &numeric, &dz2_dw2); // linear in W[2]
}

/// [L2.6] `∂z[2]/∂b[2] = I₂` (see `backprop::derivation`, [L2.6]).
#[test]
fn l2_6_dz2_db2_is_i2() {
    let s = seed();
    let (_, layer2, _) = &s.net;
    assert_eq!(jacobian::dz_db::<f64, 2>(), Matrix::<f64, 2, 2>::identity());
    let numeric: Matrix<f64, 2, 2> = fd::jacobian(&layer2.bias, |b2| layer2.weights * s.a1 + *b2);
    assert_fd_linear("∂z[2]/∂b[2]", &numeric, &Matrix::identity()); // linear in b[2]
}

/// [L2.7] `∂J/∂z[2] = δ[3] W[3] diag(g'(z[2]))` (1, 2), whose transpose [M3] is
/// `δ[2] = (W[3]ᵀ δ[3]) ⊙ g'(z[2])` (2, 1) (see `backprop::derivation`, [L2.7]).
#[test]
fn l2_7_dj_dz2_is_delta3_w3_diag_g_prime_z2_and_its_transpose_is_delta2() {
    let s = seed();
    let (_, layer2, layer3) = &s.net;
    // (a) the (1, 2) Jacobian row, multiplied out; transposed [M3] it is the column
    // (W[3]ᵀ δ[3]) ⊙ g'(z[2]) that Dense::delta computes: the same products, ULPS.
    let dj_dz2 = s.dj_dz2();
    let delta3 = s.dj_dz3();
    let delta2 = layer2.delta(&s.z2, &layer3.weights.tr_mul(&delta3));
    assert_ulps(
        "L2.7 δ[2] = (∂J/∂z[2])ᵀ",
        delta2.as_slice(),
        dj_dz2.transpose().as_slice(),
    );
    let g_prime = s.z2.map(|z| Relu.derivative(z));
    assert_eq!(
        delta2,
        (layer3.weights.transpose() * delta3).hadamard(&g_prime)
    );
    // (b) central differences of J(z[2]).
    let numeric = fd::gradient(&s.z2, |z2| s.j_of_z2(z2));
    fd::assert_agree("L2.7 δ[2] vs fd", &delta2, &numeric);
}

/// [L2.8] `dW[2] = δ[2] a[1]ᵀ`: the (1, 8) row `∂J/∂W[2] = δ[2]ᵀ (I₂ ⊗ a[1]ᵀ)`, reshaped to
/// (2, 4), is that outer product (see `backprop::derivation`, [L2.8]).
#[test]
fn l2_8_dw2_is_delta2_times_a1_transposed() {
    let s = seed();
    // (a) ∂J/∂W[2] = δ[2]ᵀ (I₂ ⊗ a[1]ᵀ), (1, 8), reshaped to (2, 4) ...
    let dz2_dw2: Matrix<f64, 2, 8> = jacobian::dz_dw(&s.a1);
    let dj_dw2 = s.dj_dz2() * dz2_dw2;
    let reshaped: Matrix<f64, 2, 4> = jacobian::reshape_to_gradient(&dj_dw2);
    // ... is the outer product δ[2] a[1]ᵀ, and backward's dW[2]: the same products, ULPS.
    let delta2 = s.dj_dz2().transpose();
    let outer = Matrix::outer(&delta2, &s.a1);
    assert_ulps(
        "L2.8 reshape = δ[2] a[1]ᵀ",
        reshaped.as_slice(),
        outer.as_slice(),
    );
    assert_ulps("L2.8 dW[2]", s.grads.dw2.as_slice(), reshaped.as_slice());
    // (b) central differences.
    fd::assert_agree(
        "L2.8 dW[2] vs fd",
        &s.grads.dw2,
        &s.numerical_gradients().dw2,
    );
}

/// [L2.9] `∂J/∂b[2] = δ[2]ᵀ I₂`, so `db[2] = δ[2]` (see `backprop::derivation`, [L2.9]).
#[test]
fn l2_9_db2_is_delta2() {
    let s = seed();
    // (a) ∂J/∂b[2] = δ[2]ᵀ I₂, transposed: the same numbers, ULPS.
    let dj_db2 = s.dj_dz2() * jacobian::dz_db::<f64, 2>();
    assert_ulps(
        "L2.9 db[2]",
        s.grads.db2.as_slice(),
        dj_db2.transpose().as_slice(),
    );
    // (b) central differences.
    fd::assert_agree(
        "L2.9 db[2] vs fd",
        &s.grads.db2,
        &s.numerical_gradients().db2,
    );
}

// ===== [L1] The first layer ===========================================================

/// [L1.1] `∂z[2]/∂z[1] = W[2] diag(g'(z[1]))` (2, 4) (see `backprop::derivation`, [L1.1]).
#[test]
fn l1_1_dz2_dz1_is_w2_diag_g_prime_z1() {
    let s = seed();
    let (_, layer2, _) = &s.net;
    let dz2_dz1 = jacobian::dz_next_dz(&layer2.weights, &Relu, &s.z1); // (2, 4)
    assert_eq!(dz2_dz1, layer2.weights * jacobian::da_dz(&Relu, &s.z1));
    // Unit 1 of layer 1 is inactive: column 1 is zero, the others are W[2]'s.
    assert_eq!(dz2_dz1.column(0), Matrix::zeros());
    assert_eq!(dz2_dz1.column(2), layer2.weights.column(2));
    // Piecewise linear, and clear of the kink: FD_LINEAR.
    let numeric: Matrix<f64, 2, 4> = fd::jacobian(&s.z1, |z1| layer2.pre_activation(&relu(z1)));
    assert_fd_linear("∂z[2]/∂z[1]", &numeric, &dz2_dz1);
}

/// [L1.2] `δ[1] = (∂J/∂z[1])ᵀ = (W[2]ᵀ δ[2]) ⊙ g'(z[1])` (4, 1) (see
/// `backprop::derivation`, [L1.2]).
#[test]
fn l1_2_delta1_is_w2_transposed_delta2_hadamard_g_prime_z1() {
    let s = seed();
    let (layer1, layer2, _) = &s.net;
    // (a) (∂J/∂z[1])ᵀ from the full chain, against (W[2]ᵀ δ[2]) ⊙ g'(z[1]): ULPS.
    let delta2 = s.grads.db2; // db[2] = δ[2] [L2.9]
    let delta1 = layer1.delta(&s.z1, &layer2.weights.tr_mul(&delta2));
    assert_ulps(
        "L1.2 δ[1]",
        delta1.as_slice(),
        s.dj_dz1().transpose().as_slice(),
    );
    let g_prime = s.z1.map(|z| Relu.derivative(z));
    assert_eq!(
        delta1,
        (layer2.weights.transpose() * delta2).hadamard(&g_prime)
    );
    // (b) central differences of J(z[1]).
    let numeric = fd::gradient(&s.z1, |z1| s.j_of_z1(z1));
    fd::assert_agree("L1.2 δ[1] vs fd", &delta1, &numeric);
}

/// [L1.3] `∂z[1]/∂W[1] = I₄ ⊗ xᵀ` (4, 12) and `∂z[1]/∂b[1] = I₄` (see
/// `backprop::derivation`, [L1.3]).
#[test]
fn l1_3_dz1_dw1_is_i4_kron_x_transposed_and_dz1_db1_is_i4() {
    let s = seed();
    let dz1_dw1: Matrix<f64, 4, 12> = jacobian::dz_dw(&s.x);
    assert_eq!(
        dz1_dw1,
        Matrix::<f64, 4, 4>::identity().kron(&s.x.transpose())
    );
    for i in 0..4 {
        for k in 0..12 {
            let expected = if k / 3 == i { s.x[(k % 3, 0)] } else { 0.0 };
            assert_eq!(dz1_dw1[(i, k)], expected, "(∂z[1]/∂W[1])[{i}, {k}]");
        }
    }
    let (layer1, _, _) = &s.net;
    let numeric_w: Matrix<f64, 4, 12> = fd::jacobian(&layer1.weights, |w1| *w1 * s.x + layer1.bias);
    assert_fd_linear("∂z[1]/∂W[1]", &numeric_w, &dz1_dw1);
    assert_eq!(jacobian::dz_db::<f64, 4>(), Matrix::<f64, 4, 4>::identity());
    let numeric_b: Matrix<f64, 4, 4> = fd::jacobian(&layer1.bias, |b1| layer1.weights * s.x + *b1);
    assert_fd_linear("∂z[1]/∂b[1]", &numeric_b, &Matrix::identity());
}

/// [L1.4] `dW[1] = δ[1] xᵀ` (4, 3) and `db[1] = δ[1]` (4, 1) (see `backprop::derivation`,
/// [L1.4]).
#[test]
fn l1_4_dw1_is_delta1_x_transposed_and_db1_is_delta1() {
    let s = seed();
    // (a) ∂J/∂W[1] = δ[1]ᵀ (I₄ ⊗ xᵀ), (1, 12), reshaped to (4, 3); ∂J/∂b[1] = δ[1]ᵀ I₄.
    let dz1_dw1: Matrix<f64, 4, 12> = jacobian::dz_dw(&s.x);
    let dw1: Matrix<f64, 4, 3> = jacobian::reshape_to_gradient(&(s.dj_dz1() * dz1_dw1));
    let db1 = (s.dj_dz1() * jacobian::dz_db::<f64, 4>()).transpose();
    let outer = Matrix::outer(&db1, &s.x);
    assert_ulps("L1.4 reshape = δ[1] xᵀ", dw1.as_slice(), outer.as_slice());
    assert_ulps("L1.4 dW[1]", s.grads.dw1.as_slice(), dw1.as_slice());
    assert_ulps("L1.4 db[1]", s.grads.db1.as_slice(), db1.as_slice());
    // The inactive unit gets no gradient at all: row 1 of dW[1] and db[1]₁ are 0.
    assert_eq!(s.grads.dw1.row(0), Matrix::zeros());
    assert_eq!(s.grads.db1[(0, 0)], 0.0);
    // (b) central differences.
    let numeric = s.numerical_gradients();
    fd::assert_agree("L1.4 dW[1] vs fd", &s.grads.dw1, &numeric.dw1);
    fd::assert_agree("L1.4 db[1] vs fd", &s.grads.db1, &numeric.db1);
}

// ===== [S] The summary ================================================================
// Here the summary's formulas are evaluated with plain loops over the forward values,
// using neither the crate's matrix products nor its backward pass, and compared with
// network::gradients (the same products: ULPS) and with finite differences.

/// δ[3], δ[2], δ[1] by the summary's formulas, as plain arrays.
fn summary_deltas(s: &Seed) -> (f64, [f64; 2], [f64; 4]) {
    let (_, layer2, layer3) = &s.net;
    let (w2, w3) = (layer2.weights, layer3.weights);
    let delta3 = s.a3[(0, 0)] - s.y[(0, 0)]; // [S1]
    let delta2: [f64; 2] = core::array::from_fn(|i| w3[(0, i)] * delta3 * step(s.z2[(i, 0)])); // [S2]
    let delta1: [f64; 4] = core::array::from_fn(|i| {
        (0..2).map(|k| w2[(k, i)] * delta2[k]).sum::<f64>() * step(s.z1[(i, 0)]) // [S3]
    });
    (delta3, delta2, delta1)
}

/// [S1] Layer 3: `δ[3] = a[3] − y`, `dW[3] = δ[3] a[2]ᵀ`, `db[3] = δ[3]` (see
/// `backprop::derivation`, [S1]).
#[test]
fn s1_layer3_delta3_is_a3_minus_y_dw3_is_delta3_a2t_db3_is_delta3() {
    let s = seed();
    let (delta3, _, _) = summary_deltas(&s);
    let dw3 = Matrix::from_rows([[delta3 * s.a2[(0, 0)], delta3 * s.a2[(1, 0)]]]);
    let db3 = Matrix::<f64, 1, 1>::filled(delta3);
    assert_ulps("S1 dW[3]", s.grads.dw3.as_slice(), dw3.as_slice());
    assert_ulps("S1 db[3]", s.grads.db3.as_slice(), db3.as_slice());
    let numeric = s.numerical_gradients();
    fd::assert_agree("S1 dW[3] vs fd", &dw3, &numeric.dw3);
    fd::assert_agree("S1 db[3] vs fd", &db3, &numeric.db3);
}

/// [S2] Layer 2: `δ[2] = W[3]ᵀ δ[3] ⊙ g'(z[2])`, `dW[2] = δ[2] a[1]ᵀ`, `db[2] = δ[2]` (see
/// `backprop::derivation`, [S2]).
#[test]
fn s2_layer2_delta2_is_w3t_delta3_hadamard_g_prime_z2_dw2_is_delta2_a1t_db2_is_delta2() {
    let s = seed();
    let (_, delta2, _) = summary_deltas(&s);
    let dw2 = Matrix::<f64, 2, 4>::from_fn(|i, j| delta2[i] * s.a1[(j, 0)]);
    let db2 = Matrix::from_column(delta2);
    assert_ulps("S2 dW[2]", s.grads.dw2.as_slice(), dw2.as_slice());
    assert_ulps("S2 db[2]", s.grads.db2.as_slice(), db2.as_slice());
    let numeric = s.numerical_gradients();
    fd::assert_agree("S2 dW[2] vs fd", &dw2, &numeric.dw2);
    fd::assert_agree("S2 db[2] vs fd", &db2, &numeric.db2);
}

/// [S3] Layer 1: `δ[1] = W[2]ᵀ δ[2] ⊙ g'(z[1])`, `dW[1] = δ[1] xᵀ`, `db[1] = δ[1]` (see
/// `backprop::derivation`, [S3]).
#[test]
fn s3_layer1_delta1_is_w2t_delta2_hadamard_g_prime_z1_dw1_is_delta1_xt_db1_is_delta1() {
    let s = seed();
    let (_, _, delta1) = summary_deltas(&s);
    let dw1 = Matrix::<f64, 4, 3>::from_fn(|i, j| delta1[i] * s.x[(j, 0)]);
    let db1 = Matrix::from_column(delta1);
    assert_ulps("S3 dW[1]", s.grads.dw1.as_slice(), dw1.as_slice());
    assert_ulps("S3 db[1]", s.grads.db1.as_slice(), db1.as_slice());
    let numeric = s.numerical_gradients();
    fd::assert_agree("S3 dW[1] vs fd", &dw1, &numeric.dw1);
    fd::assert_agree("S3 db[1] vs fd", &db1, &numeric.db1);
}

/// [S4] Any dense layer l: `δ[l] = ∂J/∂a[l] ⊙ g[l]'(z[l])`, `dW[l] = δ[l] a[l−1]ᵀ`,
/// `db[l] = δ[l]`, `∂J/∂a[l−1] = W[l]ᵀ δ[l]`, here for a 3 → 5 tanh layer none of the
/// seed's (see `backprop::derivation`, [S4]).
#[test]
fn s4_any_dense_layer_delta_is_da_hadamard_g_prime_dw_is_delta_a_prev_t_da_prev_is_wt_delta() {
    // An upstream gradient ∂J/∂a chosen freely, J = ⟨∂J/∂a, a⟩ (a linear read-out, so
    // ∂J/∂a is exactly it).
    let layer = Dense::<f64, 3, 5, Tanh>::new(
        Matrix::from_fn(|i, j| 0.3 * (i as f64) - 0.2 * (j as f64) + 0.1),
        Matrix::from_fn(|i, _| 0.05 * (i as f64) - 0.1),
    );
    let a_prev = Matrix::from_column([0.7, -1.2, 0.4]);
    let dj_da = Matrix::from_column([0.5, -1.0, 0.25, 2.0, -0.75]);
    let (_, cache) = layer.forward(&a_prev);
    let mut grads = Dense::default();
    let dj_da_prev = layer.backward(&a_prev, &cache, &dj_da, &mut grads);
    // The summary by plain loops.
    let z = layer.pre_activation(&a_prev);
    // g' = tanh' as the activation computes it (its accuracy is proved on its own in
    // tests/saturation.rs); what S4 claims is the products around it.
    let delta: [f64; 5] = core::array::from_fn(|i| dj_da[(i, 0)] * Tanh.derivative(z[(i, 0)]));
    let dw = Matrix::<f64, 5, 3>::from_fn(|i, j| delta[i] * a_prev[(j, 0)]);
    let by_loops =
        Matrix::<f64, 3, 1>::from_fn(|j, _| (0..5).map(|i| layer.weights[(i, j)] * delta[i]).sum());
    assert_ulps("S4 dW", grads.weights.as_slice(), dw.as_slice());
    assert_ulps("S4 db", grads.bias.as_slice(), &delta);
    assert_ulps("S4 ∂J/∂a_prev", dj_da_prev.as_slice(), by_loops.as_slice());
    // Finite differences of J = ⟨∂J/∂a, g(W a_prev + b)⟩.
    let j =
        |l: &Dense<f64, 3, 5, Tanh>, a: &Vector<f64, 3>| dj_da.dot(&Layer::<f64, 1>::predict(l, a));
    let numeric = fd::parameter_gradient(&layer, |l| j(l, &a_prev));
    fd::assert_agree("S4 dW vs fd", &grads.weights, &numeric.weights);
    fd::assert_agree("S4 db vs fd", &grads.bias, &numeric.bias);
    fd::assert_agree(
        "S4 ∂J/∂a_prev vs fd",
        &dj_da_prev,
        &fd::gradient(&a_prev, |a| j(&layer, a)),
    );
}

/// [S5] Over m examples as columns: `dZ[3] = A[3] − Y`, `dW[l] = (1/m) dZ[l] A[l−1]ᵀ`,
/// `db[l] = (1/m) Σ_columns dZ[l]`, the mean of the per-example gradients (see
/// `backprop::derivation`, [S5]).
#[test]
fn s5_batch_gradients_are_one_over_m_dz_at_and_the_mean_of_per_example_gradients() {
    let s = seed();
    let (_, layer2, layer3) = &s.net;
    let (x, y) = seed_batch();
    let (z3, ((cache1, a1), (cache2, a2), _)) = s.net.forward(&x);
    let (z1, z2) = (cache1.z, cache2.z);
    assert_clear_of_the_kink(&s.net, &x, (&z1, &a1, &z2));
    let mut backprop = SeedNetwork::default();
    network::gradients(&s.net, &SigmoidCrossEntropy, &x, &y, &mut backprop);
    let grads = Gradients::of(&backprop);
    let m = 4.0;

    // The loss's gradient carries the 1/m: m · ∂J/∂Z[3] = dZ[3] = A[3] − Y. Dividing and
    // multiplying by m = 4 is exact; σ(z) − y subtracts numbers in [0, 1], so either side
    // carries σ(z)'s rounding, up to half an ulp of a number below 1, whatever the size
    // of the result: allow ULPS ulps of 1/2 (the ulp of every number in [1/2, 1)).
    let dz3 = SigmoidCrossEntropy.gradient(&z3, &y) * m;
    let a3_minus_y = z3.map(sigmoid) - y;
    assert!(
        dz3.max_abs_diff(&a3_minus_y) <= ULPS as f64 * ulp(0.5),
        "dZ[3] = A[3] − Y"
    );

    // The seed's vectorised formulas, with the 1/m written where the seed writes it:
    // dZ[2] = W[3]ᵀ dZ[3] ⊙ g'(Z[2]), dZ[1] = W[2]ᵀ dZ[2] ⊙ g'(Z[1]), without the 1/m.
    let dz2 = (layer3.weights.transpose() * dz3).hadamard(&z2.map(step));
    let dz1 = (layer2.weights.transpose() * dz2).hadamard(&z1.map(step));
    // The same products, summed over four columns in another order: PASS_ROUNDING.
    let formulas = Gradients {
        dw3: dz3 * a2.transpose() / m,
        db3: dz3.row_sums() / m,
        dw2: dz2 * a1.transpose() / m,
        db2: dz2.row_sums() / m,
        dw1: dz1 * x.transpose() / m,
        db1: dz1.row_sums() / m,
    };
    assert_pass("dW[3]", grads.dw3.as_slice(), formulas.dw3.as_slice());
    assert_pass("db[3]", grads.db3.as_slice(), formulas.db3.as_slice());
    assert_pass("dW[2]", grads.dw2.as_slice(), formulas.dw2.as_slice());
    assert_pass("db[2]", grads.db2.as_slice(), formulas.db2.as_slice());
    assert_pass("dW[1]", grads.dw1.as_slice(), formulas.dw1.as_slice());
    assert_pass("db[1]", grads.db1.as_slice(), formulas.db1.as_slice());

    // The same as the mean of the four single-example gradients (stochastic [C5]).
    let mut mean = SeedNetwork::<f64>::default();
    for i in 0..4 {
        let mut g = SeedNetwork::default();
        network::gradients(
            &s.net,
            &SigmoidCrossEntropy,
            &x.column(i),
            &y.column(i),
            &mut g,
        );
        mean.add_scaled(1.0 / m, &g);
    }
    assert_pass(
        "mean of per-example gradients",
        &fd::flatten(&backprop),
        &fd::flatten(&mean),
    );

    // And finite differences of the batch cost J = (1/m) Σ L [C6].
    let numeric =
        fd::parameter_gradient(&s.net, |n| network::cost(n, &SigmoidCrossEntropy, &x, &y));
    let all = fd::agree(
        "batch gradient vs fd",
        &fd::flatten(&backprop),
        &fd::flatten(&numeric),
        false,
    );
    assert!(all.is_ok(), "{}", all.unwrap_err());
}

// ===== The worked example =============================================================
// Every number below was produced independently of the crate by
//
//     python3 tests/reference/worked_example.py        (sympy 1.14.0, Python 3.11.7)
//
// which builds J symbolically from the seed's formulas ([N1]–[N5], [C2]) with the 29
// parameters as symbols, differentiates J with sympy's `diff` once per parameter (no
// chain rule, delta or Jacobian of ours), substitutes the exact rational fixture of
// `seed_network` and `seed_example`, evaluates to 50 significant digits and prints the
// nearest f64 with Python's `repr` (the shortest decimal that round-trips, ≤ 17 digits).
//
// The values z[1], a[1], z[2], a[2], z[3] are exact (dyadic) and compared with `==`. The
// rest went through a whole forward and backward pass of the crate, some 30 roundings
// deep, against the nearest f64 of the exact value: PASS_ROUNDING, entry by entry,
// relative to max(1, |value|) ([`assert_worked`]). Any wrong term would move a value by
// far more.

/// `z1` = (-1/4, 1/8, 5/2, 11/8) exactly.
const Z1: [f64; 4] = [-0.25, 0.125, 2.5, 1.375];
/// `a1` = (0, 1/8, 5/2, 11/8) exactly.
const A1: [f64; 4] = [0.0, 0.125, 2.5, 1.375];
/// `z2` = (3/2, 43/64) exactly.
const Z2: [f64; 2] = [1.5, 0.671875];
/// `a2` = (3/2, 43/64) exactly.
const A2: [f64; 2] = [1.5, 0.671875];
/// `z[3]` = 133/128 exactly.
const Z3: f64 = 1.0390625;
/// `a[3]` = σ(z[3]) = 0.73866907432548967435890266332397154843484923199065
const A3: f64 = 0.7386690743254897;
/// `J` = 1.3419677603224687386806396313220584157365268953176
const COST: f64 = 1.3419677603224687;
// The 29 partial derivatives dJ/dθ, differentiated by sympy, shaped like θ [N4, M2]
const DW1: [[f64; 3]; 4] = [
    [0.0, 0.0, 0.0],
    [
        -0.32316772001740174,
        -0.6463354400348035,
        0.16158386000870087,
    ],
    [
        0.023083408572671552,
        0.046166817145343104,
        -0.011541704286335776,
    ],
    [
        0.27700090287205864,
        0.5540018057441173,
        -0.13850045143602932,
    ],
];
const DB1: [[f64; 1]; 4] = [
    [0.0],
    [-0.32316772001740174],
    [0.023083408572671552],
    [0.27700090287205864],
];
const DW2: [[f64; 4]; 2] = [
    [
        0.0,
        0.06925022571801466,
        1.3850045143602931,
        0.7617524828981612,
    ],
    [
        0.0,
        -0.046166817145343104,
        -0.9233363429068621,
        -0.5078349885987742,
    ],
];
const DB2: [[f64; 1]; 2] = [[0.5540018057441173], [-0.36933453716274484]];
const DW3: [[f64; 2]; 1] = [[1.1080036114882346, 0.49629328431243835]];
const DB3: [[f64; 1]; 1] = [[0.7386690743254897]];

/// Asserts `|got − want| ≤ PASS_ROUNDING · max(1, |want|)` entry by entry.
#[track_caller]
fn assert_worked(what: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= PASS_ROUNDING * w.abs().max(1.0),
            "{what}[{k}]: crate {g:e}, sympy {w:e}"
        );
    }
}

/// The 29 partial derivatives from sympy, in the order of the network's parameters.
fn worked_gradients() -> Vec<f64> {
    [
        DW1.as_flattened(),
        DB1.as_flattened(),
        DW2.as_flattened(),
        DB2.as_flattened(),
        DW3.as_flattened(),
        DB3.as_flattened(),
    ]
    .concat()
}

/// The fixture's forward values, cost and 29 gradients, against sympy's (see
/// `backprop::derivation`, [N1]–[N5], [C2], [S1]–[S3]).
#[test]
fn worked_example_forward_values_cost_and_29_gradients_match_sympy() {
    let s = seed();
    assert_eq!(s.z1.as_slice(), &Z1);
    assert_eq!(s.a1.as_slice(), &A1);
    assert_eq!(s.z2.as_slice(), &Z2);
    assert_eq!(s.a2.as_slice(), &A2);
    assert_eq!(s.z3.as_slice(), &[Z3]);
    assert_worked("a[3]", s.a3.as_slice(), &[A3]);
    assert_worked("J", &[s.cost(&s.net)], &[COST]);
    let g = s.grads;
    assert_worked("dW[1]", g.dw1.as_slice(), DW1.as_flattened());
    assert_worked("db[1]", g.db1.as_slice(), DB1.as_flattened());
    assert_worked("dW[2]", g.dw2.as_slice(), DW2.as_flattened());
    assert_worked("db[2]", g.db2.as_slice(), DB2.as_flattened());
    assert_worked("dW[3]", g.dw3.as_slice(), DW3.as_flattened());
    assert_worked("db[3]", g.db3.as_slice(), DB3.as_flattened());
    assert_worked(
        "all 29, in order",
        &fd::flatten(&s.backprop),
        &worked_gradients(),
    );
    assert_eq!(worked_gradients().len(), 29);
}

/// The unfused network (a sigmoid layer, cross-entropy on `ŷ`) gives the same numbers,
/// and the fused network's last layer outputs the logit `z[3]` (see
/// `backprop::derivation`, [L3.6]).
#[test]
fn worked_example_unfused_network_and_identity_layer_give_the_same_numbers() {
    let s = seed();
    let unfused = s.unfused();
    let mut backprop = Unfused::default();
    let j = network::cost_and_gradients(&unfused, &CrossEntropy, &s.x, &s.y, &mut backprop);
    assert_worked("J (unfused)", &[j], &[COST]);
    assert_worked(
        "a[3] (unfused)",
        network::forward(&unfused, &s.x).as_slice(),
        &[A3],
    );
    assert_worked(
        "all 29 (unfused)",
        &fd::flatten(&backprop),
        &worked_gradients(),
    );
    // The fused network's last layer is the identity: its output is the logit z[3].
    let (_, _, layer3) = &s.net;
    let _: &Dense<f64, 2, 1, Identity> = layer3;
    assert_eq!(network::forward(&s.net, &s.x).as_slice(), &[Z3]);
}
