//! Proptest strategies for [`Matrix`] of any const shape, in `f64` and `f32`.
//!
//! Every strategy draws the `R·C` entries independently and uniformly from a stated
//! range with [`proptest::collection::vec`], then builds the matrix with
//! [`Matrix::try_from_slice`] (row-major), so a failing case shrinks entry by entry
//! towards the range's lower end (proptest shrinks a float range towards its start).
//!
//! The shape is chosen by the caller through const generics, usually inferred from the
//! test's types:
//!
//! ```text
//! proptest! {
//!     #[test]
//!     fn some_law((a, b) in (matrix::<4, 3>(), matrix::<3, 1>())) { … }
//! }
//! ```
//!
//! | strategy | entries | use |
//! |---|---|---|
//! | [`matrix`], [`matrix_f32`] | `[-10, 10)` ([`ENTRY`]) | general laws |
//! | [`matrix_in`], [`matrix_f32_in`] | a range you give | weights, inputs, probabilities |
//! | [`matrix_from`] | any element strategy | anything else (e.g. labels `0`/`1`) |
//! | [`vector`], [`row_vector`] | `[-10, 10)` | column / row vectors (`N × 1`, `1 × N`) |
//! | [`scalar`], [`nonzero_scalar`] | `[-10, 10)`, and away from 0 | scalars, divisors |
//!
//! Shapes with `R = 0` or `C = 0` work: the entry vector is empty.

use backprop::{Matrix, RowVector, Scalar, Vector};
use core::ops::Range;
use proptest::prelude::*;

/// The default entry range, `[-ENTRY, ENTRY)` = `[-10, 10)`: wide enough that products
/// of a few factors span several orders of magnitude and exercise rounding, small
/// enough that nothing overflows or underflows in `f32` (a 7×5·5×3·3×2 product stays
/// below `10⁴ · 75`, far from `f32::MAX`).
pub const ENTRY: f64 = 10.0;

/// An `R × C` matrix whose entries are drawn from `element`, in row-major order.
///
/// The most general strategy; the others are this one with a fixed element range.
pub fn matrix_from<T, S, const R: usize, const C: usize>(
    element: S,
) -> impl Strategy<Value = Matrix<T, R, C>>
where
    T: Scalar,
    S: Strategy<Value = T>,
{
    proptest::collection::vec(element, R * C).prop_map(|entries| {
        Matrix::try_from_slice(&entries).expect("the vec strategy yields exactly R·C entries")
    })
}

/// An `R × C` `f64` matrix with entries uniform in `range`.
pub fn matrix_in<const R: usize, const C: usize>(
    range: Range<f64>,
) -> impl Strategy<Value = Matrix<f64, R, C>> {
    matrix_from(range)
}

/// An `R × C` `f32` matrix with entries uniform in `range`.
pub fn matrix_f32_in<const R: usize, const C: usize>(
    range: Range<f32>,
) -> impl Strategy<Value = Matrix<f32, R, C>> {
    matrix_from(range)
}

/// An `R × C` `f64` matrix with entries uniform in `[-10, 10)` ([`ENTRY`]).
pub fn matrix<const R: usize, const C: usize>() -> impl Strategy<Value = Matrix<f64, R, C>> {
    matrix_in(-ENTRY..ENTRY)
}

/// An `R × C` `f32` matrix with entries uniform in `[-10, 10)` ([`ENTRY`]).
pub fn matrix_f32<const R: usize, const C: usize>() -> impl Strategy<Value = Matrix<f32, R, C>> {
    matrix_f32_in(-ENTRY as f32..ENTRY as f32)
}

/// A column vector (`N × 1`) of `f64` with entries uniform in `[-10, 10)`.
pub fn vector<const N: usize>() -> impl Strategy<Value = Vector<f64, N>> {
    matrix::<N, 1>()
}

/// A row vector (`1 × N`) of `f64` with entries uniform in `[-10, 10)`.
pub fn row_vector<const N: usize>() -> impl Strategy<Value = RowVector<f64, N>> {
    matrix::<1, N>()
}

/// An `f64` uniform in `[-10, 10)`.
pub fn scalar() -> impl Strategy<Value = f64> {
    -ENTRY..ENTRY
}

/// An `f64` with `0.1 ≤ |s| < 10`: a divisor that keeps quotients within `100×` of the
/// dividend, so a relative tolerance stays meaningful.
pub fn nonzero_scalar() -> impl Strategy<Value = f64> {
    prop_oneof![-ENTRY..-0.1, 0.1..ENTRY]
}
