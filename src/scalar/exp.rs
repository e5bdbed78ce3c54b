//! `eˣ`, written by hand so that it inlines and vectorises.
//!
//! The standard library's `exp` is a call into the platform's math library: opaque to
//! the optimiser, so a loop of sigmoids over a batch cannot be vectorised and each call
//! costs a function call. These versions are plain arithmetic the compiler can inline,
//! unroll and vectorise. Both use the classic scheme:
//!
//! ```text
//! x = k ln 2 + r,   k = round(x / ln 2),   |r| ≤ ln 2 / 2
//! eˣ = 2ᵏ · eʳ,     eʳ from a polynomial (f32) or rational (f64) approximation
//! ```
//!
//! - `f64`: the reduction and the rational approximation of fdlibm's `e_exp.c`
//!   (Sun Microsystems, 1993, freely redistributable), error below 1 ulp;
//! - `f32`: Cody–Waite reduction in `f32` and the degree-7 polynomial of Cephes' `expf`
//!   (S. L. Moshier), error about 1 ulp.
//!
//! `tests/exp.rs` measures both against the standard library over their whole range.
//! Results that are subnormal are computed by scaling in two steps and may be off by
//! one unit more. Overflow gives `+∞`, underflow `0`, and NaN stays NaN.
//!
//! The constants are written as published, with more digits than the type holds;
//! the compiler rounds them to the nearest representable value, as their authors intended.
#![allow(clippy::excessive_precision)]

/// `1.5 · 2⁵²`: adding it to `v` (`|v| < 2⁵¹`) rounds `v` to an integer (ties to even),
/// which then sits in the low bits of the sum, and subtracting it again gives that
/// integer as a float.
const SHIFT_F64: f64 = 6_755_399_441_055_744.0;

/// `2ᵏ` for `−1022 ≤ k ≤ 1023`, built from its bits.
#[inline(always)]
fn pow2_f64(k: i64) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// `eˣ` in `f64`, error below 1 ulp for normal results.
#[inline(always)]
pub fn exp_f64(x: f64) -> f64 {
    const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
    const INV_LN2: f64 = core::f64::consts::LOG2_E;
    const P1: f64 = 1.666_666_666_666_660_190_37e-1;
    const P2: f64 = -2.777_777_777_701_559_338_42e-3;
    const P3: f64 = 6.613_756_321_437_934_361_17e-5;
    const P4: f64 = -1.653_390_220_546_525_153_90e-6;
    const P5: f64 = 4.138_136_797_057_238_460_39e-8;
    const OVERFLOW: f64 = 7.097_827_128_933_839_730_96e2; // ln(f64::MAX)
    const UNDERFLOW: f64 = -7.451_332_191_019_411_084_2e2; // ln(smallest subnormal / 2)

    // Clamp so that the arithmetic below stays in range; the ends are fixed at the end.
    let xc = x.clamp(UNDERFLOW, OVERFLOW);
    // k = round(x / ln 2): adding 1.5 · 2⁵² leaves k in the low bits of `shifted`, so k is
    // read from the bits, with no float-to-integer conversion to stop vectorisation.
    let shifted = xc * INV_LN2 + SHIFT_F64;
    let k = shifted - SHIFT_F64;
    let k_int = shifted.to_bits() as i64 - SHIFT_F64.to_bits() as i64;
    let hi = xc - k * LN2_HI; // exact: LN2_HI has 32 trailing zero bits
    let lo = k * LN2_LO;
    let r = hi - lo;
    let t = r * r;
    let c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
    let y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi); // eʳ
    // 2ᵏ in two halves, each a normal number, so that k from −1075 to 1024 works.
    let k1 = k_int >> 1;
    let result = y * pow2_f64(k1) * pow2_f64(k_int - k1);
    if x > OVERFLOW {
        f64::INFINITY
    } else if x < UNDERFLOW {
        0.0
    } else {
        result // NaN falls through here: clamp keeps it NaN
    }
}

/// `1.5 · 2²³`, the same rounding trick as [`SHIFT_F64`] for `f32` (`|v| < 2²²`).
const SHIFT_F32: f32 = 12_582_912.0;

/// `2ᵏ` for `−126 ≤ k ≤ 127`, built from its bits.
#[inline(always)]
fn pow2_f32(k: i32) -> f32 {
    f32::from_bits((k.wrapping_add(127) as u32) << 23)
}

/// `eˣ` in `f32`, error about 1 ulp for normal results.
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    const LN2_HI: f32 = 0.693_359_375; // few significant bits: k · LN2_HI is exact
    const LN2_LO: f32 = -2.121_944_4e-4;
    const LOG2E: f32 = core::f32::consts::LOG2_E;
    const OVERFLOW: f32 = 88.722_84; // ln(f32::MAX)
    const UNDERFLOW: f32 = -103.972_08; // ln(smallest subnormal / 2)

    // No clamp on the way in (it would lengthen the chain a per-example step waits for):
    // outside [UNDERFLOW, OVERFLOW] the arithmetic below gives garbage, which the selects
    // at the end replace, so its integer part wraps instead of checking for overflow.
    let shifted = x * LOG2E + SHIFT_F32; // k = round(x / ln 2), read from the bits too
    let k = shifted - SHIFT_F32;
    let k_int = (shifted.to_bits() as i32).wrapping_sub(SHIFT_F32.to_bits() as i32);
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // eʳ ≈ 1 + r + r² (c₀ + c₁ r + c₂ r² + c₃ r³ + c₄ r⁴ + c₅ r⁵), Cephes' coefficients,
    // evaluated in Estrin's scheme (pairs, then pairs of pairs) rather than Horner's:
    // the same polynomial with a dependency chain of 3 multiply-adds instead of 6, which
    // is what a per-example training step waits for.
    const C: [f32; 6] = [
        5.000_000_1e-1,
        1.666_666_5e-1,
        4.166_579_6e-2,
        8.333_452e-3,
        1.398_2e-3,
        1.987_569_1e-4,
    ];
    let t = r * r;
    let t2 = t * t;
    let p01 = C[0] + C[1] * r;
    let p23 = C[2] + C[3] * r;
    let p45 = C[4] + C[5] * r;
    let p = p01 + t * p23 + t2 * p45;
    // eˣ = 2ᵏ (1 + r + t p), with 2ᵏ = q · 2^(k − k/2) in two normal halves. Multiplying
    // by the power of two q is exact, so q (1 + r + t p) is summed as q + q r + (q t) p,
    // bit for bit the same, with q r and q t ready before p is.
    let k1 = k_int >> 1;
    let q = pow2_f32(k1);
    let y_q = (q * t) * p + q * r + q; // q eʳ
    let result = y_q * pow2_f32(k_int.wrapping_sub(k1));
    if x > OVERFLOW {
        f32::INFINITY
    } else if x < UNDERFLOW {
        0.0
    } else {
        result
    }
}
