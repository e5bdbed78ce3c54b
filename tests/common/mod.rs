//! Helpers shared by the integration tests: proptest [`strategies`] for matrices, and
//! the floating-point error bounds that property tests use as their tolerances.
//!
//! Each test binary compiles this module and uses only part of it, hence the
//! `dead_code` allowance.
//!
//! # Tolerances
//!
//! A law such as `(AB)C = A(BC)` holds exactly in real arithmetic; in floating point
//! both sides are rounded. The standard bound (Higham, *Accuracy and Stability of
//! Numerical Algorithms*, 2nd ed., §3.1 and §3.5) is: a sum of products with at most
//! `n` roundings along any path is off by at most `γₙ · M`, where
//!
//! ```text
//! γₙ = n·u / (1 − n·u),   u = ε/2 (the unit roundoff: 2⁻⁵³ for f64, 2⁻²⁴ for f32)
//! M  = the same expression evaluated on |entries|   (e.g. |A||B| for AB)
//! ```
//!
//! and it holds for any summation order and with or without fused multiply-add, so it
//! does not depend on how the kernels are written. Two computations of one exact value
//! are then within `2 γₙ M` of each other. [`check_rounding`] allows `3 γₙ M̂`: the extra
//! `γₙ M̂` covers `M̂`, the computed `M`, being itself rounded (`M̂ ≥ (1 − γₙ) M`, so
//! `2 γₙ M ≤ 3 γₙ M̂` while `γₙ < ⅓`). The bound is relative to the magnitudes of the
//! terms, not of the result, which is what makes it valid when the result cancels to
//! nearly zero; and it is tight enough (about `n · 10⁻¹⁶` relative in f64) that any
//! wrong index or missing term fails it by many orders of magnitude.

#![allow(dead_code)]

pub mod strategies;

/// A data set holding `examples` (one output: the target is the label), in order: what
/// `Trainer::fit` sees of the slice that `Trainer::fit_examples` trains on.
#[cfg(feature = "std")]
pub fn dataset_of<const I: usize>(
    examples: &[backprop::train::Example<f64, I, 1>],
) -> backprop::data::Dataset<f64> {
    let features = examples
        .iter()
        .flat_map(|(x, _)| x.iter().copied())
        .collect();
    let labels = examples.iter().map(|(_, y)| y[(0, 0)]).collect();
    backprop::data::Dataset::from_parts(features, labels, I).unwrap()
}

use backprop::{Matrix, Scalar};
use proptest::test_runner::TestCaseError;

/// `γₙ = n·u / (1 − n·u)` for `T`, with `u = T::EPSILON / 2`: the relative error bound
/// of a sum of products with at most `n` roundings along any path.
///
/// # Panics
/// If `n·u ≥ 1`, where the bound says nothing.
pub fn gamma<T: Scalar>(n: usize) -> T {
    let u = T::EPSILON.to_f64() / 2.0;
    let nu = n as f64 * u;
    assert!(nu < 1.0, "γ_{n} is undefined: n·u = {nu} ≥ 1");
    T::from_f64(nu / (1.0 - nu))
}

/// `|A|`: the entrywise absolute value, used to build magnitudes such as `|A||B|`.
pub fn abs<T: Scalar, const R: usize, const C: usize>(m: &Matrix<T, R, C>) -> Matrix<T, R, C> {
    m.map(|v| v.abs())
}

/// Checks `|actual[(i, j)] − expected[(i, j)]| ≤ bound[(i, j)]` for every entry, and
/// fails the proptest case naming the first entry that does not (a NaN never passes).
pub fn check_within<T: Scalar, const R: usize, const C: usize>(
    actual: &Matrix<T, R, C>,
    expected: &Matrix<T, R, C>,
    bound: &Matrix<T, R, C>,
    what: &str,
) -> Result<(), TestCaseError> {
    for i in 0..R {
        for j in 0..C {
            let (a, e, b) = (actual[(i, j)], expected[(i, j)], bound[(i, j)]);
            let diff = (a - e).abs();
            // `diff <= b` is false when either is NaN, so a NaN never passes.
            let within = diff <= b;
            if !within {
                return Err(TestCaseError::fail(format!(
                    "{what}: entry ({i}, {j}) differs by {diff:e} > allowed {b:e}\n\
                     actual:   {a:e}\nexpected: {e:e}\n\
                     actual matrix:   {actual:?}\nexpected matrix: {expected:?}"
                )));
            }
        }
    }
    Ok(())
}

/// Checks that two floating-point evaluations of one exact quantity agree within
/// `3 γₙ M̂` entrywise, where `magnitude` is `M̂` (the expression evaluated on absolute
/// values) and `n` bounds the roundings along any path of either evaluation. See the
/// module docs for why this bound is safe.
pub fn check_rounding<T: Scalar, const R: usize, const C: usize>(
    actual: &Matrix<T, R, C>,
    expected: &Matrix<T, R, C>,
    magnitude: &Matrix<T, R, C>,
    n: usize,
    what: &str,
) -> Result<(), TestCaseError> {
    let bound = *magnitude * (T::from_f64(3.0) * gamma::<T>(n));
    check_within(actual, expected, &bound, what)
}

/// [`check_rounding`] for two scalars.
pub fn check_rounding_scalar<T: Scalar>(
    actual: T,
    expected: T,
    magnitude: T,
    n: usize,
    what: &str,
) -> Result<(), TestCaseError> {
    check_rounding(
        &Matrix::<T, 1, 1>::filled(actual),
        &Matrix::filled(expected),
        &Matrix::filled(magnitude),
        n,
        what,
    )
}
