//! Proves that the functions the crate writes for builds without the standard library
//! (`backprop::scalar::math`) agree with the standard library's, to the accuracy their
//! docs state:
//!
//! - `sqrt` in `f64` and `f32` is correctly rounded: bit for bit `f64::sqrt`/`f32::sqrt`,
//!   on special values, subnormals, the largest and smallest numbers, perfect squares and
//!   their neighbours, and random bit patterns of the whole range;
//! - `powi` gives the bits of `powi` (the same products in the same order);
//! - `tanh` is within 4 ulp in `f64` and 2 ulp in `f32`, `cos` within 2 ulp for
//!   `|x| ≤ 2²⁰` (and on `[0, π]`, where the cosine schedule uses it), `cbrt` within
//!   1 ulp.
//!
//! With `std` the crate calls the standard library for these; without it, these
//! functions. So a network trained without `std` takes the same square roots and powers,
//! and tanh and cosine values within a few ulps.

use backprop::scalar::math::{
    cbrt_f64, cos_f64, powi_f32, powi_f64, sqrt_f32, sqrt_f64, tanh_f32, tanh_f64,
};
use proptest::prelude::*;

/// The distance in ulps between two finite `f64` of the same sign (or zero).
fn ulps_f64(a: f64, b: f64) -> u64 {
    let key = |v: f64| {
        let bits = v.to_bits() as i64;
        if bits < 0 { i64::MIN - bits } else { bits }
    };
    key(a).abs_diff(key(b))
}

/// The distance in ulps between two finite `f32`.
fn ulps_f32(a: f32, b: f32) -> u32 {
    let key = |v: f32| {
        let bits = v.to_bits() as i32;
        if bits < 0 { i32::MIN - bits } else { bits }
    };
    key(a).abs_diff(key(b))
}

#[test]
fn sqrt_f64_of_special_values_is_ieee_754s() {
    for x in [
        0.0,
        -0.0,
        f64::INFINITY,
        f64::MIN_POSITIVE,
        f64::MAX,
        f64::from_bits(1),
        f64::from_bits(0x000f_ffff_ffff_ffff),
        1.0,
        2.0,
        4.0,
        0.25,
        f64::EPSILON,
    ] {
        assert_eq!(sqrt_f64(x).to_bits(), x.sqrt().to_bits(), "√{x:e}");
    }
    assert!(sqrt_f64(-1.0).is_nan());
    assert!(sqrt_f64(f64::NEG_INFINITY).is_nan());
    assert!(sqrt_f64(f64::NAN).is_nan());
}

#[test]
fn sqrt_f64_of_perfect_squares_and_their_neighbours_is_correctly_rounded() {
    // Near a perfect square the rounding is closest to a tie: the hardest cases.
    for k in (1u64..2_000).chain((0..2_000).map(|i| (1 << 26) + i * 7919)) {
        let square = (k * k) as f64;
        for x in [
            square,
            f64::from_bits(square.to_bits() - 1),
            f64::from_bits(square.to_bits() + 1),
        ] {
            assert_eq!(sqrt_f64(x).to_bits(), x.sqrt().to_bits(), "√{x:e}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn sqrt_f64_is_bit_for_bit_the_standard_librarys(bits in 0u64..0x7ff0_0000_0000_0000) {
        let x = f64::from_bits(bits);
        prop_assert_eq!(sqrt_f64(x).to_bits(), x.sqrt().to_bits(), "√{:e}", x);
    }

    #[test]
    fn sqrt_f32_is_bit_for_bit_the_standard_librarys(bits in 0u32..0x7f80_0000) {
        let x = f32::from_bits(bits);
        prop_assert_eq!(sqrt_f32(x).to_bits(), x.sqrt().to_bits(), "√{:e}", x);
    }

    #[test]
    fn powi_is_bit_for_bit_the_standard_librarys(x in -4.0f64..4.0, n in -60i32..60) {
        prop_assert_eq!(powi_f64(x, n).to_bits(), x.powi(n).to_bits(), "{}^{}", x, n);
        let x32 = x as f32;
        prop_assert_eq!(powi_f32(x32, n).to_bits(), x32.powi(n).to_bits(), "{}^{}", x32, n);
    }

    #[test]
    fn powi_of_the_decay_factors_the_crate_uses_matches(
        gamma in 0.5f64..1.0, t in 0i32..100_000,
    ) {
        // β₁ᵗ, β₂ᵗ of Adam and γᵗ of the schedules: bases below 1, large exponents.
        prop_assert_eq!(powi_f64(gamma, t).to_bits(), gamma.powi(t).to_bits());
    }

    #[test]
    fn tanh_f64_is_within_4_ulp(x in -25.0f64..25.0) {
        let (ours, std) = (tanh_f64(x), x.tanh());
        prop_assert!(ulps_f64(ours, std) <= 4, "tanh({:e}) = {:e}, std {:e}", x, ours, std);
    }

    #[test]
    fn tanh_f64_is_within_4_ulp_near_zero(e in -60i32..0, m in 1.0f64..2.0, negative: bool) {
        let x = if negative { -m } else { m } * 2f64.powi(e);
        let (ours, std) = (tanh_f64(x), x.tanh());
        prop_assert!(ulps_f64(ours, std) <= 4, "tanh({:e}) = {:e}, std {:e}", x, ours, std);
    }

    #[test]
    fn tanh_f32_is_within_2_ulp(x in -12.0f32..12.0) {
        let (ours, std) = (tanh_f32(x), x.tanh());
        prop_assert!(ulps_f32(ours, std) <= 2, "tanh({:e}) = {:e}, std {:e}", x, ours, std);
    }

    #[test]
    fn cos_is_within_2_ulp_on_the_schedules_range(progress in 0.0f64..=1.0) {
        let x = core::f64::consts::PI * progress;
        let (ours, std) = (cos_f64(x), x.cos());
        // Near π/2 the cosine is near 0 and an ulp is tiny: compare to the scale of 1 there.
        let close = ulps_f64(ours, std) <= 2 || (ours - std).abs() <= 2.0 * f64::EPSILON * 1e-3;
        prop_assert!(close, "cos({:e}) = {:e}, std {:e}", x, ours, std);
    }

    #[test]
    fn cos_is_within_2_ulp_up_to_2_pow_20(x in -1_048_576.0f64..1_048_576.0) {
        let (ours, std) = (cos_f64(x), x.cos());
        let close = ulps_f64(ours, std) <= 2 || (ours - std).abs() <= 4.0 * f64::EPSILON * 1e-6;
        prop_assert!(close, "cos({:e}) = {:e}, std {:e}", x, ours, std);
    }

    #[test]
    fn cbrt_is_within_1_ulp(bits in 0x0010_0000_0000_0000u64..0x7ff0_0000_0000_0000) {
        let x = f64::from_bits(bits);
        prop_assert!(ulps_f64(cbrt_f64(x), x.cbrt()) <= 1, "∛{:e}", x);
    }
}

#[test]
fn tanh_saturates_to_one_and_keeps_nan_and_sign() {
    assert_eq!(tanh_f64(30.0), 1.0);
    assert_eq!(tanh_f64(-30.0), -1.0);
    assert_eq!(tanh_f64(f64::INFINITY), 1.0);
    assert!(tanh_f64(f64::NAN).is_nan());
    assert_eq!(tanh_f64(-0.0).to_bits(), (-0.0f64).to_bits());
}

#[test]
fn cbrt_of_the_gradient_checks_unit_roundoffs_is_the_standard_librarys() {
    // The gradient check's default step is ∛u for u = ε/2 of f64 and f32.
    for u in [f64::EPSILON / 2.0, f64::from(f32::EPSILON) / 2.0] {
        assert!(ulps_f64(cbrt_f64(u), u.cbrt()) <= 1);
    }
}
