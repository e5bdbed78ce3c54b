//! `ln x` and `ln(1 + x)`, written by hand so that they inline and vectorise, like
//! [`exp`](super::exp): the cost of a batch (`J`, cross-entropy) is a loop of logarithms.
//!
//! Both split `x = 2ᵏ · m` with `m` in `[√½, √2)` (exponent and mantissa read from the
//! bits), so that `ln x = k ln 2 + ln m` and `ln m` needs an approximation only near 1:
//!
//! - `f64`: fdlibm's `e_log.c` (Sun Microsystems, 1993, freely redistributable):
//!   `ln m = 2s + s R(s²)` with `s = (m − 1)/(m + 1)`, `R` of degree 7, error below 1 ulp;
//! - `f32`: Cephes' `logf` (S. L. Moshier): a degree-8 polynomial in `f = m − 1`, error
//!   about 1 ulp.
//!
//! `ln(1 + x)` is `ln u − ((u − 1) − x)/u` with `u = 1 + x` rounded: the second term puts
//! back what rounding `1 + x` lost, so tiny `x` keep their precision. For `x > −1`, `u` is
//! never subnormal, so `ln_1p` skips that case and is branch-free: a cross-entropy cost
//! over a batch is one vectorised loop.
//!
//! `ln 0 = −∞`, `ln x = NaN` for `x < 0`, `ln ∞ = ∞`, NaN stays NaN; subnormal inputs are
//! scaled into the normal range first. `tests/ln.rs` measures both against the standard
//! library over their whole range.
#![allow(clippy::excessive_precision)]

/// `ln x` in `f64`, error below 1 ulp.
#[inline(always)]
pub fn ln_f64(x: f64) -> f64 {
    const TWO54: f64 = 18_014_398_509_481_984.0; // 2⁵⁴

    // Subnormals: scale by 2⁵⁴ into the normal range and take 54 off the exponent.
    let subnormal = x < f64::MIN_POSITIVE;
    let xs = if subnormal { x * TWO54 } else { x };
    let (m, k) = split_f64(xs);
    let k = k - if subnormal { 54 } else { 0 };
    let result = ln_reduced_f64(m - 1.0, k as f64);
    if x > 0.0 && x < f64::INFINITY {
        result
    } else if x == 0.0 {
        f64::NEG_INFINITY
    } else if x == f64::INFINITY || x.is_nan() {
        x
    } else {
        f64::NAN // x < 0
    }
}

/// `ln(1 + x)` in `f64`, within 2 ulp, with no branch (so a batch vectorises).
///
/// For `x > −1`, `u = 1 + x` rounded is at least 2⁻⁵³, a normal number, so its exponent
/// and mantissa come straight from its bits with none of [`ln_f64`]'s care for
/// subnormals; `((u − 1) − x)/u` then puts back what rounding `1 + x` lost.
#[inline(always)]
pub fn ln_1p_f64(x: f64) -> f64 {
    let u = 1.0 + x;
    let (m, k) = split_f64(u);
    let result = ln_1p_reduced_f64(x, u, m, k as f64);
    // The special cases, as selects on the common result (a NaN `x` is already NaN).
    let result = if u == f64::INFINITY { u } else { result };
    let result = if u == 0.0 { f64::NEG_INFINITY } else { result }; // x = −1
    let result = if u < 0.0 { f64::NAN } else { result }; // x < −1
    if u == 1.0 { x } else { result } // |x| below half an ulp of 1, also x = −0
}

/// `ln(1 + x)` in `f32`, within 2 ulp, with no branch (see [`ln_1p_f64`]; `u = 1 + x`
/// is at least 2⁻²⁴ for `x > −1`).
#[inline(always)]
pub fn ln_1p_f32(x: f32) -> f32 {
    let u = 1.0 + x;
    let (m, k) = split_f32(u);
    let result = ln_1p_reduced_f32(x, u, m, k as f32);
    // The special cases, as selects on the common result (a NaN `x` is already NaN).
    let result = if u == f32::INFINITY { u } else { result };
    let result = if u == 0.0 { f32::NEG_INFINITY } else { result }; // x = −1
    let result = if u < 0.0 { f32::NAN } else { result }; // x < −1
    if u == 1.0 { x } else { result } // |x| below half an ulp of 1, also x = −0
}

/// `ln(1 + x)` in `f64` for `+0 ≤ x ≤ 1`, within 2 ulp: [`ln_1p_f64`] without its
/// special cases. `u = 1 + x` is in `[1, 2]`, so its exponent is 0 or 1 and no bits need
/// reading; a NaN `x` gives NaN (and `−0` gives `+0`, where `ln_1p` keeps the sign).
/// What the cross-entropy of a logit needs: `ln(1 + e^(−|z|))`.
#[inline(always)]
pub fn ln_1p_unit_f64(x: f64) -> f64 {
    let u = 1.0 + x;
    let big = u > core::f64::consts::SQRT_2;
    let (m, k) = if big { (u * 0.5, 1.0) } else { (u, 0.0) };
    ln_1p_reduced_f64(x, u, m, k)
}

/// `ln(1 + x)` in `f32` for `0 ≤ x ≤ 1`, within 2 ulp (see [`ln_1p_unit_f64`]).
#[inline(always)]
pub fn ln_1p_unit_f32(x: f32) -> f32 {
    let u = 1.0 + x;
    let big = u > core::f32::consts::SQRT_2;
    let (m, k) = if big { (u * 0.5, 1.0) } else { (u, 0.0) };
    ln_1p_reduced_f32(x, u, m, k)
}

/// `u = 2ᵏ m` with `m` in `[√½, √2)`, read from the bits of a positive normal `u`. (The
/// exponent is an i32: SSE2 converts i32 lanes to floats, not i64 lanes.)
#[inline(always)]
fn split_f64(u: f64) -> (f64, i32) {
    let bits = u.to_bits();
    let k = ((bits >> 52) & 0x7ff) as i32 - 1023;
    let m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000); // [1, 2)
    if m > core::f64::consts::SQRT_2 {
        (m * 0.5, k + 1)
    } else {
        (m, k)
    }
}

/// `u = 2ᵏ m` with `m` in `[√½, √2)`, read from the bits of a positive normal `u`.
#[inline(always)]
fn split_f32(u: f32) -> (f32, i32) {
    let bits = u.to_bits();
    let k = ((bits >> 23) & 0xff) as i32 - 127;
    let m = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000); // [1, 2)
    if m > core::f32::consts::SQRT_2 {
        (m * 0.5, k + 1)
    } else {
        (m, k)
    }
}

/// `ln(1 + x)` from `u = 1 + x` rounded and its split `u = 2ᵏ m`: `ln u` less what
/// rounding `1 + x` lost, `((u − 1) − x)/u`. Shared by [`ln_1p_f64`] and
/// [`ln_1p_unit_f64`].
#[inline(always)]
fn ln_1p_reduced_f64(x: f64, u: f64, m: f64, k: f64) -> f64 {
    ln_reduced_f64(m - 1.0, k) - ((u - 1.0) - x) / u
}

/// `ln(1 + x)` from `u = 1 + x` and its split (see [`ln_1p_reduced_f64`]).
#[inline(always)]
fn ln_1p_reduced_f32(x: f32, u: f32, m: f32, k: f32) -> f32 {
    ln_reduced_f32(m - 1.0, k) - ((u - 1.0) - x) / u
}

/// `k ln 2 + ln(1 + f)` for `1 + f` in `[√½, √2)`: fdlibm's polynomial, shared by
/// [`ln_f64`], [`ln_1p_f64`] and [`ln_1p_unit_f64`] once they have split their argument.
#[inline(always)]
fn ln_reduced_f64(f: f64, k: f64) -> f64 {
    const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
    const LG: [f64; 7] = [
        6.666_666_666_666_735_130e-1,
        3.999_999_999_940_941_908e-1,
        2.857_142_874_366_239_149e-1,
        2.222_219_843_214_978_396e-1,
        1.818_357_216_161_805_012e-1,
        1.531_383_769_920_937_332e-1,
        1.479_819_860_511_658_591e-1,
    ];
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG[1] + w * (LG[3] + w * LG[5]));
    let t2 = z * (LG[0] + w * (LG[2] + w * (LG[4] + w * LG[6])));
    let r = t2 + t1;
    let hfsq = 0.5 * f * f;
    k * LN2_HI - ((hfsq - (s * (hfsq + r) + k * LN2_LO)) - f)
}

/// `ln x` in `f32`, error about 1 ulp.
#[inline(always)]
pub fn ln_f32(x: f32) -> f32 {
    const TWO25: f32 = 33_554_432.0; // 2²⁵

    let subnormal = x < f32::MIN_POSITIVE;
    let xs = if subnormal { x * TWO25 } else { x };
    let (m, k) = split_f32(xs);
    let k = k - if subnormal { 25 } else { 0 };
    let result = ln_reduced_f32(m - 1.0, k as f32);
    if x > 0.0 && x < f32::INFINITY {
        result
    } else if x == 0.0 {
        f32::NEG_INFINITY
    } else if x == f32::INFINITY || x.is_nan() {
        x
    } else {
        f32::NAN
    }
}

/// `k ln 2 + ln(1 + f)` for `1 + f` in `[√½, √2)`: Cephes' polynomial, shared by
/// [`ln_f32`], [`ln_1p_f32`] and [`ln_1p_unit_f32`] once they have split their argument.
#[inline(always)]
fn ln_reduced_f32(f: f32, k: f32) -> f32 {
    const LN2_HI: f32 = 0.693_359_375;
    const LN2_LO: f32 = -2.121_944_4e-4;
    const P: [f32; 9] = [
        7.037_683_6e-2,
        -1.151_461_e-1,
        1.167_699_9e-1,
        -1.242_014_1e-1,
        1.424_932_3e-1,
        -1.666_805_8e-1,
        2.000_071_5e-1,
        -2.499_999_4e-1,
        3.333_333_1e-1,
    ];
    let z = f * f;
    let z2 = z * z;
    // Q(f) = P₈ + P₇ f + … + P₀ f⁸ in Estrin's scheme (pairs, then pairs of pairs).
    let q0 = P[8] + P[7] * f;
    let q1 = P[6] + P[5] * f;
    let q2 = P[4] + P[3] * f;
    let q3 = P[2] + P[1] * f;
    let q = (q0 + q1 * z) + (q2 + q3 * z) * z2 + P[0] * (z2 * z2);
    // ln m ≈ f − f²/2 + f³ Q(f)
    let y = q * f * z + k * LN2_LO - 0.5 * z;
    (f + y) + k * LN2_HI
}
