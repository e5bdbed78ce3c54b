//! [`HeapMatrix`] handles matrices far larger than a thread's stack: each large test runs
//! in a thread with a 2 MiB stack (the default for test threads) and builds, multiplies,
//! transposes, clones and drops matrices of 4 MiB (1024 × 1024 `f32`) and 2 MiB
//! (512 × 512 `f64`), none of which would fit there. A stack overflow aborts the whole
//! test process, so these tests fail loudly if any step puts a matrix on the stack.
//!
//! Products are checked against closed forms, not against another product: the
//! matrices are chosen (a scaled permutation plus ones; a triangle of ones) so that
//! every entry of the product has a formula, and all entries are small integers, which
//! floating point represents and sums exactly, so every entry is compared with `==`.
//!
//! Timing: the full 1024³ product (about 10⁹ multiply-adds) takes about 0.5 s under
//! `cargo test` (test profile, opt-level 1) on the machine this was written on, so the
//! test multiplies two 1024 × 1024 matrices rather than a 1024 × 16 slice.
//!
//! Small sizes check the conversions to and from [`Matrix`] and the accessors.

mod common;

use backprop::{HeapMatrix, Matrix};
use common::strategies::matrix;
use proptest::prelude::*;

/// Runs `f` in a thread whose stack is 2 MiB, the size `cargo test` gives its threads,
/// and fails the test if `f` panicked there.
fn in_small_stack_thread(name: &str, f: impl FnOnce() + Send + 'static) {
    let handle = std::thread::Builder::new()
        .name(name.to_owned())
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .expect("spawning the test thread");
    assert!(
        handle.join().is_ok(),
        "{name}: the thread panicked (see its message above)"
    );
}

const N: usize = 1024;

/// The permutation `i ↦ (7 i + 3) mod 1024`: 7 is odd, hence invertible modulo 2¹⁰.
fn pi(i: usize) -> usize {
    (7 * i + 3) % N
}

/// Row `i` of `A` is `s(i) = i mod 5 + 1` at column `π(i)`, plus 1 everywhere.
fn scale(i: usize) -> i64 {
    (i % 5 + 1) as i64
}

/// `B[k, j] = (2k + 7j) mod 9 − 4`, integers in `[-4, 4]`.
fn b_entry(k: usize, j: usize) -> i64 {
    ((2 * k + 7 * j) % 9) as i64 - 4
}

#[test]
fn product_of_two_1024_square_f32_heap_matrices_is_exact_in_a_2_mib_thread() {
    in_small_stack_thread("heap 1024² f32", || {
        // A = S P + 1 1ᵀ (S = diag(s), P the permutation π), so
        // (AB)[i, j] = s(i) B[π(i), j] + Σₖ B[k, j].
        // Every partial sum is an integer of magnitude ≤ 1024·4 + 5·4 < 2²⁴, so f32
        // computes each one exactly, in any summation order.
        let a = HeapMatrix::<f32, N, N>::from_fn(|i, k| {
            let permuted = if k == pi(i) { scale(i) } else { 0 };
            (permuted + 1) as f32
        });
        let b = HeapMatrix::<f32, N, N>::from_fn(|k, j| b_entry(k, j) as f32);
        let c = &a * &b;

        // The column sums of B, in exact integer arithmetic.
        let column_sums: Vec<i64> = (0..N)
            .map(|j| (0..N).map(|k| b_entry(k, j)).sum())
            .collect();
        for i in 0..N {
            for j in 0..N {
                let expected = scale(i) * b_entry(pi(i), j) + column_sums[j];
                assert_eq!(c[(i, j)], expected as f32, "(AB)[{i}, {j}]");
            }
        }

        // Clone and transpose also stay off the stack.
        let a_clone = a.clone();
        assert!(a_clone == a);
        let at = a.transpose();
        for i in (0..N).step_by(37) {
            for k in 0..N {
                assert_eq!(at[(k, i)], a[(i, k)]);
            }
        }
        drop((a, b, c, a_clone, at));
    });
}

#[test]
fn product_of_two_512_square_f64_heap_matrices_is_exact_in_a_2_mib_thread() {
    const M: usize = 512;
    in_small_stack_thread("heap 512² f64", || {
        // U is upper-triangular ones (U[i, k] = 1 for k ≥ i) and B[k, j] = k + j, so
        // (UB)[i, j] = Σ_{k = i}^{M−1} (k + j) = (M − i) j + (M(M − 1) − i(i − 1)) / 2,
        // an integer below 2⁵³: exact in f64.
        let u = HeapMatrix::<f64, M, M>::from_fn(|i, k| if k >= i { 1.0 } else { 0.0 });
        let b = HeapMatrix::<f64, M, M>::from_fn(|k, j| (k + j) as f64);
        let c = &u * &b;
        for i in 0..M {
            for j in 0..M {
                let (i64_, j64, m) = (i as i64, j as i64, M as i64);
                let expected = (m - i64_) * j64 + (m * (m - 1) - i64_ * (i64_ - 1)) / 2;
                assert_eq!(c[(i, j)], expected as f64, "(UB)[{i}, {j}]");
            }
        }
        // mul_to overwrites whatever `out` held (here NaN, which would survive any
        // accumulation into it).
        let mut out = HeapMatrix::<f64, M, M>::filled(f64::NAN);
        u.mul_to(&b, &mut out);
        assert!(out == c, "mul_to and * differ");
        // Uᵀ is lower-triangular ones.
        let ut = u.transpose();
        for i in 0..M {
            for k in 0..M {
                assert_eq!(ut[(i, k)], if k <= i { 1.0 } else { 0.0 });
            }
        }
        assert_eq!(format!("{ut:?}"), "HeapMatrix<f64, 512, 512>");
        drop((u, b, c, out, ut));
    });
}

#[test]
fn a_non_square_product_and_transpose_have_the_right_shapes() {
    in_small_stack_thread("heap 1024×16", || {
        // A 1024 × 1024 times a 1024 × 16 slice, the shape of a weight matrix times a
        // batch: with A = I the product is B itself.
        let a = HeapMatrix::<f32, N, N>::from_fn(|i, k| if i == k { 1.0 } else { 0.0 });
        let b = HeapMatrix::<f32, N, 16>::from_fn(|k, j| b_entry(k, j) as f32);
        let c: HeapMatrix<f32, N, 16> = &a * &b;
        assert!(c == b);
        let bt: HeapMatrix<f32, 16, N> = b.transpose();
        assert_eq!(bt[(15, 1000)], b_entry(1000, 15) as f32);
    });
}

#[test]
fn from_matrix_and_to_matrix_round_trip_small_sizes() {
    let m = Matrix::from_rows([
        [1.0f32, 2.0, 3.0, 4.0],
        [5.0, 6.0, 7.0, 8.0],
        [9.0, 10.0, 11.0, 12.0],
    ]);
    let h = HeapMatrix::from_matrix(&m);
    assert_eq!(h.to_matrix(), m);
    assert_eq!(h.as_array(), m.as_array());
    assert_eq!(h[(2, 1)], 10.0);

    let one = Matrix::from_rows([[-0.5f64]]);
    assert_eq!(HeapMatrix::from_matrix(&one).to_matrix(), one);

    let empty = Matrix::<f64, 0, 2>::zeros();
    let h_empty = HeapMatrix::from_matrix(&empty);
    assert_eq!(h_empty.to_matrix(), empty);
    assert_eq!(h_empty.iter().len(), 0);
    let h_no_columns = HeapMatrix::<f64, 3, 0>::zeros();
    assert_eq!(h_no_columns.to_matrix(), Matrix::<f64, 3, 0>::zeros());
}

#[test]
fn constructors_and_accessors_on_a_small_heap_matrix() {
    let mut h = HeapMatrix::<f64, 2, 3>::from_fn(|i, j| (10 * i + j) as f64);
    assert_eq!(
        h.to_matrix(),
        Matrix::from_rows([[0.0, 1.0, 2.0], [10.0, 11.0, 12.0]])
    );
    assert_eq!(h.as_slice(), &[0.0, 1.0, 2.0, 10.0, 11.0, 12.0]);
    let entries: Vec<f64> = h.iter().copied().collect();
    assert_eq!(entries, [0.0, 1.0, 2.0, 10.0, 11.0, 12.0]);
    assert_eq!(h.get(1, 2), Some(&12.0));
    assert_eq!(h.get(2, 0), None);
    assert_eq!(h.get(0, 3), None);

    *h.get_mut(0, 0).unwrap() = -1.0;
    assert!(h.get_mut(2, 0).is_none());
    h[(1, 0)] = -10.0;
    h.as_mut_array()[0][1] = -2.0;
    h.as_mut_slice()[5] = -12.0;
    for v in h.iter_mut() {
        *v *= 2.0;
    }
    assert_eq!(
        h.to_matrix(),
        Matrix::from_rows([[-2.0, -4.0, 4.0], [-20.0, 22.0, -24.0]])
    );

    assert_eq!(
        HeapMatrix::<f32, 2, 2>::zeros().to_matrix(),
        Matrix::zeros()
    );
    assert_eq!(
        HeapMatrix::<f32, 2, 2>::filled(3.5).to_matrix(),
        Matrix::filled(3.5)
    );
    assert_eq!(
        format!("{:?}", HeapMatrix::<f32, 2, 2>::zeros()),
        "HeapMatrix<f32, 2, 2>"
    );
}

#[test]
#[should_panic(expected = "index out of bounds")]
fn heap_index_panics_out_of_range() {
    let h = HeapMatrix::<f64, 2, 3>::zeros();
    let _ = h[(0, 3)];
}

#[test]
#[should_panic(expected = "index out of bounds")]
fn heap_index_mut_panics_out_of_range() {
    let mut h = HeapMatrix::<f64, 2, 3>::zeros();
    h[(2, 0)] = 1.0;
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// For small sizes the heap product, `mul_to` and transpose agree with `Matrix`'s.
    /// Both call the same kernel; the tolerance `3 γ_K |A||B|` (see `tests/common`)
    /// keeps the test valid should the two ever sum in different orders.
    #[test]
    fn heap_product_and_transpose_agree_with_matrix(
        (a, b) in (matrix::<4, 3>(), matrix::<3, 5>()),
    ) {
        let (ha, hb) = (HeapMatrix::from_matrix(&a), HeapMatrix::from_matrix(&b));
        let magnitude = common::abs(&a) * common::abs(&b);
        common::check_rounding(&(&ha * &hb).to_matrix(), &(a * b), &magnitude, 3, "heap AB")?;
        let mut out = HeapMatrix::filled(f64::NAN);
        ha.mul_to(&hb, &mut out);
        common::check_rounding(&out.to_matrix(), &(a * b), &magnitude, 3, "heap mul_to")?;
        prop_assert_eq!(ha.transpose().to_matrix(), a.transpose());
    }
}
