//! What `core` lacks: `sqrt`, `powi`, `tanh`, `cos` and `cbrt` in plain arithmetic, for
//! builds without the standard library (`default-features = false`).
//!
//! With `std` the crate calls the standard library for these (the processor's square
//! root, the platform's `tanh` and `cos`); without it, [`Scalar`](super::Scalar) and the
//! schedules use the functions here. They are public and compiled in every build, so that
//! `tests/core_math.rs` measures them against the standard library:
//!
//! | function | accuracy |
//! |---|---|
//! | [`sqrt_f64`], [`sqrt_f32`] | correctly rounded: the same bits as `f64::sqrt`, `f32::sqrt` |
//! | [`powi_f64`], [`powi_f32`] | the same bits as `powi`: the same products in the same order (compiler-rt's `__powidf2`) |
//! | [`tanh_f64`] | within 4 ulp of `f64::tanh` |
//! | [`tanh_f32`] | within 2 ulp of `f32::tanh` (computed in `f64`) |
//! | [`cos_f64`] | within 2 ulp of `f64::cos` for `|x| ≤ 2²⁰` (the schedules use `[0, π]`) |
//! | [`cbrt_f64`] | within 1 ulp of `f64::cbrt` for positive normal `x` |
//!
//! The square root is exact by construction: an estimate from Newton's iteration is
//! corrected with exact integer arithmetic, then rounded to nearest (ties cannot occur
//! for a square root).

use super::exp::exp_f64;
use super::ln::ln_f64;

/// `√x`, correctly rounded (the bits of IEEE 754's square root): `NaN` for `x < 0` or
/// NaN, `±0` for `±0`, `∞` for `∞`.
pub fn sqrt_f64(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 || x == f64::INFINITY {
        return x;
    }
    // x = m · 2^e with m an integer in [2⁵², 2⁵³) (subnormals normalised).
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let (m, mut e) = if biased == 0 {
        let fraction = bits & ((1 << 52) - 1);
        let shift = fraction.leading_zeros() as i32 - 11;
        (fraction << shift, 1 - 1075 - shift)
    } else {
        ((bits & ((1 << 52) - 1)) | (1 << 52), biased - 1075)
    };
    // w = m · 2⁵² (· 2 when e is odd), in [2¹⁰⁴, 2¹⁰⁶), and x = w · 2^e with e even: its
    // integer square root has 53 bits, a full mantissa.
    let mut w = u128::from(m) << 52;
    e -= 52;
    if e & 1 != 0 {
        w <<= 1;
        e -= 1;
    }
    // r = ⌊√w⌋: Newton's iteration in f64 from a bit-level guess (within 4 %, and each
    // step squares the relative error), then exact integer corrections.
    let v = w as f64;
    let mut y = f64::from_bits((v.to_bits() >> 1) + 0x1ff8_0000_0000_0000);
    for _ in 0..5 {
        y = 0.5 * (y + v / y);
    }
    let mut r = y as u128;
    while r * r > w {
        r -= 1;
    }
    while (r + 1) * (r + 1) <= w {
        r += 1;
    }
    // Round to nearest: √w > r + ½ ⟺ w > r² + r (w, r integers; never equal to (r + ½)²).
    if w - r * r > r {
        r += 1;
    }
    // r ≤ 2⁵³ is exact in f64, and the result is a normal number, so the scaling by
    // 2^(e/2) (between 2⁻⁵⁹⁰ and 2⁴⁶⁰) is exact.
    r as f64 * pow2(e / 2)
}

/// `√x` in `f32`, correctly rounded: the `f64` square root of `x` rounded to `f32`
/// (53 ≥ 2·24 + 2 bits, so the double rounding never changes the result).
pub fn sqrt_f32(x: f32) -> f32 {
    sqrt_f64(f64::from(x)) as f32
}

/// `2ᵏ` for `−1022 ≤ k ≤ 1023`.
fn pow2(k: i32) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// `xⁿ` by binary exponentiation, the products in the order of compiler-rt's
/// `__powidf2` (which `f64::powi` calls), so the bits are the same.
pub fn powi_f64(x: f64, n: i32) -> f64 {
    powi(x, n, 1.0)
}

/// `xⁿ` in `f32`, as [`powi_f64`] (compiler-rt's `__powisf2`).
pub fn powi_f32(x: f32, n: i32) -> f32 {
    powi(x, n, 1.0)
}

/// compiler-rt's `__powidf2` / `__powisf2`: square `x` for each bit of `|n|`, multiply
/// the result by it where the bit is set, and take the reciprocal for `n < 0`.
fn powi<T>(mut x: T, n: i32, one: T) -> T
where
    T: Copy + core::ops::Mul<Output = T> + core::ops::Div<Output = T>,
{
    let mut b = n;
    let mut r = one;
    loop {
        if b & 1 != 0 {
            r = r * x;
        }
        b /= 2;
        if b == 0 {
            break;
        }
        x = x * x;
    }
    if n < 0 { one / r } else { r }
}

/// `tanh x`, with the sign of `x`: `(1 − e)/(1 + e)` with `e = e^(−2|x|)` for
/// `|x| ≥ 0.55`, the series of `sinh` over that of `cosh` below (no cancellation near 0),
/// and `±1` beyond `|x| = 22` (where `1 − tanh |x| < 2⁻⁶³`).
pub fn tanh_f64(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    let a = x.abs();
    if a > 22.0 {
        return 1.0f64.copysign(x);
    }
    let t = if a < 0.55 {
        // Near 0, 1 − e^(−2a) cancels: sinh a / cosh a from their series instead.
        let z = a * a;
        let (mut sinh, mut cosh) = (0.0, 0.0);
        for i in (1..=10).rev() {
            sinh = z / f64::from((2 * i) * (2 * i + 1)) * (1.0 + sinh);
            cosh = z / f64::from((2 * i - 1) * (2 * i)) * (1.0 + cosh);
        }
        (a + a * sinh) / (1.0 + cosh)
    } else {
        // e^(−2a) ≤ 1/3 here, so 1 − e and 1 + e lose nothing.
        let e = exp_f64(-2.0 * a);
        (1.0 - e) / (1.0 + e)
    };
    t.copysign(x)
}

/// `tanh x` in `f32`: [`tanh_f64`] rounded.
pub fn tanh_f32(x: f32) -> f32 {
    tanh_f64(f64::from(x)) as f32
}

/// `cos x` for `|x| ≤ 2²⁰`: `x = k π/2 + r` with `|r| ≤ π/4` (π/2 in three parts, so the
/// reduction is exact to far below an ulp in that range), then the Taylor series of
/// `cos r` or `sin r` to degree 18, far below an ulp on `[−π/4, π/4]`.
pub fn cos_f64(x: f64) -> f64 {
    if !x.is_finite() {
        return f64::NAN;
    }
    // π/2 = P1 + P2 + P3, P1 and P2 with trailing zero bits so that k·P1 and k·P2 are
    // exact for |k| < 2²¹ (fdlibm's pio2_1, pio2_2, pio2_2t).
    #[allow(clippy::excessive_precision)] // as fdlibm publishes them
    const P1: f64 = 1.570_796_326_734_125_614_17;
    #[allow(clippy::excessive_precision)]
    const P2: f64 = 6.077_100_506_303_965_976_6e-11;
    #[allow(clippy::excessive_precision)]
    const P3: f64 = 2.022_266_248_795_950_631_3e-21;
    const TWO_OVER_PI: f64 = core::f64::consts::FRAC_2_PI;
    let k = {
        let v = x * TWO_OVER_PI;
        // Round to nearest: |v| < 2²¹ here.
        let shifted = v + 6_755_399_441_055_744.0;
        shifted - 6_755_399_441_055_744.0
    };
    let r = ((x - k * P1) - k * P2) - k * P3;
    let quadrant = (k as i64).rem_euclid(4);
    match quadrant {
        0 => cos_kernel(r),
        1 => -sin_kernel(r),
        2 => -cos_kernel(r),
        _ => sin_kernel(r),
    }
}

/// `cos r` for `|r| ≤ π/4`: `Σ (−1)ⁱ r²ⁱ/(2i)!` to `i = 9`, by Horner in `r²`.
fn cos_kernel(r: f64) -> f64 {
    let z = r * r;
    let mut sum = 0.0;
    for i in (1..=9).rev() {
        // term ratio: −z / ((2i − 1)(2i))
        sum = -z / f64::from((2 * i - 1) * (2 * i)) * (1.0 + sum);
    }
    1.0 + sum
}

/// `sin r` for `|r| ≤ π/4`: `Σ (−1)ⁱ r²ⁱ⁺¹/(2i+1)!` to `i = 9`.
fn sin_kernel(r: f64) -> f64 {
    let z = r * r;
    let mut sum = 0.0;
    for i in (1..=9).rev() {
        sum = -z / f64::from((2 * i) * (2 * i + 1)) * (1.0 + sum);
    }
    r + r * sum
}

/// `∛x` for positive normal `x`: `exp(ln x / 3)`, then one Newton step on `y³ = x`.
/// (NaN for `x ≤ 0`, which the crate never asks for.)
pub fn cbrt_f64(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 || x.is_infinite() {
        return f64::NAN;
    }
    let y = exp_f64(ln_f64(x) / 3.0);
    y - (y * y * y - x) / (3.0 * y * y)
}
