//! Proves that the crate's hand-written `ln` and `ln_1p` (used by every cross-entropy
//! cost) agree with the standard library's over the whole range of both types: within
//! 1 ulp for `ln` (normal and subnormal inputs), within 2 ulp for `ln_1p` and for
//! `ln_1p_unit` on its domain `[0, 1]` (every `f32` there, in steps), with the
//! special values `ln 0 = −∞`, `ln(x < 0) = NaN`, `ln ∞ = ∞`, and NaN staying NaN.
//!
//! Ulp distance is the distance between bit patterns of two results of the same sign.
//! std's functions are themselves within 1 ulp, so the bounds allow for either being off.

use backprop::Scalar;
use backprop::rng::Rng;

fn ulps_f64(a: f64, b: f64) -> u64 {
    if a == b {
        return 0; // also +0 against −0
    }
    a.to_bits().abs_diff(b.to_bits())
}

fn ulps_f32(a: f32, b: f32) -> u32 {
    if a == b {
        return 0;
    }
    a.to_bits().abs_diff(b.to_bits())
}

/// Logarithmically spaced positive inputs from 2^lo to 2^hi, plus random mantissas.
fn positives(lo: i32, hi: i32, per_octave: usize, seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    for e in lo..hi {
        for i in 0..per_octave {
            let m = 1.0 + i as f64 / per_octave as f64;
            out.push(m * 2f64.powi(e));
            out.push((1.0 + rng.uniform_f64()) * 2f64.powi(e));
        }
    }
    out
}

#[test]
fn ln_f64_is_within_one_ulp_of_std_over_the_whole_range() {
    let mut worst = (0, 0.0);
    for x in positives(-1074, 1024, 64, 1)
        .into_iter()
        .chain((0..100_000).map(|i| 0.5 + i as f64 / 100_000.0))
    {
        let d = ulps_f64(Scalar::ln(x), x.ln());
        if d > worst.0 {
            worst = (d, x);
        }
    }
    assert!(worst.0 <= 1, "{} ulp at x = {:e}", worst.0, worst.1);
}

#[test]
fn ln_f32_is_within_one_ulp_of_std_over_the_whole_range() {
    let mut worst = (0, 0.0);
    for x in positives(-149, 128, 256, 2)
        .into_iter()
        .map(|x| x as f32)
        .chain((0..100_000).map(|i| 0.5 + i as f32 / 100_000.0))
        .filter(|x| x.is_finite() && *x > 0.0)
    {
        let d = ulps_f32(Scalar::ln(x), x.ln());
        if d > worst.0 {
            worst = (d, x);
        }
    }
    assert!(worst.0 <= 1, "{} ulp at x = {:e}", worst.0, worst.1);
}

#[test]
fn ln_1p_is_within_two_ulps_of_std_from_tiny_to_huge() {
    let mut rng = Rng::new(3);
    let mut xs: Vec<f64> = positives(-1074, 1000, 16, 4);
    xs.extend(positives(-1074, 0, 16, 5).iter().map(|x| -x * 0.999)); // (−1, 0)
    xs.extend((0..20_000).map(|_| rng.uniform(-0.999, 10.0)));
    for x in xs {
        let d = ulps_f64(Scalar::ln_1p(x), x.ln_1p());
        assert!(
            d <= 2,
            "f64 ln_1p({x:e}): {} vs {}",
            Scalar::ln_1p(x),
            x.ln_1p()
        );
        let x = x as f32;
        if x > -1.0 && x.is_finite() {
            let d = ulps_f32(Scalar::ln_1p(x), x.ln_1p());
            assert!(
                d <= 2,
                "f32 ln_1p({x:e}): {} vs {}",
                Scalar::ln_1p(x),
                x.ln_1p()
            );
        }
    }
}

#[test]
fn ln_of_special_values() {
    assert_eq!(Scalar::ln(0.0f64), f64::NEG_INFINITY);
    assert_eq!(Scalar::ln(-0.0f64), f64::NEG_INFINITY);
    assert!(Scalar::ln(-1.0f64).is_nan());
    assert!(Scalar::ln(f64::NEG_INFINITY).is_nan());
    assert_eq!(Scalar::ln(f64::INFINITY), f64::INFINITY);
    assert!(Scalar::ln(f64::NAN).is_nan());
    assert_eq!(Scalar::ln(1.0f64), 0.0);
    assert_eq!(Scalar::ln(0.0f32), f32::NEG_INFINITY);
    assert!(Scalar::ln(-1.0f32).is_nan());
    assert_eq!(Scalar::ln(f32::INFINITY), f32::INFINITY);
    assert!(Scalar::ln(f32::NAN).is_nan());
    assert_eq!(Scalar::ln(1.0f32), 0.0);
}

#[test]
fn ln_1p_of_special_values() {
    assert_eq!(Scalar::ln_1p(-1.0f64), f64::NEG_INFINITY);
    assert!(Scalar::ln_1p(-2.0f64).is_nan());
    assert_eq!(Scalar::ln_1p(f64::INFINITY), f64::INFINITY);
    assert!(Scalar::ln_1p(f64::NAN).is_nan());
    assert_eq!(Scalar::ln_1p(0.0f64), 0.0);
    assert_eq!(Scalar::ln_1p(1e-300f64), 1e-300);
    assert!(Scalar::ln_1p(-0.0f64).is_sign_negative());
    assert!(Scalar::ln_1p(-0.0f32).is_sign_negative());
    assert!(Scalar::ln_1p(f64::NEG_INFINITY).is_nan());
    assert_eq!(Scalar::ln_1p(f64::MAX), f64::MAX.ln());
    assert_eq!(Scalar::ln_1p(-1.0f32), f32::NEG_INFINITY);
    assert!(Scalar::ln_1p(-2.0f32).is_nan());
    assert!(Scalar::ln_1p(f32::NEG_INFINITY).is_nan());
    assert!(Scalar::ln_1p(f32::NAN).is_nan());
    assert_eq!(Scalar::ln_1p(f32::MAX), f32::MAX.ln());
    assert_eq!(Scalar::ln_1p(f32::INFINITY), f32::INFINITY);
    assert_eq!(Scalar::ln_1p(1e-30f32), 1e-30);
}

#[test]
fn ln_1p_unit_is_within_two_ulps_of_std_on_zero_to_one() {
    // f32: every 16th bit pattern from 0 up to 1 (about 66 million / 16 values), which
    // covers every octave from the subnormals up, and 1 itself.
    let one = 1.0f32.to_bits();
    for bits in (0..one).step_by(16).chain([one]) {
        let x = f32::from_bits(bits);
        let d = ulps_f32(Scalar::ln_1p_unit(x), x.ln_1p());
        assert!(d <= 2, "f32 ln_1p_unit({x:e}): {d} ulp");
    }
    // f64: every octave from 2⁻¹⁰⁷⁴ to 1, and a dense grid of [0, 1].
    let xs = positives(-1074, 0, 64, 6)
        .into_iter()
        .chain((0..=200_000).map(|i| i as f64 / 200_000.0));
    for x in xs {
        let d = ulps_f64(Scalar::ln_1p_unit(x), x.ln_1p());
        assert!(d <= 2, "f64 ln_1p_unit({x:e}): {d} ulp");
    }
}

#[test]
fn ln_1p_is_within_two_ulps_of_std_just_above_minus_one() {
    // There u = 1 + x falls to 2⁻⁵³ (f64) or 2⁻²⁴ (f32), still a normal number, which the
    // branch-free ln_1p relies on.
    // Offsets t from −1, from half an ulp of 1 up to 10⁻³, 1 % apart.
    let mut t = f64::EPSILON / 2.0;
    while t < 1e-3 {
        let x = -1.0 + t;
        let d = ulps_f64(Scalar::ln_1p(x), x.ln_1p());
        assert!(d <= 2, "f64 ln_1p({x:e}): {d} ulp");
        let x = -1.0 + t as f32;
        if x > -1.0 {
            let d = ulps_f32(Scalar::ln_1p(x), x.ln_1p());
            assert!(d <= 2, "f32 ln_1p({x:e}): {d} ulp");
        }
        t *= 1.01;
    }
}

#[test]
fn ln_1p_unit_is_ln_1p_bit_for_bit_on_zero_to_one() {
    let one = 1.0f32.to_bits();
    for bits in (0..one).step_by(61).chain([one]) {
        let x = f32::from_bits(bits);
        assert_eq!(
            Scalar::ln_1p_unit(x).to_bits(),
            Scalar::ln_1p(x).to_bits(),
            "f32 at {x:e}"
        );
    }
    for x in positives(-1074, 0, 64, 7)
        .into_iter()
        .chain((0..=100_000).map(|i| i as f64 / 100_000.0))
    {
        assert_eq!(
            Scalar::ln_1p_unit(x).to_bits(),
            Scalar::ln_1p(x).to_bits(),
            "f64 at {x:e}"
        );
    }
}

#[test]
fn ln_1p_unit_keeps_nan_and_zero() {
    assert!(Scalar::ln_1p_unit(f64::NAN).is_nan());
    assert!(Scalar::ln_1p_unit(f32::NAN).is_nan());
    assert_eq!(Scalar::ln_1p_unit(0.0f64), 0.0);
    assert_eq!(Scalar::ln_1p_unit(0.0f32), 0.0);
    assert_eq!(Scalar::ln_1p_unit(1.0f64), core::f64::consts::LN_2);
}
