//! Proves that the crate's hand-written `exp` (used by every sigmoid, softmax and loss)
//! agrees with the standard library's over the whole range of both types: within 1 ulp
//! where the result is a normal number, within 2 ulp where it is subnormal, `+∞` past
//! overflow, `0` past underflow, and NaN for NaN.
//!
//! "ulp" distance is the number of representable values between the two results (their
//! bit patterns' difference, for positive numbers). std's `exp` is itself accurate to
//! within 1 ulp on the platforms Rust supports, so the bounds below allow for either
//! function being the one that is off.

use backprop::Scalar;
use backprop::rng::Rng;

fn ulps_f64(a: f64, b: f64) -> u64 {
    a.to_bits().abs_diff(b.to_bits())
}

fn ulps_f32(a: f32, b: f32) -> u32 {
    a.to_bits().abs_diff(b.to_bits())
}

/// Every input on an even grid over `[lo, hi]` plus `n` uniform random ones.
fn inputs(lo: f64, hi: f64, n: usize, seed: u64) -> impl Iterator<Item = f64> {
    let mut rng = Rng::new(seed);
    let grid = (0..=n).map(move |i| lo + (hi - lo) * i as f64 / n as f64);
    let random: Vec<f64> = (0..n).map(|_| rng.uniform(lo, hi)).collect();
    grid.chain(random)
}

#[test]
fn exp_f64_is_within_one_ulp_of_std_for_normal_results() {
    let mut worst = (0u64, 0.0f64);
    for x in inputs(-708.0, 709.7, 200_000, 1).chain(inputs(-1.0, 1.0, 50_000, 2)) {
        let d = ulps_f64(Scalar::exp(x), x.exp());
        if d > worst.0 {
            worst = (d, x);
        }
    }
    assert!(worst.0 <= 1, "{} ulp at x = {:e}", worst.0, worst.1);
}

#[test]
fn exp_f64_is_within_two_ulps_of_std_for_subnormal_results() {
    for x in inputs(-745.0, -708.5, 20_000, 3) {
        let (ours, std) = (Scalar::exp(x), x.exp());
        assert!(ulps_f64(ours, std) <= 2, "x = {x:e}: {ours:e} vs {std:e}");
    }
}

#[test]
fn exp_f32_is_within_one_ulp_of_std_for_normal_results() {
    let mut worst = (0u32, 0.0f32);
    for x in inputs(-87.0, 88.7, 200_000, 4).chain(inputs(-1.0, 1.0, 50_000, 5)) {
        let x = x as f32;
        let d = ulps_f32(Scalar::exp(x), x.exp());
        if d > worst.0 {
            worst = (d, x);
        }
    }
    assert!(worst.0 <= 1, "{} ulp at x = {:e}", worst.0, worst.1);
}

#[test]
fn exp_f32_is_within_two_ulps_of_std_for_subnormal_results() {
    for x in inputs(-103.9, -87.4, 20_000, 6) {
        let x = x as f32;
        let (ours, std) = (Scalar::exp(x), x.exp());
        assert!(ulps_f32(ours, std) <= 2, "x = {x:e}: {ours:e} vs {std:e}");
    }
}

#[test]
fn exp_is_exact_at_zero_and_one_ulp_from_e_at_one() {
    assert_eq!(Scalar::exp(0.0f64), 1.0);
    assert_eq!(Scalar::exp(0.0f32), 1.0);
    assert!(ulps_f64(Scalar::exp(1.0f64), core::f64::consts::E) <= 1);
    assert!(ulps_f32(Scalar::exp(1.0f32), core::f32::consts::E) <= 1);
}

#[test]
fn exp_overflows_to_infinity_and_underflows_to_zero() {
    for x in [709.79f64, 710.0, 1e4, 1e300, f64::MAX, f64::INFINITY] {
        assert_eq!(Scalar::exp(x), f64::INFINITY, "x = {x:e}");
    }
    for x in [-745.2f64, -746.0, -1e4, f64::MIN, f64::NEG_INFINITY] {
        assert_eq!(Scalar::exp(x), 0.0, "x = {x:e}");
    }
    for x in [88.73f32, 89.0, 1e4, f32::MAX, f32::INFINITY] {
        assert_eq!(Scalar::exp(x), f32::INFINITY, "x = {x:e}");
    }
    for x in [-104.0f32, -1e4, f32::MIN, f32::NEG_INFINITY] {
        assert_eq!(Scalar::exp(x), 0.0, "x = {x:e}");
    }
}

#[test]
fn exp_of_nan_is_nan() {
    assert!(Scalar::exp(f64::NAN).is_nan());
    assert!(Scalar::exp(f32::NAN).is_nan());
}

#[test]
fn exp_is_monotone_on_a_fine_grid() {
    // A wrong reduction step shows up as a jump backwards at a multiple of ln 2.
    let mut previous = 0.0f64;
    for i in 0..=100_000 {
        let x = -20.0 + 40.0 * i as f64 / 100_000.0;
        let y = Scalar::exp(x);
        assert!(y >= previous, "exp decreased at x = {x}");
        previous = y;
    }
}
