//! With the `approx` feature, [`Matrix`] implements `approx`'s `AbsDiffEq`, `RelativeEq`
//! and `UlpsEq` entrywise: two matrices are close when **every** pair of entries is.
//! Each comparison is shown passing on matrices that are close and failing on matrices
//! that differ in a single entry, through both the traits' methods and the crate's
//! macros (`assert_*_eq!` and their `_ne` forms).
//!
//! Run with `cargo test --features approx` (or `--all-features`); without the feature
//! this file compiles to nothing.
#![cfg(feature = "approx")]

use approx::{
    AbsDiffEq, RelativeEq, UlpsEq, abs_diff_eq, abs_diff_ne, assert_abs_diff_eq,
    assert_abs_diff_ne, assert_relative_eq, assert_relative_ne, assert_ulps_eq, assert_ulps_ne,
    relative_eq, relative_ne, ulps_eq, ulps_ne,
};
use backprop::Matrix;

fn base() -> Matrix<f64, 2, 3> {
    Matrix::from_rows([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
}

/// `base()` with entry `(1, 1)` moved by `delta`.
fn with_one_entry_moved(delta: f64) -> Matrix<f64, 2, 3> {
    let mut m = base();
    m[(1, 1)] += delta;
    m
}

/// `x` moved up by `k` units in the last place (`x` positive and finite), written with
/// bits rather than `f64::next_up` to stay within the crate's minimum Rust version.
fn ulps_up(x: f64, k: u64) -> f64 {
    f64::from_bits(x.to_bits() + k)
}

#[test]
fn defaults_are_those_of_the_entry_type() {
    assert_eq!(Matrix::<f64, 2, 2>::default_epsilon(), f64::EPSILON);
    assert_eq!(Matrix::<f32, 2, 2>::default_epsilon(), f32::EPSILON);
    assert_eq!(Matrix::<f64, 2, 2>::default_max_relative(), f64::EPSILON);
    assert_eq!(
        Matrix::<f64, 2, 2>::default_max_ulps(),
        f64::default_max_ulps()
    );
}

#[test]
fn abs_diff_eq_passes_within_epsilon_and_fails_on_one_entry_beyond_it() {
    let a = base();
    let close = with_one_entry_moved(1e-4);
    let far = with_one_entry_moved(2e-3);
    assert!(a.abs_diff_eq(&close, 1e-3));
    assert!(abs_diff_eq!(a, close, epsilon = 1e-3));
    assert_abs_diff_eq!(a, close, epsilon = 1e-3);
    // Five entries equal, one off by 2·10⁻³: not equal within 10⁻³.
    assert!(!a.abs_diff_eq(&far, 1e-3));
    assert!(abs_diff_ne!(a, far, epsilon = 1e-3));
    assert_abs_diff_ne!(a, far, epsilon = 1e-3);
    // With the default epsilon (f64::EPSILON) even the close one differs.
    assert!(abs_diff_ne!(a, close));
    assert_abs_diff_eq!(a, a);
}

#[test]
#[should_panic(expected = "assert_abs_diff_eq!(a, far, epsilon = 1e-3)")]
fn assert_abs_diff_eq_panics_when_one_entry_is_too_far() {
    let (a, far) = (base(), with_one_entry_moved(2e-3));
    assert_abs_diff_eq!(a, far, epsilon = 1e-3);
}

#[test]
fn relative_eq_scales_with_the_entries() {
    // Entries near 10¹⁰ that differ by 1: relatively 10⁻¹⁰ apart, absolutely 1 apart.
    let big = Matrix::<f64, 2, 2>::filled(1e10);
    let mut nudged = big;
    nudged[(0, 1)] += 1.0;
    assert!(big.relative_eq(&nudged, 0.0, 1e-9));
    assert!(relative_eq!(big, nudged, max_relative = 1e-9));
    assert_relative_eq!(big, nudged, max_relative = 1e-9);
    // … but not within a relative 10⁻¹¹, nor within an absolute 0.5.
    assert!(!big.relative_eq(&nudged, 0.0, 1e-11));
    assert!(relative_ne!(big, nudged, max_relative = 1e-11));
    assert_relative_ne!(big, nudged, max_relative = 1e-11);
    assert!(!big.abs_diff_eq(&nudged, 0.5));
}

#[test]
fn relative_eq_with_default_tolerances_accepts_one_ulp_and_rejects_more() {
    let a = base();
    let mut one_ulp = a;
    one_ulp[(0, 2)] = ulps_up(3.0, 1);
    assert_relative_eq!(a, one_ulp);
    let far = with_one_entry_moved(1e-9);
    assert_relative_ne!(a, far);
}

#[test]
#[should_panic(expected = "assert_relative_eq!(a, far, max_relative = 1e-12)")]
fn assert_relative_eq_panics_when_one_entry_is_relatively_too_far() {
    let (a, far) = (base(), with_one_entry_moved(1e-9));
    assert_relative_eq!(a, far, max_relative = 1e-12);
}

#[test]
fn ulps_eq_counts_units_in_the_last_place_entrywise() {
    let a = base();
    let mut three = a;
    three[(1, 2)] = ulps_up(6.0, 3);
    let mut five = a;
    five[(1, 2)] = ulps_up(6.0, 5);
    // epsilon = 0 so that only the ULP count decides.
    assert!(a.ulps_eq(&three, 0.0, 4));
    assert!(ulps_eq!(a, three, epsilon = 0.0, max_ulps = 4));
    assert_ulps_eq!(a, three, epsilon = 0.0, max_ulps = 4);
    assert!(!a.ulps_eq(&five, 0.0, 4));
    assert!(ulps_ne!(a, five, epsilon = 0.0, max_ulps = 4));
    assert_ulps_ne!(a, five, epsilon = 0.0, max_ulps = 4);
}

#[test]
#[should_panic(expected = "assert_ulps_eq!(a, five, epsilon = 0.0, max_ulps = 4)")]
fn assert_ulps_eq_panics_beyond_max_ulps() {
    let a = base();
    let mut five = a;
    five[(0, 0)] = ulps_up(1.0, 5);
    assert_ulps_eq!(a, five, epsilon = 0.0, max_ulps = 4);
}

#[test]
fn f32_matrices_compare_too() {
    let a = Matrix::from_rows([[0.1f32, 0.2], [0.3, 0.4]]);
    let mut b = a;
    b[(1, 0)] += 1e-6;
    assert_abs_diff_eq!(a, b, epsilon = 1e-5);
    assert_relative_eq!(a, b, max_relative = 1e-5);
    assert_abs_diff_ne!(a, b, epsilon = 1e-7);
    assert_relative_ne!(a, b, max_relative = 1e-7);
}

#[test]
fn nan_is_never_close_and_empty_matrices_always_are() {
    let a = base();
    let mut nan = a;
    nan[(0, 0)] = f64::NAN;
    assert!(!nan.abs_diff_eq(&nan, 1.0));
    assert!(!nan.relative_eq(&a, 1.0, 1.0));
    assert!(!nan.ulps_eq(&a, 1.0, u32::MAX));
    // No entries, nothing to differ.
    let empty = Matrix::<f64, 0, 3>::zeros();
    assert_abs_diff_eq!(empty, empty);
    assert_relative_eq!(empty, empty);
    assert_ulps_eq!(empty, empty);
}
