//! The loops behind every matrix product, written over plain arrays.
//!
//! [`Matrix`](crate::Matrix) and [`HeapMatrix`](crate::HeapMatrix) both call these, so the
//! stack and heap forms share one implementation. Loop orders are chosen so that the
//! innermost loop runs along a row of the output with no dependency between iterations,
//! which the compiler unrolls and vectorises for fixed sizes (no `unsafe` needed).

use crate::scalar::Scalar;

/// `out = A B` for `A` (R × K), `B` (K × C): `out[i] = Σₖ A[i][k] · B[k]`, row by row.
#[inline(always)]
pub(crate) fn matmul<T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: &[[T; K]; R],
    b: &[[T; C]; K],
    out: &mut [[T; C]; R],
) {
    for (out_row, a_row) in out.iter_mut().zip(a.iter()) {
        *out_row = [T::ZERO; C];
        for (a_ik, b_row) in a_row.iter().zip(b.iter()) {
            for (o, b_kj) in out_row.iter_mut().zip(b_row.iter()) {
                *o += *a_ik * *b_kj;
            }
        }
    }
}

/// `out = Aᵀ B` for `A` (K × R), `B` (K × C), without forming `Aᵀ`:
/// `out[i] = Σₖ A[k][i] · B[k]`. Backward's `∂J/∂a_prev = Wᵀ δ` is one [S4].
#[inline(always)]
pub(crate) fn tr_matmul<T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: &[[T; R]; K],
    b: &[[T; C]; K],
    out: &mut [[T; C]; R],
) {
    for row in out.iter_mut() {
        *row = [T::ZERO; C];
    }
    for (a_row, b_row) in a.iter().zip(b.iter()) {
        for (out_row, a_ki) in out.iter_mut().zip(a_row.iter()) {
            for (o, b_kj) in out_row.iter_mut().zip(b_row.iter()) {
                *o += *a_ki * *b_kj;
            }
        }
    }
}

/// `out = A Bᵀ` for `A` (R × K), `B` (C × K), without forming `Bᵀ`:
/// `out[i][j] = A[i] · B[j]`. Backward's `dW = δ a_prevᵀ` is one [S4, S5].
#[inline(always)]
pub(crate) fn matmul_tr<T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: &[[T; K]; R],
    b: &[[T; K]; C],
    out: &mut [[T; C]; R],
) {
    for (out_row, a_row) in out.iter_mut().zip(a.iter()) {
        for (o, b_row) in out_row.iter_mut().zip(b.iter()) {
            *o = dot(a_row, b_row);
        }
    }
}

/// `Σₖ a[k] b[k]`, summed in the order of `k`.
#[inline(always)]
pub(crate) fn dot<T: Scalar, const K: usize>(a: &[T; K], b: &[T; K]) -> T {
    let mut s = T::ZERO;
    for (x, y) in a.iter().zip(b.iter()) {
        s += *x * *y;
    }
    s
}
