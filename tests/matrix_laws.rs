//! The algebraic laws of [`Matrix`] that the derivation relies on, checked as proptest
//! properties over random matrices of several shapes (square and not, with 1-sized
//! dimensions): the products against their textbook definition, transposes of products [M3], associativity and distributivity of the
//! product, identities, the Hadamard product, the Kronecker product and row-major
//! vectorisation [M2, L2.5], the Frobenius norm, the fused products `tr_mul` / `mul_tr`
//! used by backward passes [S4], outer and dot products, row and column sums [S5], and
//! the cyclic property of the trace.
//!
//! Laws that involve no rounding (transposes, reshapes, products with `I` or `1`) are
//! checked for exact equality. Laws whose two sides round differently are checked
//! entrywise within `3 γₙ M̂`, the classical forward-error bound of a sum of products
//! (see `tests/common/mod.rs`): `n` is the number of roundings along any path and `M̂`
//! is the same expression evaluated on absolute values, e.g. `|A||B||C|`. Each property
//! states its `n` and `M̂`. The bound is relative to the magnitudes of the terms, so it
//! stays valid when entries cancel, and at about `n · 10⁻¹⁶` (f64) it is far tighter
//! than the error of any wrong index or missing term.
//!
//! Entries are uniform in `[-10, 10)`; 64 cases per property keep the suite fast in the
//! test profile (opt-level 1).

mod common;

use backprop::{Matrix, Scalar, Vector};
use common::strategies::{matrix, matrix_f32, vector};
use common::{abs, check_rounding, check_rounding_scalar};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

type Check = Result<(), TestCaseError>;

/// `(AB)ᵀ = BᵀAᵀ` for `A` (R × K), `B` (K × C).
///
/// Tolerance: each side is a sum of `K` products, so `n = K`, `M̂ = (|A||B|)ᵀ`.
fn transpose_of_product<T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: Matrix<T, R, K>,
    b: Matrix<T, K, C>,
) -> Check {
    let lhs = (a * b).transpose();
    let rhs = b.transpose() * a.transpose();
    let magnitude = (abs(&a) * abs(&b)).transpose();
    check_rounding(&lhs, &rhs, &magnitude, K, "(AB)ᵀ vs BᵀAᵀ")
}

/// `(ABC)ᵀ = CᵀBᵀAᵀ` [M3] for `A` (R × K1), `B` (K1 × K2), `C` (K2 × S).
///
/// Tolerance: a product of three has at most `K1 + K2` roundings along any path
/// (`γ_{K1} + γ_{K2} + γ_{K1}γ_{K2} ≤ γ_{K1+K2}`), so `n = K1 + K2`,
/// `M̂ = (|A||B||C|)ᵀ`. Rust evaluates `CᵀBᵀAᵀ` left to right, `(CᵀBᵀ)Aᵀ`, which is the
/// transpose of `A(BC)`, while the left side is `((AB)C)ᵀ`: the two sides really are
/// associated differently.
fn transpose_of_triple_product<
    T: Scalar,
    const R: usize,
    const K1: usize,
    const K2: usize,
    const S: usize,
>(
    a: Matrix<T, R, K1>,
    b: Matrix<T, K1, K2>,
    c: Matrix<T, K2, S>,
) -> Check {
    let lhs = (a * b * c).transpose();
    let rhs = c.transpose() * b.transpose() * a.transpose();
    let magnitude = (abs(&a) * abs(&b) * abs(&c)).transpose();
    check_rounding(&lhs, &rhs, &magnitude, K1 + K2, "(ABC)ᵀ vs CᵀBᵀAᵀ")
}

/// `(AB)C = A(BC)`. Tolerance as for the triple product: `n = K1 + K2`,
/// `M̂ = |A||B||C|`.
fn associativity<T: Scalar, const R: usize, const K1: usize, const K2: usize, const S: usize>(
    a: Matrix<T, R, K1>,
    b: Matrix<T, K1, K2>,
    c: Matrix<T, K2, S>,
) -> Check {
    let lhs = (a * b) * c;
    let rhs = a * (b * c);
    let magnitude = abs(&a) * abs(&b) * abs(&c);
    check_rounding(&lhs, &rhs, &magnitude, K1 + K2, "(AB)C vs A(BC)")
}

/// `A(B + C) = AB + AC` for `A` (R × K), `B`, `C` (K × S).
///
/// Tolerance: the left side rounds once in `B + C` and then `K` times in the product;
/// the right side `K` times in each product and once in the sum: `n = K + 1`,
/// `M̂ = |A|(|B| + |C|)`.
fn distributivity<const R: usize, const K: usize, const S: usize>(
    a: Matrix<f64, R, K>,
    b: Matrix<f64, K, S>,
    c: Matrix<f64, K, S>,
) -> Check {
    let lhs = a * (b + c);
    let rhs = a * b + a * c;
    let magnitude = abs(&a) * (abs(&b) + abs(&c));
    check_rounding(&lhs, &rhs, &magnitude, K + 1, "A(B + C) vs AB + AC")
}

/// `(A ⊗ B)(C ⊗ D) = AC ⊗ BD` for `A` (P × M), `C` (M × N), `B` (Q × S), `D` (S × U);
/// `PQ`, `MS`, `NU` are the products' sizes, which stable Rust makes us spell out.
///
/// Tolerance: every term of the left side's sum of `M·S` terms is
/// `fl(fl(a b) · fl(c d))`, so `n = M·S + 2`; the right side has `M + S + 1 ≤ M·S + 2`
/// roundings. `M̂ = |A||C| ⊗ |B||D|`.
#[allow(clippy::type_complexity)]
fn mixed_product<
    const P: usize,
    const M: usize,
    const N: usize,
    const Q: usize,
    const S: usize,
    const U: usize,
    const PQ: usize,
    const MS: usize,
    const NU: usize,
>(
    (a, b, c, d): (
        Matrix<f64, P, M>,
        Matrix<f64, Q, S>,
        Matrix<f64, M, N>,
        Matrix<f64, S, U>,
    ),
) -> Check {
    let a_kron_b: Matrix<f64, PQ, MS> = a.kron(&b);
    let c_kron_d: Matrix<f64, MS, NU> = c.kron(&d);
    let lhs = a_kron_b * c_kron_d;
    let rhs: Matrix<f64, PQ, NU> = (a * c).kron(&(b * d));
    let magnitude: Matrix<f64, PQ, NU> = (abs(&a) * abs(&c)).kron(&(abs(&b) * abs(&d)));
    check_rounding(
        &lhs,
        &rhs,
        &magnitude,
        M * S + 2,
        "(A ⊗ B)(C ⊗ D) vs AC ⊗ BD",
    )
}

/// `vec(A X B) = (A ⊗ Bᵀ) vec(X)` for `A` (P × M), `X` (M × N), `B` (N × Q), with
/// `vec` stacking the **rows** (the crate's `vec_column`, the derivation's convention
/// [M2]).
///
/// Why this form, and not the textbook `(Bᵀ ⊗ A) vec(X)`: row-major `vec` puts entry
/// `(i, j)` of a `P × Q` matrix at position `i·Q + j`. Row `i·Q + j` of `A ⊗ Bᵀ`,
/// column `k·N + l`, is `A[i, k] · Bᵀ[j, l] = A[i, k] · B[l, j]`, so row `i·Q + j` of
/// `(A ⊗ Bᵀ) vec(X)` is `Σₖ Σₗ A[i, k] X[k, l] B[l, j] = (AXB)[i, j]`, which is entry
/// `i·Q + j` of `vec(AXB)`. The textbook form belongs to column-major `vec` (columns
/// stacked); with rows stacked the two factors of the Kronecker product trade places
/// and `B` is transposed instead. `vec_identity_column_major_form_fails_for_row_major_vec`
/// shows that the textbook form really is wrong here.
///
/// Tolerance: the right side sums `M·N` terms `fl(a bᵀ) · x`, so `n = M·N + 1`; the left
/// side has `M + N ≤ M·N + 1` roundings. `M̂ = vec(|A||X||B|)`.
#[allow(clippy::type_complexity)]
fn vec_of_product<
    const P: usize,
    const M: usize,
    const N: usize,
    const Q: usize,
    const PQ: usize,
    const MN: usize,
>(
    (a, x, b): (Matrix<f64, P, M>, Matrix<f64, M, N>, Matrix<f64, N, Q>),
) -> Check {
    let lhs: Vector<f64, PQ> = (a * x * b).vec_column();
    let a_kron_bt: Matrix<f64, PQ, MN> = a.kron(&b.transpose());
    let rhs = a_kron_bt * x.vec_column::<MN>();
    let magnitude: Vector<f64, PQ> = (abs(&a) * abs(&x) * abs(&b)).vec_column();
    check_rounding(
        &lhs,
        &rhs,
        &magnitude,
        M * N + 1,
        "vec(AXB) vs (A ⊗ Bᵀ) vec(X)",
    )
}

/// `reshape(vec(A)) = A`, for the column and the row form of `vec`: exact, since no
/// arithmetic is done.
fn reshape_after_vec<const R: usize, const C: usize, const N: usize>(
    a: Matrix<f64, R, C>,
) -> Check {
    let column: Vector<f64, N> = a.vec_column();
    prop_assert_eq!(column.reshape::<R, C>(), a);
    let row = a.vec_row::<N>();
    prop_assert_eq!(row.reshape::<R, C>(), a);
    // And the two forms hold the same entries in the same order.
    prop_assert_eq!(row.transpose(), column);
    Ok(())
}

/// `‖A‖_F = sqrt(vec(A) · vec(A))`, the right side computed as the 1 × 1 matrix product
/// `vec_row(A) vec_column(A)` (the kernel, not `dot`).
///
/// Tolerance: a sum of `R·C` squares, then a square root, which adds one rounding and
/// halves the relative error of its argument: `n = R·C + 1`, `M̂ = ‖A‖_F` (every term is
/// non-negative, so the magnitude is the value itself).
fn frobenius_norm<const R: usize, const C: usize, const N: usize>(a: Matrix<f64, R, C>) -> Check {
    let norm = a.norm();
    let vec_dot_vec = (a.vec_row::<N>() * a.vec_column::<N>())[(0, 0)];
    check_rounding_scalar(
        norm,
        vec_dot_vec.sqrt(),
        norm,
        N + 1,
        "‖A‖_F vs sqrt(vec·vec)",
    )
}

/// `A.tr_mul(B) = Aᵀ B` for `A` (K × R), `B` (K × C). Tolerance: `n = K`, `M̂ = |A|ᵀ|B|`.
fn tr_mul_is_transpose_then_mul<const K: usize, const R: usize, const C: usize>(
    a: Matrix<f64, K, R>,
    b: Matrix<f64, K, C>,
) -> Check {
    let magnitude = abs(&a).transpose() * abs(&b);
    check_rounding(&a.tr_mul(&b), &(a.transpose() * b), &magnitude, K, "AᵀB")
}

/// `A.mul_tr(B) = A Bᵀ` for `A` (R × K), `B` (C × K). Tolerance: `n = K`, `M̂ = |A||B|ᵀ`.
fn mul_tr_is_mul_by_transpose<const R: usize, const K: usize, const C: usize>(
    a: Matrix<f64, R, K>,
    b: Matrix<f64, C, K>,
) -> Check {
    let magnitude = abs(&a) * abs(&b).transpose();
    check_rounding(&a.mul_tr(&b), &(a * b.transpose()), &magnitude, K, "ABᵀ")
}

/// `tr(AB) = tr(BA)` for `A` (M × N), `B` (N × M).
///
/// Tolerance: `tr(AB)` sums `M` diagonal entries each a sum of `N` products, and
/// `tr(BA)` sums `N` entries of `M` products: `n = M + N`, `M̂ = tr(|A||B|)`.
fn trace_is_cyclic<const M: usize, const N: usize>(
    a: Matrix<f64, M, N>,
    b: Matrix<f64, N, M>,
) -> Check {
    let magnitude = (abs(&a) * abs(&b)).trace();
    check_rounding_scalar(
        (a * b).trace(),
        (b * a).trace(),
        magnitude,
        M + N,
        "tr(AB) vs tr(BA)",
    )
}

/// Row sums are `A 1`, column sums are `1ᵀ A`, entry `i` of the row sums is the sum of
/// row `i`'s entries, and the sum of either is the sum of all entries.
///
/// Tolerance: `A 1` against `row_sums` is a sum of `C` products with 1, `n = C`,
/// `M̂ = |A| 1`; likewise `n = R` for columns. The totals round at most `R·C + R + C`
/// times along any path (a row sum then a sum of rows; or one sum of all entries),
/// with `M̂ = Σ |A|`.
fn row_and_column_sums<const R: usize, const C: usize>(a: Matrix<f64, R, C>) -> Check {
    let row_sums = a.row_sums();
    let column_sums = a.column_sums();
    let ones_c = Vector::<f64, C>::ones();
    let ones_r = Vector::<f64, R>::ones();
    check_rounding(
        &row_sums,
        &(a * ones_c),
        &(abs(&a) * ones_c),
        C,
        "row sums vs A 1",
    )?;
    let column_sums_by_product = ones_r.transpose() * a;
    let column_magnitude = ones_r.transpose() * abs(&a);
    check_rounding(
        &column_sums,
        &column_sums_by_product,
        &column_magnitude,
        R,
        "column sums",
    )?;
    for i in 0..R {
        let row_total: f64 = a.rows().nth(i).unwrap().iter().sum();
        let row_magnitude: f64 = a.rows().nth(i).unwrap().iter().map(|v| v.abs()).sum();
        check_rounding_scalar(row_sums[(i, 0)], row_total, row_magnitude, C, "a row sum")?;
    }
    for j in 0..C {
        let column_total: f64 = (0..R).map(|i| a[(i, j)]).sum();
        let column_magnitude: f64 = (0..R).map(|i| a[(i, j)].abs()).sum();
        let what = "a column sum";
        check_rounding_scalar(column_sums[(0, j)], column_total, column_magnitude, R, what)?;
    }
    let total = a.sum();
    let magnitude = abs(&a).sum();
    let n = R * C + R + C;
    check_rounding_scalar(
        row_sums.sum(),
        total,
        magnitude,
        n,
        "Σ row sums vs Σ entries",
    )?;
    check_rounding_scalar(
        column_sums.sum(),
        total,
        magnitude,
        n,
        "Σ column sums vs Σ entries",
    )
}

/// `Σₖ A[i, k] B[k, j]` by the textbook triple loop over indices, independent of the
/// crate's kernels.
fn naive_product<T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: &Matrix<T, R, K>,
    b: &Matrix<T, K, C>,
) -> Matrix<T, R, C> {
    Matrix::from_fn(|i, j| {
        let mut s = T::ZERO;
        for k in 0..K {
            s += a[(i, k)] * b[(k, j)];
        }
        s
    })
}

/// `A B`, `Aᵀ B` (`tr_mul`) and `A Bᵀ` (`mul_tr`) each equal the textbook sum
/// `Σₖ A[i, k] B[k, j]`, computed by [`naive_product`].
///
/// Tolerance: each side is a sum of `K` products, `n = K`, `M̂ = |A||B|` (also computed
/// naively). The shapes are chosen to reach every path of the blocked kernels: inner
/// sizes above and not a multiple of 8 (the 8 partial sums of `mul_tr`), output widths
/// above and not a multiple of the vector width, row counts that leave a remainder
/// after the register tiles.
fn product_by_definition<T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: Matrix<T, R, K>,
    b: Matrix<T, K, C>,
) -> Check {
    let expected = naive_product(&a, &b);
    let magnitude = naive_product(&abs(&a), &abs(&b));
    check_rounding(&(a * b), &expected, &magnitude, K, "AB vs Σₖ")?;
    let mut out = Matrix::filled(T::from_f64(f64::NAN));
    a.mul_to(&b, &mut out);
    check_rounding(&out, &expected, &magnitude, K, "mul_to vs Σₖ")?;
    let at = a.transpose();
    check_rounding(
        &at.tr_mul(&b),
        &expected,
        &magnitude,
        K,
        "(Aᵀ).tr_mul(B) vs Σₖ",
    )?;
    let bt = b.transpose();
    check_rounding(
        &a.mul_tr(&bt),
        &expected,
        &magnitude,
        K,
        "A.mul_tr(Bᵀ) vs Σₖ",
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// `AB`, `mul_to`, `tr_mul` and `mul_tr` agree with the definition
    /// `Σₖ A[i, k] B[k, j]` within `3 γ_K |A||B|`, over shapes that reach every branch of
    /// the blocked kernels, in f64 and f32.
    #[test]
    fn product_is_the_sum_of_products_by_definition(
        (a1, b1) in (matrix::<1, 1>(), matrix::<1, 1>()),
        (a2, b2) in (matrix::<3, 19>(), matrix::<19, 17>()),
        (a3, b3) in (matrix::<9, 33>(), matrix::<33, 10>()),
        (a4, b4) in (matrix::<13, 2>(), matrix::<2, 35>()),
        (a5, b5) in (matrix_f32::<5, 17>(), matrix_f32::<17, 18>()),
        (a6, b6) in (matrix_f32::<11, 40>(), matrix_f32::<40, 33>()),
        (a7, b7) in (matrix_f32::<2, 8>(), matrix_f32::<8, 67>()),
        (a8, b8) in (matrix_f32::<17, 1>(), matrix_f32::<1, 3>()),
    ) {
        product_by_definition(a1, b1)?;
        product_by_definition(a2, b2)?;
        product_by_definition(a3, b3)?;
        product_by_definition(a4, b4)?;
        product_by_definition(a5, b5)?;
        product_by_definition(a6, b6)?;
        product_by_definition(a7, b7)?;
        product_by_definition(a8, b8)?;
    }

    /// [M3]: `(AB)ᵀ = BᵀAᵀ` and `(ABC)ᵀ = CᵀBᵀAᵀ`, in f64 and f32.
    #[test]
    fn m3_transpose_of_product_is_product_of_transposes_reversed(
        (a1, b1) in (matrix::<4, 3>(), matrix::<3, 1>()),
        (a2, b2) in (matrix::<7, 5>(), matrix::<5, 3>()),
        (a3, b3) in (matrix::<1, 1>(), matrix::<1, 1>()),
        (a4, b4) in (matrix::<1, 6>(), matrix::<6, 2>()),
        (a5, b5, c5) in (matrix::<2, 3>(), matrix::<3, 4>(), matrix::<4, 1>()),
        (a6, b6, c6) in (matrix::<1, 5>(), matrix::<5, 5>(), matrix::<5, 7>()),
        (a7, b7, c7) in (matrix_f32::<4, 3>(), matrix_f32::<3, 2>(), matrix_f32::<2, 5>()),
    ) {
        transpose_of_product(a1, b1)?;
        transpose_of_product(a2, b2)?;
        transpose_of_product(a3, b3)?;
        transpose_of_product(a4, b4)?;
        transpose_of_product(a7, b7)?;
        transpose_of_triple_product(a5, b5, c5)?;
        transpose_of_triple_product(a6, b6, c6)?;
        transpose_of_triple_product(a7, b7, c7)?;
    }

    /// `(Aᵀ)ᵀ = A`, exactly.
    #[test]
    fn transpose_transpose_is_self(
        a in matrix::<4, 3>(),
        b in matrix::<1, 7>(),
        c in matrix::<5, 1>(),
        d in matrix::<1, 1>(),
        e in matrix_f32::<6, 6>(),
    ) {
        prop_assert_eq!(a.transpose().transpose(), a);
        prop_assert_eq!(b.transpose().transpose(), b);
        prop_assert_eq!(c.transpose().transpose(), c);
        prop_assert_eq!(d.transpose().transpose(), d);
        prop_assert_eq!(e.transpose().transpose(), e);
    }

    /// The transpose moves entry `(i, j)` to `(j, i)`, is linear, and turns a row
    /// vector into a column vector; all exact (no arithmetic is rounded differently:
    /// `(A + B)ᵀ` and `Aᵀ + Bᵀ` add the same pairs).
    #[test]
    fn transpose_swaps_indices_and_is_linear(
        (a, b) in (matrix::<4, 3>(), matrix::<4, 3>()),
        s in common::strategies::scalar(),
    ) {
        let t = a.transpose();
        for i in 0..4 {
            for j in 0..3 {
                prop_assert_eq!(t[(j, i)], a[(i, j)]);
            }
        }
        prop_assert_eq!((a + b).transpose(), a.transpose() + b.transpose());
        prop_assert_eq!((a * s).transpose(), a.transpose() * s);
    }

    /// `(AB)C = A(BC)` within `3 γ_{K1+K2} |A||B||C|`, in f64 and f32.
    #[test]
    fn product_is_associative(
        (a1, b1, c1) in (matrix::<4, 3>(), matrix::<3, 1>(), matrix::<1, 5>()),
        (a2, b2, c2) in (matrix::<7, 5>(), matrix::<5, 3>(), matrix::<3, 2>()),
        (a3, b3, c3) in (matrix::<1, 8>(), matrix::<8, 8>(), matrix::<8, 1>()),
        (a4, b4, c4) in (matrix_f32::<7, 5>(), matrix_f32::<5, 3>(), matrix_f32::<3, 2>()),
    ) {
        associativity(a1, b1, c1)?;
        associativity(a2, b2, c2)?;
        associativity(a3, b3, c3)?;
        associativity(a4, b4, c4)?;
    }

    /// `A(B + C) = AB + AC` within `3 γ_{K+1} |A|(|B| + |C|)`.
    #[test]
    fn product_distributes_over_sum(
        (a1, b1, c1) in (matrix::<4, 3>(), matrix::<3, 1>(), matrix::<3, 1>()),
        (a2, b2, c2) in (matrix::<7, 5>(), matrix::<5, 3>(), matrix::<5, 3>()),
        (a3, b3, c3) in (matrix::<1, 1>(), matrix::<1, 4>(), matrix::<1, 4>()),
    ) {
        distributivity(a1, b1, c1)?;
        distributivity(a2, b2, c2)?;
        distributivity(a3, b3, c3)?;
    }

    /// `I A = A = A I`, exactly: every product is with 1 or 0, both exact, and adding
    /// `±0` to a number leaves it unchanged. Both `identity()` and `IDENTITY`.
    #[test]
    fn identity_is_neutral_on_both_sides(
        a in matrix::<4, 3>(),
        b in matrix::<1, 6>(),
        c in matrix::<5, 5>(),
        d in matrix_f32::<3, 2>(),
    ) {
        prop_assert_eq!(Matrix::<f64, 4, 4>::identity() * a, a);
        prop_assert_eq!(a * Matrix::<f64, 3, 3>::identity(), a);
        prop_assert_eq!(Matrix::<f64, 4, 4>::IDENTITY * a, a);
        prop_assert_eq!(a * Matrix::<f64, 3, 3>::IDENTITY, a);
        prop_assert_eq!(Matrix::<f64, 1, 1>::identity() * b, b);
        prop_assert_eq!(b * Matrix::<f64, 6, 6>::identity(), b);
        prop_assert_eq!(Matrix::<f64, 5, 5>::identity() * c, c);
        prop_assert_eq!(c * Matrix::<f64, 5, 5>::IDENTITY, c);
        prop_assert_eq!(Matrix::<f32, 3, 3>::IDENTITY * d, d);
        prop_assert_eq!(d * Matrix::<f32, 2, 2>::identity(), d);
    }

    /// `A ⊙ B = B ⊙ A`, exactly (IEEE multiplication is commutative), and each entry is
    /// the product of the two entries; `A ⊙ 1 = A`.
    #[test]
    fn hadamard_is_commutative(
        (a, b) in (matrix::<4, 3>(), matrix::<4, 3>()),
        (c, d) in (matrix::<1, 5>(), matrix::<1, 5>()),
    ) {
        prop_assert_eq!(a.hadamard(&b), b.hadamard(&a));
        prop_assert_eq!(c.hadamard(&d), d.hadamard(&c));
        let h = a.hadamard(&b);
        for i in 0..4 {
            for j in 0..3 {
                prop_assert_eq!(h[(i, j)], a[(i, j)] * b[(i, j)]);
            }
        }
        prop_assert_eq!(a.hadamard(&Matrix::ones()), a);
    }

    /// `(A ⊗ B)(C ⊗ D) = AC ⊗ BD` within `3 γ_{MS+2} (|A||C| ⊗ |B||D|)`.
    #[test]
    fn kron_mixed_product_property(
        abcd1 in (matrix::<2, 3>(), matrix::<2, 2>(), matrix::<3, 2>(), matrix::<2, 1>()),
        abcd2 in (matrix::<1, 2>(), matrix::<3, 2>(), matrix::<2, 3>(), matrix::<2, 2>()),
        abcd3 in (matrix::<2, 2>(), matrix::<1, 1>(), matrix::<2, 2>(), matrix::<1, 3>()),
    ) {
        mixed_product::<2, 3, 2, 2, 2, 1, 4, 6, 2>(abcd1)?;
        mixed_product::<1, 2, 3, 3, 2, 2, 3, 4, 6>(abcd2)?;
        mixed_product::<2, 2, 2, 1, 1, 3, 2, 2, 6>(abcd3)?;
    }

    /// `(A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ`, exactly (the same products, moved), and
    /// `outer(u, v) = u ⊗ vᵀ`, exactly.
    #[test]
    fn kron_transpose_and_outer(
        (a, b) in (matrix::<2, 3>(), matrix::<3, 2>()),
        (u, v) in (vector::<4>(), vector::<3>()),
    ) {
        let k: Matrix<f64, 6, 6> = a.kron(&b);
        let kt: Matrix<f64, 6, 6> = a.transpose().kron(&b.transpose());
        prop_assert_eq!(k.transpose(), kt);
        let u_kron_vt: Matrix<f64, 4, 3> = u.kron(&v.transpose());
        prop_assert_eq!(Matrix::outer(&u, &v), u_kron_vt);
    }

    /// `vec(A X B) = (A ⊗ Bᵀ) vec(X)` with row-major `vec` (see `vec_of_product` for
    /// why), within `3 γ_{MN+1} vec(|A||X||B|)`.
    #[test]
    fn vec_of_product_is_kron_times_vec_row_major(
        axb1 in (matrix::<2, 3>(), matrix::<3, 2>(), matrix::<2, 4>()),
        axb2 in (matrix::<4, 3>(), matrix::<3, 1>(), matrix::<1, 2>()),
        axb3 in (matrix::<1, 2>(), matrix::<2, 2>(), matrix::<2, 1>()),
    ) {
        vec_of_product::<2, 3, 2, 4, 8, 6>(axb1)?;
        vec_of_product::<4, 3, 1, 2, 8, 3>(axb2)?;
        vec_of_product::<1, 2, 2, 1, 1, 4>(axb3)?;
    }

    /// `reshape(vec(A)) = A` exactly, for `vec_column` and `vec_row`.
    #[test]
    fn reshape_after_vec_is_identity(
        a in matrix::<4, 3>(),
        b in matrix::<1, 5>(),
        c in matrix::<7, 1>(),
        d in matrix::<2, 8>(),
    ) {
        reshape_after_vec::<4, 3, 12>(a)?;
        reshape_after_vec::<1, 5, 5>(b)?;
        reshape_after_vec::<7, 1, 7>(c)?;
        reshape_after_vec::<2, 8, 16>(d)?;
        // Reshaping to another shape and back is also the identity.
        prop_assert_eq!(a.reshape::<2, 6>().reshape::<4, 3>(), a);
        prop_assert_eq!(d.reshape::<4, 4>().reshape::<2, 8>(), d);
    }

    /// `‖A‖_F = sqrt(vec(A) · vec(A))` within `3 γ_{RC+1} ‖A‖_F`.
    #[test]
    fn frobenius_norm_is_sqrt_of_vec_dot_vec(
        a in matrix::<4, 3>(),
        b in matrix::<1, 1>(),
        c in matrix::<7, 5>(),
    ) {
        frobenius_norm::<4, 3, 12>(a)?;
        frobenius_norm::<1, 1, 1>(b)?;
        frobenius_norm::<7, 5, 35>(c)?;
        // And for one entry it is the absolute value, exactly.
        prop_assert_eq!(b.norm(), b[(0, 0)].abs());
    }

    /// `A.tr_mul(B) = Aᵀ B` within `3 γ_K |A|ᵀ|B|`.
    #[test]
    fn tr_mul_equals_transpose_then_mul(
        (a1, b1) in (matrix::<4, 3>(), matrix::<4, 1>()),
        (a2, b2) in (matrix::<7, 5>(), matrix::<7, 3>()),
        (a3, b3) in (matrix::<1, 6>(), matrix::<1, 2>()),
    ) {
        tr_mul_is_transpose_then_mul(a1, b1)?;
        tr_mul_is_transpose_then_mul(a2, b2)?;
        tr_mul_is_transpose_then_mul(a3, b3)?;
    }

    /// `A.mul_tr(B) = A Bᵀ` within `3 γ_K |A||B|ᵀ`.
    #[test]
    fn mul_tr_equals_mul_by_transpose(
        (a1, b1) in (matrix::<4, 3>(), matrix::<1, 3>()),
        (a2, b2) in (matrix::<7, 5>(), matrix::<3, 5>()),
        (a3, b3) in (matrix::<2, 1>(), matrix::<6, 1>()),
    ) {
        mul_tr_is_mul_by_transpose(a1, b1)?;
        mul_tr_is_mul_by_transpose(a2, b2)?;
        mul_tr_is_mul_by_transpose(a3, b3)?;
    }

    /// `outer(u, v) = u vᵀ`, exactly: each entry is one product, and the kernel adds it
    /// to zero.
    #[test]
    fn outer_is_u_times_v_transposed(
        (u1, v1) in (vector::<4>(), vector::<3>()),
        (u2, v2) in (vector::<1>(), vector::<5>()),
    ) {
        prop_assert_eq!(Matrix::outer(&u1, &v1), u1 * v1.transpose());
        prop_assert_eq!(Matrix::outer(&u2, &v2), u2 * v2.transpose());
        prop_assert_eq!(Matrix::outer(&u1, &v1), u1.mul_tr(&v1));
    }

    /// `u · v = (uᵀ v)[0, 0]` for column vectors, within `3 γ_N |u|·|v|`, with `uᵀ v`
    /// formed both as a product with the transpose and by `tr_mul`; and `dot` is
    /// symmetric, exactly.
    #[test]
    fn dot_of_columns_is_u_transposed_times_v(
        (u1, v1) in (vector::<4>(), vector::<4>()),
        (u2, v2) in (vector::<1>(), vector::<1>()),
        (u3, v3) in (vector::<9>(), vector::<9>()),
    ) {
        let m1 = abs(&u1).dot(&abs(&v1));
        check_rounding_scalar(u1.dot(&v1), (u1.transpose() * v1)[(0, 0)], m1, 4, "u·v")?;
        check_rounding_scalar(u1.dot(&v1), u1.tr_mul(&v1)[(0, 0)], m1, 4, "u·v")?;
        let m2 = abs(&u2).dot(&abs(&v2));
        check_rounding_scalar(u2.dot(&v2), (u2.transpose() * v2)[(0, 0)], m2, 1, "u·v")?;
        let m3 = abs(&u3).dot(&abs(&v3));
        check_rounding_scalar(u3.dot(&v3), (u3.transpose() * v3)[(0, 0)], m3, 9, "u·v")?;
        prop_assert_eq!(u3.dot(&v3), v3.dot(&u3));
    }

    /// `row_sums = A 1`, `column_sums = 1ᵀ A`, each entry the sum of its row or
    /// column, and both totals equal the sum of all entries.
    #[test]
    fn row_and_column_sums_agree_with_sums_of_entries(
        a in matrix::<4, 3>(),
        b in matrix::<1, 6>(),
        c in matrix::<7, 1>(),
        d in matrix::<7, 5>(),
    ) {
        row_and_column_sums(a)?;
        row_and_column_sums(b)?;
        row_and_column_sums(c)?;
        row_and_column_sums(d)?;
    }

    /// `tr(AB) = tr(BA)` within `3 γ_{M+N} tr(|A||B|)`, for square and non-square `A`.
    #[test]
    fn trace_of_ab_equals_trace_of_ba(
        (a1, b1) in (matrix::<3, 5>(), matrix::<5, 3>()),
        (a2, b2) in (matrix::<1, 4>(), matrix::<4, 1>()),
        (a3, b3) in (matrix::<4, 4>(), matrix::<4, 4>()),
    ) {
        trace_is_cyclic(a1, b1)?;
        trace_is_cyclic(a2, b2)?;
        trace_is_cyclic(a3, b3)?;
    }
}

/// The column-major textbook identity `vec(AXB) = (Bᵀ ⊗ A) vec(X)` does **not** hold
/// for the crate's row-major `vec`, while `(A ⊗ Bᵀ) vec(X)` does: the property test
/// above would catch a convention mix-up. Integer entries keep every value exact.
#[test]
fn vec_identity_column_major_form_fails_for_row_major_vec() {
    let a = Matrix::from_rows([[1.0, 2.0], [3.0, 4.0]]);
    let x = Matrix::from_rows([[1.0, -1.0], [0.0, 2.0]]);
    let b = Matrix::from_rows([[0.0, 1.0], [5.0, 1.0]]);
    let vec_axb: Vector<f64, 4> = (a * x * b).vec_column();
    // AX = [1 3; 3 5], (AX)B = [15 4; 25 8]: row-major vec is (15, 4, 25, 8).
    assert_eq!(vec_axb, Matrix::from_column([15.0, 4.0, 25.0, 8.0]));
    let row_major: Matrix<f64, 4, 4> = a.kron(&b.transpose());
    assert_eq!(row_major * x.vec_column::<4>(), vec_axb);
    let column_major: Matrix<f64, 4, 4> = b.transpose().kron(&a);
    assert_ne!(column_major * x.vec_column::<4>(), vec_axb);
}
