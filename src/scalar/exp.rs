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
//! - `f32`: the same scheme in `f64` arithmetic (`2ᶠ` from a degree-6 polynomial),
//!   rounded to `f32` once at the end: error below 0.55 ulp.
//!
//! `tests/exp.rs` measures both against the standard library over their whole range.
//! Subnormal `f64` results are computed by scaling in two steps and may be off by one
//! unit more. Overflow gives `+∞`, underflow `0`, and NaN stays NaN.
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

/// `eˣ` in `f32`, computed in `f64` and rounded once: error below 0.55 ulp for every
/// result, subnormal ones included.
///
/// `eˣ = 2ᵗ` with `t = x log₂e`, split as `t = k + f` (`k` an integer, `|f| ≤ ½`):
///
/// ```text
/// eˣ = 2ᵏ · 2ᶠ,   2ᶠ from a degree-6 polynomial (relative error 2.6 · 10⁻⁹)
/// ```
///
/// In `f64` the product `x log₂e` is within 10⁻¹⁴ of `x / ln 2`, so `f = t − k` needs
/// no Cody–Waite split of `ln 2` into two parts; and every `2ᵏ`, from `f32`'s subnormals
/// to past its overflow, is a normal `f64`, so the conversion back to `f32` rounds
/// subnormal results and overflows to `+∞` by itself, with no select at the end. Its
/// latency, which a per-example training step waits for in every sigmoid, is about 40
/// cycles on Zen 3, against 53 for the `f32`-only Cody–Waite scheme it replaced.
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    // Past these, eˣ is beyond f32's overflow (e⁸⁹ > 3.4 · 10³⁸) or below half its
    // smallest subnormal (e⁻¹⁰⁴ < 7 · 10⁻⁴⁶), so clamping changes no result and keeps `k`
    // in range for the rounding trick and for `pow2_f64`. NaN passes through `clamp`.
    let x = f64::from(x.clamp(-104.0, 89.0));
    let t = x * core::f64::consts::LOG2_E;
    let shifted = t + SHIFT_F64; // k = round(t), read from the bits as in `exp_f64`
    let k = shifted - SHIFT_F64;
    let k_int = shifted.to_bits() as i64 - SHIFT_F64.to_bits() as i64;
    let f = t - k; // exact: |f| ≤ ½ and a multiple of t's last bit
    // 2ᶠ ≈ c₀ + c₁ f + … + c₆ f⁶, a Chebyshev fit on [−½, ½], in Estrin's scheme
    // (pairs, then pairs of pairs): a chain of 3 multiply-adds instead of Horner's 6.
    const C: [f64; 7] = [
        1.0,
        0.693_147_206_702_832_6,
        0.240_226_509_222_887_57,
        0.055_503_272_266_703_02,
        0.009_618_056_678_524_637,
        0.001_340_042_817_761_583_8,
        0.000_154_614_446_985_691_3,
    ];
    let f2 = f * f;
    let f4 = f2 * f2;
    let low = (C[0] + C[1] * f) + f2 * (C[2] + C[3] * f);
    let high = (C[4] + C[5] * f) + f2 * C[6];
    let p = low + f4 * high; // 2ᶠ
    (p * pow2_f64(k_int)) as f32 // k from −151 to 129: a normal f64
}
