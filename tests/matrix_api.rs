//! The public API of [`Matrix`], one behaviour per test, on small hand-computed
//! examples: constructors and their errors, constants, accessors and the panics they
//! document, iterators, conversions, formatting, comparison, operators, the products
//! and reductions, `max` / `argmax` with NaN and ties, and shapes with a zero dimension.
//!
//! Every expected value is written out and says where it comes from; entries are small
//! integers or binary fractions, so each computation is exact and compared with `==`.

use backprop::{Error, Matrix, RowVector, Scalar, Vector};

/// The 2 × 3 matrix `[1 2 3; 4 5 6]` used throughout.
fn m23() -> Matrix<f64, 2, 3> {
    Matrix::from_rows([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
}

// ---------------------------------------------------------------------------------------
// Constructors and constants
// ---------------------------------------------------------------------------------------

#[test]
fn zeros_ones_and_filled_fill_every_entry() {
    assert_eq!(
        Matrix::<f64, 2, 3>::zeros().into_array(),
        [[0.0; 3]; 2],
        "zeros"
    );
    assert_eq!(Matrix::<f64, 2, 3>::ones().into_array(), [[1.0; 3]; 2]);
    assert_eq!(Matrix::<f32, 3, 1>::filled(-2.5).into_array(), [[-2.5]; 3]);
}

#[test]
fn constants_equal_their_constructors_and_work_in_const_context() {
    // The type of the constant is inferred from where it goes.
    const I3: Matrix<f64, 3, 3> = Matrix::IDENTITY;
    const Z: Matrix<f32, 2, 4> = Matrix::ZERO;
    const O: Matrix<f64, 1, 2> = Matrix::ONE;
    assert_eq!(
        I3.into_array(),
        [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    );
    assert_eq!(I3, Matrix::identity());
    assert_eq!(Matrix::<f32, 3, 3>::IDENTITY, Matrix::identity());
    assert_eq!(Z, Matrix::zeros());
    assert_eq!(Z.into_array(), [[0.0; 4]; 2]);
    assert_eq!(O, Matrix::ones());
    assert_eq!(Matrix::<f64, 0, 0>::IDENTITY, Matrix::identity());
    // They are generic over the scalar, so generic code can use them too.
    fn identity_of<T: Scalar>() -> Matrix<T, 2, 2> {
        Matrix::IDENTITY
    }
    assert_eq!(identity_of::<f32>().into_array(), [[1.0, 0.0], [0.0, 1.0]]);
}

#[test]
fn identity_has_ones_on_the_diagonal_only() {
    let i = Matrix::<f64, 4, 4>::identity();
    for r in 0..4 {
        for c in 0..4 {
            assert_eq!(i[(r, c)], if r == c { 1.0 } else { 0.0 }, "({r}, {c})");
        }
    }
}

#[test]
fn from_fn_evaluates_f_at_each_position_row_by_row() {
    let mut calls = Vec::new();
    let m = Matrix::<f64, 2, 3>::from_fn(|i, j| {
        calls.push((i, j));
        (10 * i + j) as f64
    });
    assert_eq!(m.into_array(), [[0.0, 1.0, 2.0], [10.0, 11.0, 12.0]]);
    assert_eq!(calls, [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]);
}

#[test]
fn from_rows_and_from_array_keep_rows_as_rows() {
    let m = m23();
    assert_eq!(m[(0, 2)], 3.0);
    assert_eq!(m[(1, 0)], 4.0);
    assert_eq!(Matrix::from([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), m);
    let back: [[f64; 3]; 2] = m.into();
    assert_eq!(back, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
}

#[test]
fn from_column_builds_a_column_vector_and_to_column_reads_it_back() {
    let v: Vector<f64, 3> = Matrix::from_column([1.0, -2.0, 3.0]);
    assert_eq!(v.into_array(), [[1.0], [-2.0], [3.0]]);
    assert_eq!(v.to_column(), [1.0, -2.0, 3.0]);
}

#[test]
fn from_row_major_and_to_row_major_are_inverse() {
    let m = Matrix::<f64, 2, 3>::from_row_major([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    assert_eq!(m, m23());
    assert_eq!(m.to_row_major::<6>(), [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    // The same entries read as 3 × 2 are a different matrix.
    let t = Matrix::<f64, 3, 2>::from_row_major(m.to_row_major::<6>());
    assert_eq!(t.into_array(), [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
}

#[test]
fn try_from_slice_reads_row_major() {
    let m = Matrix::<f64, 2, 3>::try_from_slice(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
    assert_eq!(m, m23());
}

#[test]
fn try_from_slice_rejects_a_short_slice_saying_what_was_expected() {
    let err = Matrix::<f64, 2, 3>::try_from_slice(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap_err();
    assert_eq!(
        err,
        Error::Length {
            rows: 2,
            cols: 3,
            found: 5
        }
    );
    assert_eq!(
        err.to_string(),
        "a 2×3 matrix needs 6 elements, but the slice has 5"
    );
}

#[test]
fn try_from_slice_rejects_a_long_or_empty_slice() {
    let long = Matrix::<f32, 2, 2>::try_from_slice(&[0.0; 5]).unwrap_err();
    assert_eq!(
        long.to_string(),
        "a 2×2 matrix needs 4 elements, but the slice has 5"
    );
    let empty = Matrix::<f64, 1, 3>::try_from_slice(&[]).unwrap_err();
    assert_eq!(
        empty.to_string(),
        "a 1×3 matrix needs 3 elements, but the slice has 0"
    );
}

#[test]
fn write_to_slice_writes_row_major() {
    let mut out = [0.0; 6];
    m23().write_to_slice(&mut out).unwrap();
    assert_eq!(out, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
}

#[test]
fn write_to_slice_rejects_a_wrong_length_and_leaves_it_unchanged() {
    let mut short = [9.0; 5];
    let err = m23().write_to_slice(&mut short).unwrap_err();
    assert_eq!(
        err,
        Error::Length {
            rows: 2,
            cols: 3,
            found: 5
        }
    );
    assert_eq!(
        err.to_string(),
        "a 2×3 matrix needs 6 elements, but the slice has 5"
    );
    assert_eq!(short, [9.0; 5]);
    let mut long = [9.0; 7];
    let err = m23().write_to_slice(&mut long).unwrap_err();
    assert_eq!(
        err.to_string(),
        "a 2×3 matrix needs 6 elements, but the slice has 7"
    );
    assert_eq!(long, [9.0; 7]);
}

#[test]
fn diag_puts_a_column_on_the_diagonal_and_diagonal_reads_it_back() {
    let v = Matrix::from_column([1.0, 2.0, 3.0]);
    let d = v.diag();
    assert_eq!(
        d.into_array(),
        [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0]]
    );
    assert_eq!(d.diagonal(), v);
    // diag(v) u = v ⊙ u: the Jacobian of an elementwise function acts elementwise [L2.3].
    let u = Matrix::from_column([4.0, -5.0, 0.5]);
    assert_eq!(d * u, v.hadamard(&u));
    assert_eq!(d * u, Matrix::from_column([4.0, -10.0, 1.5]));
}

#[test]
fn trace_is_the_sum_of_the_diagonal() {
    let m = Matrix::from_rows([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 10.0]]);
    // 1 + 5 + 10; the anti-diagonal (3 + 5 + 7) and the first row (6) give other sums.
    assert_eq!(m.trace(), 16.0);
    assert_eq!(Matrix::<f64, 0, 0>::zeros().trace(), 0.0);
}

#[test]
fn default_is_zeros() {
    assert_eq!(Matrix::<f64, 3, 2>::default(), Matrix::zeros());
    assert_eq!(Matrix::<f32, 1, 1>::default().into_array(), [[0.0]]);
}

#[test]
fn rows_and_cols_constants_are_the_shape() {
    assert_eq!(Matrix::<f64, 2, 3>::ROWS, 2);
    assert_eq!(Matrix::<f64, 2, 3>::COLS, 3);
    assert_eq!(Vector::<f32, 5>::ROWS, 5);
    assert_eq!(RowVector::<f32, 5>::ROWS, 1);
    assert_eq!(RowVector::<f32, 5>::COLS, 5);
}

// ---------------------------------------------------------------------------------------
// Access
// ---------------------------------------------------------------------------------------

#[test]
fn get_returns_the_entry_in_range_and_none_outside() {
    let m = m23();
    assert_eq!(m.get(0, 0), Some(&1.0));
    assert_eq!(m.get(1, 2), Some(&6.0));
    assert_eq!(m.get(2, 0), None);
    assert_eq!(m.get(0, 3), None);
    assert_eq!(m.get(usize::MAX, usize::MAX), None);
    assert_eq!(Matrix::<f64, 0, 3>::zeros().get(0, 0), None);
}

#[test]
fn get_mut_writes_in_range_and_is_none_outside() {
    let mut m = m23();
    *m.get_mut(1, 1).unwrap() = -5.0;
    assert_eq!(m[(1, 1)], -5.0);
    assert!(m.get_mut(1, 3).is_none());
    assert!(m.get_mut(2, 1).is_none());
}

#[test]
fn index_mut_writes_one_entry() {
    let mut m = m23();
    m[(0, 1)] = 20.0;
    assert_eq!(m.into_array(), [[1.0, 20.0, 3.0], [4.0, 5.0, 6.0]]);
}

#[test]
#[should_panic(expected = "index out of bounds")]
fn index_panics_for_a_row_out_of_range() {
    let _ = m23()[(2, 0)];
}

#[test]
#[should_panic(expected = "index out of bounds")]
fn index_panics_for_a_column_out_of_range() {
    let _ = m23()[(0, 3)];
}

#[test]
#[should_panic(expected = "index out of bounds")]
fn index_mut_panics_out_of_range() {
    let mut m = m23();
    m[(0, 3)] = 1.0;
}

#[test]
fn row_and_column_extract_a_row_vector_and_a_column_vector() {
    let m = m23();
    assert_eq!(m.row(1), Matrix::from_rows([[4.0, 5.0, 6.0]]));
    assert_eq!(m.column(2), Matrix::from_column([3.0, 6.0]));
    assert_eq!(m.column(0), Matrix::from_column([1.0, 4.0]));
}

#[test]
#[should_panic(expected = "index out of bounds")]
fn row_panics_out_of_range() {
    let _ = m23().row(2);
}

#[test]
#[should_panic(expected = "index out of bounds")]
fn column_panics_out_of_range() {
    let _ = m23().column(3);
}

#[test]
fn set_column_replaces_one_column_only() {
    let mut m = m23();
    m.set_column(2, &Matrix::from_column([-1.0, -2.0]));
    assert_eq!(m.into_array(), [[1.0, 2.0, -1.0], [4.0, 5.0, -2.0]]);
    m.set_column(0, &Matrix::from_column([10.0, 20.0]));
    assert_eq!(m.into_array(), [[10.0, 2.0, -1.0], [20.0, 5.0, -2.0]]);
}

#[test]
#[should_panic(expected = "index out of bounds")]
fn set_column_panics_out_of_range() {
    m23().set_column(3, &Matrix::zeros());
}

/// `set_columns` against `set_column` one column at a time, for `R` rows: below one
/// band of 16, exactly one, and bands with a remainder.
fn check_set_columns<const R: usize, const C: usize>() {
    let values: Vec<Vec<f64>> = (0..C)
        .map(|j| (0..R).map(|r| (100 * j + r) as f64).collect())
        .collect();
    let columns: [&[f64]; C] = core::array::from_fn(|j| values[j].as_slice());
    let mut by_columns = Matrix::<f64, R, C>::filled(-1.0);
    by_columns.set_columns(&columns).unwrap();
    let mut one_by_one = Matrix::<f64, R, C>::filled(-1.0);
    for (j, column) in values.iter().enumerate() {
        let v: Vector<f64, R> = Matrix::try_from_slice(column).unwrap();
        one_by_one.set_column(j, &v);
    }
    assert_eq!(by_columns, one_by_one, "{R}x{C}");
    assert_eq!(by_columns[(R - 1, C - 1)], (100 * (C - 1) + R - 1) as f64);
}

#[test]
fn set_columns_writes_column_j_from_slice_j_for_every_band_and_remainder() {
    check_set_columns::<3, 2>();
    check_set_columns::<16, 5>();
    check_set_columns::<37, 3>();
    check_set_columns::<784, 4>();
}

#[test]
fn set_columns_refuses_a_slice_of_the_wrong_length_naming_it_and_writes_nothing() {
    let mut m = m23();
    let (a, short, c) = ([0.0, 0.0], [7.0], [0.0, 0.0]);
    let err = m.set_columns(&[&a, &short, &c]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "column 1 of a 2×3 matrix needs 2 values, but its slice has 1"
    );
    assert_eq!(m, m23(), "nothing written");
}

#[test]
fn iter_visits_entries_row_major_with_exact_length() {
    let m = m23();
    let entries: Vec<f64> = m.iter().copied().collect();
    assert_eq!(entries, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    assert_eq!(m.iter().len(), 6);
    let reversed: Vec<f64> = m.iter().rev().copied().collect();
    assert_eq!(reversed, [6.0, 5.0, 4.0, 3.0, 2.0, 1.0]);
    assert_eq!(Matrix::<f64, 0, 4>::zeros().iter().len(), 0);
}

#[test]
fn iter_mut_changes_entries_in_place() {
    let mut m = m23();
    for (k, v) in m.iter_mut().enumerate() {
        *v *= k as f64; // entry k (row-major) times k
    }
    assert_eq!(m.into_array(), [[0.0, 2.0, 6.0], [12.0, 20.0, 30.0]]);
}

#[test]
fn rows_yields_each_row_as_an_array() {
    let rows: Vec<[f64; 3]> = m23().rows().copied().collect();
    assert_eq!(rows, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
}

#[test]
fn array_and_slice_views_share_the_storage() {
    let mut m = m23();
    assert_eq!(m.as_array(), &[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    assert_eq!(m.as_slice(), &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    m.as_mut_array()[1][0] = 40.0;
    m.as_mut_slice()[2] = 30.0; // row 0, column 2
    assert_eq!(m.into_array(), [[1.0, 2.0, 30.0], [40.0, 5.0, 6.0]]);
}

// ---------------------------------------------------------------------------------------
// Formatting and comparison
// ---------------------------------------------------------------------------------------

#[test]
fn display_right_aligns_each_column_to_its_widest_entry() {
    let m = Matrix::from_rows([[1.0, -2.5], [10.0, 0.25]]);
    // Column 0 holds "1" and "10" (width 2); column 1 "-2.5" and "0.25" (width 4).
    assert_eq!(m.to_string(), "[  1 -2.5 ]\n[ 10 0.25 ]");
}

#[test]
fn display_applies_a_precision_to_every_entry() {
    let m = Matrix::from_rows([[1.0, -2.5], [10.0, 0.3]]);
    // "1.00", "10.00" (width 5); "-2.50", "0.30" (width 5).
    assert_eq!(format!("{m:.2}"), "[  1.00 -2.50 ]\n[ 10.00  0.30 ]");
    // Precision 0 is a precision too (not "none"): 1.25 → "1", −2.75 → "-3".
    let r = Matrix::from_rows([[1.25, -2.75]]);
    assert_eq!(format!("{r:.0}"), "[ 1 -3 ]");
}

#[test]
fn display_of_a_column_vector_non_finite_entries_and_f32() {
    let v = Matrix::from_column([1.5f32, -20.0, 300.0]);
    assert_eq!(v.to_string(), "[ 1.5 ]\n[ -20 ]\n[ 300 ]");
    let m = Matrix::from_rows([[f64::NAN, f64::INFINITY, f64::NEG_INFINITY]]);
    assert_eq!(m.to_string(), "[ NaN inf -inf ]");
}

#[test]
fn display_of_shapes_with_a_zero_dimension() {
    assert_eq!(Matrix::<f64, 0, 3>::zeros().to_string(), "");
    assert_eq!(Matrix::<f64, 2, 0>::zeros().to_string(), "[ ]\n[ ]");
}

#[test]
fn debug_names_the_type_and_shape_then_lists_rows() {
    let m = Matrix::from_rows([[1.0, 2.0], [3.0, 4.5]]);
    assert_eq!(
        format!("{m:?}"),
        "Matrix<f64, 2, 2>[[1.0, 2.0], [3.0, 4.5]]"
    );
    let v = Matrix::from_column([0.5f32, -1.0]);
    assert_eq!(format!("{v:?}"), "Matrix<f32, 2, 1>[[0.5], [-1.0]]");
}

#[test]
fn equality_is_entrywise_and_follows_ieee() {
    assert_eq!(m23(), m23());
    let mut other = m23();
    other[(1, 2)] = 6.5;
    assert_ne!(m23(), other);
    // IEEE: −0 == +0, and NaN equals nothing, not even itself.
    assert_eq!(Matrix::from_rows([[-0.0]]), Matrix::from_rows([[0.0]]));
    let nan = Matrix::from_rows([[f64::NAN]]);
    assert_ne!(nan, nan);
}

// ---------------------------------------------------------------------------------------
// Operators
// ---------------------------------------------------------------------------------------

#[test]
fn addition_subtraction_and_negation_are_elementwise() {
    let a = m23();
    let b = Matrix::from_rows([[0.5, -1.0, 2.0], [0.0, 10.0, -6.0]]);
    assert_eq!((a + b).into_array(), [[1.5, 1.0, 5.0], [4.0, 15.0, 0.0]]);
    assert_eq!((a - b).into_array(), [[0.5, 3.0, 1.0], [4.0, -5.0, 12.0]]);
    assert_eq!((-a).into_array(), [[-1.0, -2.0, -3.0], [-4.0, -5.0, -6.0]]);
    // Negation flips the sign bit, so −(+0) is −0 (not 0 − 0 = +0).
    assert!((-Matrix::<f64, 1, 1>::zeros())[(0, 0)].is_sign_negative());
}

#[test]
fn scalar_multiplication_works_on_either_side_and_division_divides() {
    let a = m23();
    let doubled = [[2.0, 4.0, 6.0], [8.0, 10.0, 12.0]];
    assert_eq!((a * 2.0).into_array(), doubled);
    assert_eq!((2.0 * a).into_array(), doubled);
    assert_eq!(
        (a / 4.0).into_array(),
        [[0.25, 0.5, 0.75], [1.0, 1.25, 1.5]]
    );
    let f = Matrix::from_rows([[1.0f32, -3.0]]);
    assert_eq!((2.0f32 * f).into_array(), [[2.0, -6.0]]);
    assert_eq!((f * 2.0f32).into_array(), [[2.0, -6.0]]);
    assert_eq!((f / 2.0f32).into_array(), [[0.5, -1.5]]);
}

#[test]
fn assign_operators_match_their_binary_forms() {
    let a = m23();
    let b = Matrix::from_rows([[0.5, -1.0, 2.0], [0.0, 10.0, -6.0]]);
    let mut m = a;
    m += b;
    assert_eq!(m, a + b);
    let mut m = a;
    m -= b;
    assert_eq!(m, a - b);
    let mut m = a;
    m *= -3.0;
    assert_eq!(m.into_array(), [[-3.0, -6.0, -9.0], [-12.0, -15.0, -18.0]]);
    let mut m = a;
    m /= 2.0;
    assert_eq!(m.into_array(), [[0.5, 1.0, 1.5], [2.0, 2.5, 3.0]]);
}

#[test]
fn division_divides_each_entry_rather_than_multiplying_by_a_reciprocal() {
    // 0.3 / 0.1 rounds to 2.9999999999999996, while 1 / 0.1 rounds to 10 and 0.3 · 10
    // to 3: `/` must divide, as its doc says, so results match dividing each entry.
    let m = Matrix::from_rows([[0.3, 3.0, 7.0]]);
    let expected = [[0.3 / 0.1, 3.0 / 0.1, 7.0 / 0.1]];
    assert_eq!(expected[0][0], 2.9999999999999996);
    assert_eq!((m / 0.1).into_array(), expected);
    let mut n = m;
    n /= 0.1;
    assert_eq!(n.into_array(), expected);
}

#[test]
fn division_by_zero_follows_ieee() {
    let m = Matrix::from_rows([[1.0, -1.0, 0.0]]) / 0.0;
    assert_eq!(m[(0, 0)], f64::INFINITY);
    assert_eq!(m[(0, 1)], f64::NEG_INFINITY);
    assert!(m[(0, 2)].is_nan());
    assert!(!m.is_finite());
}

#[test]
fn matrix_product_by_value_and_by_reference() {
    // [1 2 3; 4 5 6] [7 8; 9 10; 11 12]:
    // (0,0) = 7 + 18 + 33 = 58, (0,1) = 8 + 20 + 36 = 64,
    // (1,0) = 28 + 45 + 66 = 139, (1,1) = 32 + 50 + 72 = 154.
    let a = m23();
    let b = Matrix::from_rows([[7.0, 8.0], [9.0, 10.0], [11.0, 12.0]]);
    let expected = [[58.0, 64.0], [139.0, 154.0]];
    assert_eq!((a * b).into_array(), expected);
    // The by-reference form on purpose, although `Matrix` is `Copy`.
    #[allow(clippy::op_ref)]
    let by_reference = &a * &b;
    assert_eq!(by_reference.into_array(), expected);
    let mut out = Matrix::filled(99.0); // overwritten, not accumulated into
    a.mul_to(&b, &mut out);
    assert_eq!(out.into_array(), expected);
}

#[test]
fn tr_mul_and_mul_tr_on_a_hand_example() {
    let a = m23();
    // Aᵀ A: (i, j) = column i · column j; columns (1,4), (2,5), (3,6).
    assert_eq!(
        a.tr_mul(&a).into_array(),
        [[17.0, 22.0, 27.0], [22.0, 29.0, 36.0], [27.0, 36.0, 45.0]]
    );
    // A Aᵀ: (i, j) = row i · row j; rows (1,2,3), (4,5,6).
    assert_eq!(a.mul_tr(&a).into_array(), [[14.0, 32.0], [32.0, 77.0]]);
}

#[test]
fn add_scaled_adds_alpha_times_rhs_in_place() {
    let mut w = m23();
    w.add_scaled(-0.5, &Matrix::filled(2.0)); // W := W − 0.5 · 2
    assert_eq!(w.into_array(), [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]);
}

// ---------------------------------------------------------------------------------------
// Structure and reductions
// ---------------------------------------------------------------------------------------

#[test]
fn transpose_swaps_rows_and_columns() {
    assert_eq!(
        m23().transpose().into_array(),
        [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]
    );
}

#[test]
fn hadamard_dot_and_norm_on_a_hand_example() {
    let a = m23();
    let b = Matrix::from_rows([[2.0, 0.0, -1.0], [0.5, 1.0, 0.0]]);
    assert_eq!(
        a.hadamard(&b).into_array(),
        [[2.0, 0.0, -3.0], [2.0, 5.0, 0.0]]
    );
    assert_eq!(a.dot(&b), 6.0); // 2 + 0 − 3 + 2 + 5 + 0
    assert_eq!(Matrix::from_rows([[3.0, 4.0]]).norm(), 5.0);
    assert_eq!(a.norm(), 91.0f64.sqrt()); // 1 + 4 + 9 + 16 + 25 + 36
}

#[test]
fn outer_product_on_a_hand_example() {
    let u = Matrix::from_column([1.0, 2.0]);
    let v = Matrix::from_column([3.0, 4.0, 5.0]);
    assert_eq!(
        Matrix::outer(&u, &v).into_array(),
        [[3.0, 4.0, 5.0], [6.0, 8.0, 10.0]]
    );
}

#[test]
fn kron_on_a_hand_computed_example() {
    // [1 2; 3 4] ⊗ [0 5; 6 7]: block (i, j) is A[i, j] · B.
    let a = Matrix::from_rows([[1.0, 2.0], [3.0, 4.0]]);
    let b = Matrix::from_rows([[0.0, 5.0], [6.0, 7.0]]);
    let k: Matrix<f64, 4, 4> = a.kron(&b);
    assert_eq!(
        k.into_array(),
        [
            [0.0, 5.0, 0.0, 10.0],
            [6.0, 7.0, 12.0, 14.0],
            [0.0, 15.0, 0.0, 20.0],
            [18.0, 21.0, 24.0, 28.0],
        ]
    );
    // Non-square factors: a 1 × 3 row times a 2 × 1 column gives 2 × 3.
    let row = Matrix::from_rows([[1.0, 2.0, 3.0]]);
    let col = Matrix::from_column([1.0, 10.0]);
    let k: Matrix<f64, 2, 3> = row.kron(&col);
    assert_eq!(k.into_array(), [[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]]);
    // I₂ ⊗ aᵀ, the shape of ∂z/∂W [L2.5]: aᵀ in the columns of each row of W.
    let a_t = Matrix::from_rows([[7.0, 8.0]]);
    let d: Matrix<f64, 2, 4> = Matrix::<f64, 2, 2>::identity().kron(&a_t);
    assert_eq!(d.into_array(), [[7.0, 8.0, 0.0, 0.0], [0.0, 0.0, 7.0, 8.0]]);
}

#[test]
fn vec_stacks_rows_and_reshape_keeps_row_major_order() {
    let a = m23();
    let row: RowVector<f64, 6> = a.vec_row();
    assert_eq!(row.into_array(), [[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]]);
    let column: Vector<f64, 6> = a.vec_column();
    assert_eq!(column.to_column(), [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    let r: Matrix<f64, 3, 2> = a.reshape();
    assert_eq!(r.into_array(), [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
}

#[test]
fn map_and_zip_map_apply_a_function_entrywise() {
    let a = m23();
    assert_eq!(
        a.map(|v| v * v).into_array(),
        [[1.0, 4.0, 9.0], [16.0, 25.0, 36.0]]
    );
    let b = Matrix::filled(10.0);
    assert_eq!(
        a.zip_map(&b, |x, y| y - x).into_array(),
        [[9.0, 8.0, 7.0], [6.0, 5.0, 4.0]]
    );
}

#[test]
fn sums_of_entries_rows_and_columns() {
    let a = m23();
    assert_eq!(a.sum(), 21.0);
    assert_eq!(a.row_sums(), Matrix::from_column([6.0, 15.0]));
    assert_eq!(a.column_sums(), Matrix::from_rows([[5.0, 7.0, 9.0]]));
}

#[test]
fn max_abs_diff_is_the_largest_entrywise_distance() {
    let a = m23();
    let b = Matrix::from_rows([[1.0, 2.5, 3.0], [1.0, 5.0, 6.0]]);
    assert_eq!(a.max_abs_diff(&b), 3.0); // |4 − 1|
    assert_eq!(b.max_abs_diff(&a), 3.0);
    assert_eq!(a.max_abs_diff(&a), 0.0);
    assert_eq!(
        Matrix::<f64, 0, 2>::zeros().max_abs_diff(&Matrix::zeros()),
        0.0
    );
}

#[test]
fn max_abs_diff_is_nan_when_an_entry_is_nan_so_tolerance_checks_fail() {
    let a = Matrix::from_rows([[1.0, f64::NAN, 1.0]]);
    let b = Matrix::from_rows([[5.0, 0.0, 1.0]]);
    assert!(a.max_abs_diff(&b).is_nan());
    assert!(b.max_abs_diff(&a).is_nan());
    // ∞ − ∞ is NaN too; ∞ against a finite value is ∞.
    let inf = Matrix::from_rows([[f64::INFINITY]]);
    assert!(inf.max_abs_diff(&inf).is_nan());
    assert_eq!(inf.max_abs_diff(&Matrix::zeros()), f64::INFINITY);
}

// ---------------------------------------------------------------------------------------
// max, argmax, is_finite
// ---------------------------------------------------------------------------------------

#[test]
fn argmax_finds_the_largest_entry() {
    let m = Matrix::from_rows([[1.0, -5.0, 2.0], [0.0, 7.5, 3.0]]);
    assert_eq!(m.argmax(), Some((1, 1)));
    assert_eq!(m.max(), Some(7.5));
    let v = Matrix::from_column([-3.0, -1.0, -2.0]);
    assert_eq!(v.argmax(), Some((1, 0)));
    assert_eq!(v.max(), Some(-1.0));
}

#[test]
fn argmax_on_ties_returns_the_first_in_row_major_order() {
    let m = Matrix::from_rows([[1.0, 5.0], [5.0, 5.0]]);
    assert_eq!(m.argmax(), Some((0, 1)));
    assert_eq!(m.max(), Some(5.0));
    // −0 and +0 compare equal, so the first wins.
    assert_eq!(Matrix::from_rows([[-0.0, 0.0]]).argmax(), Some((0, 0)));
}

#[test]
fn argmax_skips_nan_entries_wherever_they_are() {
    let first = Matrix::from_rows([[f64::NAN, 1.0], [3.0, 2.0]]);
    assert_eq!(first.argmax(), Some((1, 0)));
    assert_eq!(first.max(), Some(3.0));
    let after = Matrix::from_rows([[1.0, f64::NAN, 0.5]]);
    assert_eq!(after.argmax(), Some((0, 0)));
    assert_eq!(after.max(), Some(1.0));
}

#[test]
fn argmax_is_none_when_every_entry_is_nan_or_there_are_none() {
    let all_nan = Matrix::<f64, 2, 2>::filled(f64::NAN);
    assert_eq!(all_nan.argmax(), None);
    assert_eq!(all_nan.max(), None);
    assert_eq!(Matrix::<f64, 0, 3>::zeros().argmax(), None);
    assert_eq!(Matrix::<f64, 3, 0>::zeros().max(), None);
}

#[test]
fn argmax_handles_infinities_and_a_single_entry() {
    let m = Matrix::from_rows([[f64::NEG_INFINITY, f64::INFINITY, 1e300]]);
    assert_eq!(m.argmax(), Some((0, 1)));
    let all_neg_inf = Matrix::<f32, 1, 3>::filled(f32::NEG_INFINITY);
    assert_eq!(all_neg_inf.argmax(), Some((0, 0)));
    assert_eq!(all_neg_inf.max(), Some(f32::NEG_INFINITY));
    assert_eq!(Matrix::from_rows([[-2.0]]).argmax(), Some((0, 0)));
}

#[test]
fn is_finite_is_false_for_nan_and_infinities_only() {
    assert!(m23().is_finite());
    assert!(Matrix::from_rows([[f64::MAX, f64::MIN, f64::MIN_POSITIVE]]).is_finite());
    let mut m = m23();
    m[(1, 2)] = f64::NAN;
    assert!(!m.is_finite());
    m[(1, 2)] = f64::INFINITY;
    assert!(!m.is_finite());
    m[(1, 2)] = f64::NEG_INFINITY;
    assert!(!m.is_finite());
    assert!(Matrix::<f64, 0, 0>::zeros().is_finite()); // no entry is non-finite
}

// ---------------------------------------------------------------------------------------
// Shapes with a zero dimension
// ---------------------------------------------------------------------------------------

#[test]
fn zero_sized_shapes_are_empty_and_their_reductions_are_zero() {
    let a = Matrix::<f64, 0, 3>::ones();
    assert_eq!(a.sum(), 0.0);
    assert_eq!(a.norm(), 0.0);
    assert_eq!(a.column_sums(), Matrix::zeros());
    assert_eq!(a.as_slice(), &[] as &[f64]);
    let t: Matrix<f64, 3, 0> = a.transpose();
    assert_eq!(t.row_sums(), Matrix::zeros());
    assert!(Matrix::<f64, 0, 3>::try_from_slice(&[]).is_ok());
    let err = Matrix::<f64, 0, 3>::try_from_slice(&[1.0]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "a 0×3 matrix needs 0 elements, but the slice has 1"
    );
}

#[test]
fn product_over_an_empty_inner_dimension_is_zero() {
    // (AB)[i, j] = Σ over no k = 0, even when the outer factors are all ones.
    let a = Matrix::<f64, 2, 0>::ones();
    let b = Matrix::<f64, 0, 3>::ones();
    assert_eq!((a * b).into_array(), [[0.0; 3]; 2]);
    let mut out = Matrix::<f64, 2, 3>::filled(7.0);
    a.mul_to(&b, &mut out);
    assert_eq!(out, Matrix::zeros());
    assert_eq!(a.mul_tr(&b.transpose()), Matrix::zeros());
    assert_eq!(a.transpose().tr_mul(&b), Matrix::zeros());
}
