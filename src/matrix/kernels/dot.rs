//! Dot products and sums: `A Bᵀ` as a tile of dot products, row sums, and the
//! reduction order that every target shares (see [`DOT_LANES`]).

use super::{ACC_REGS, DOT_LANES, VECTOR_BYTES, large};
use crate::scalar::Scalar;
use core::mem::size_of;

/// `out = A Bᵀ` for `A` (R × K), `B` (C × K), without forming `Bᵀ`:
/// `out[i][j] = A[i] · B[j]`. Backward's `dW = δ a_prevᵀ` is one [S4, S5].
///
/// Every entry is exactly [`dot`]`(A[i], B[j])`. From [`DOT_LANES`] columns on, the dot
/// products are computed a tile at a time (see [`dot_tile`]); below, one by one.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub(crate) fn matmul_tr<T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: &[[T; K]; R],
    b: &[[T; K]; C],
    out: &mut [[T; C]; R],
) {
    if const { large::<R, K, C>() } {
        return crate::simd::matmul_tr(a, b, out);
    }
    if const { K < DOT_LANES } {
        for (out_row, a_row) in out.iter_mut().zip(a.iter()) {
            for (o, b_row) in out_row.iter_mut().zip(b.iter()) {
                *o = dot(a_row, b_row);
            }
        }
        return;
    }
    dot_tiles(a, b, out);
}

/// [`matmul_tr`] from [`DOT_LANES`] columns on: tiles of dot products, compiled as a
/// function of its own. Inlined into a whole training step, LLVM allocated the tiles'
/// registers differently from one caller to the next (the same 4×64 · (3×64)ᵀ product
/// took 60 ns in one mini-batch step and three times that in another), and a call costs
/// a few nanoseconds against the hundreds of multiply-adds of such a product.
#[inline(never)]
fn dot_tiles<T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: &[[T; K]; R],
    b: &[[T; K]; C],
    out: &mut [[T; C]; R],
) {
    if const { regs_per_dot::<T>() == 1 } {
        // A dot product's 8 partial sums fill one register (f32 with AVX or AVX-512):
        // tiles of 2 rows of A by 4 rows of B, 8 accumulator registers.
        dot_rows::<T, R, K, C, 2, 4>(a, b, out);
    } else if const { ACC_REGS / regs_per_dot::<T>() >= 4 } {
        // Two or more registers per dot product (f32 and f64 with SSE2, f64 with AVX):
        // tiles are one row of B against several rows of A. With two rows of B, LLVM's
        // SLP vectoriser bundles the partial sums of different dot products into one
        // register, with a shuffle per multiply. 4 × 64 · (3 × 64)ᵀ in f32 with SSE2: 61 ns
        // in tiles of 4 rows of A, 82 ns one dot product at a time.
        dot_rows::<T, R, K, C, 4, 1>(a, b, out);
    } else {
        // f64 with SSE2: 4 registers per dot product, so 2 rows of A at a time.
        dot_rows::<T, R, K, C, 2, 1>(a, b, out);
    }
}

/// Vector registers that one dot product's [`DOT_LANES`] partial sums fill: 1 for `f32`
/// with AVX or AVX-512, 2 for `f32` with SSE2 and `f64` with AVX, 4 for `f64` with SSE2.
const fn regs_per_dot<T>() -> usize {
    (DOT_LANES * size_of::<T>()).div_ceil(VECTOR_BYTES)
}

/// Blocks of `MR` rows of [`matmul_tr`]'s output, then a block of 2 if `MR` is larger,
/// then the remaining rows one by one.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn dot_rows<
    T: Scalar,
    const R: usize,
    const K: usize,
    const C: usize,
    const MR: usize,
    const NC: usize,
>(
    a: &[[T; K]; R],
    b: &[[T; K]; C],
    out: &mut [[T; C]; R],
) {
    let mut i0 = 0;
    while i0 + MR <= R {
        dot_cols::<T, R, K, C, MR, NC>(a, b, out, i0);
        i0 += MR;
    }
    if const { MR > 2 } && i0 + 2 <= R {
        dot_cols::<T, R, K, C, 2, NC>(a, b, out, i0);
        i0 += 2;
    }
    while const { MR > 1 } && i0 < R {
        dot_cols::<T, R, K, C, 1, NC>(a, b, out, i0);
        i0 += 1;
    }
}

/// Blocks of `NC` columns in rows `i0 .. i0 + MR`, then the remaining columns one by
/// one (`NC` ≤ 4, so at most three).
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn dot_cols<
    T: Scalar,
    const R: usize,
    const K: usize,
    const C: usize,
    const MR: usize,
    const NC: usize,
>(
    a: &[[T; K]; R],
    b: &[[T; K]; C],
    out: &mut [[T; C]; R],
    i0: usize,
) {
    let mut j0 = 0;
    while j0 + NC <= C {
        dot_tile::<T, R, K, C, MR, NC>(a, b, out, i0, j0);
        j0 += NC;
    }
    while j0 < C {
        dot_tile::<T, R, K, C, MR, 1>(a, b, out, i0, j0);
        j0 += 1;
    }
}

/// The `MR × NC` dot products `A[i0 + r] · B[j0 + q]`, each kept as [`DOT_LANES`]
/// partial sums exactly as [`dot`] keeps them, then reduced as [`dot`] reduces them.
///
/// Why this is fast: the lane loop `l` is innermost, unrolled and one or two vector
/// operations; each loaded chunk of 8 entries of a row of `A` serves `NC` dot products
/// and each chunk of `B` serves `MR`, and the `MR · NC` chains of additions are
/// independent, so none waits for another.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn dot_tile<
    T: Scalar,
    const R: usize,
    const K: usize,
    const C: usize,
    const MR: usize,
    const NC: usize,
>(
    a: &[[T; K]; R],
    b: &[[T; K]; C],
    out: &mut [[T; C]; R],
    i0: usize,
    j0: usize,
) {
    let mut acc = [[[T::ZERO; DOT_LANES]; NC]; MR];
    let a_rows = &a[i0..i0 + MR];
    let b_rows = &b[j0..j0 + NC];
    let full = K / DOT_LANES * DOT_LANES;
    for k0 in (0..full).step_by(DOT_LANES) {
        for (acc_r, a_row) in acc.iter_mut().zip(a_rows) {
            let a8 = &a_row[k0..k0 + DOT_LANES];
            for (acc_rq, b_row) in acc_r.iter_mut().zip(b_rows) {
                let b8 = &b_row[k0..k0 + DOT_LANES];
                for ((s, x), y) in acc_rq.iter_mut().zip(a8).zip(b8) {
                    *s += *x * *y;
                }
            }
        }
    }
    // The last K mod 8 entries go to lanes 0, 1, … as in `dot`.
    for (acc_r, a_row) in acc.iter_mut().zip(a_rows) {
        for (acc_rq, b_row) in acc_r.iter_mut().zip(b_rows) {
            for ((s, x), y) in acc_rq.iter_mut().zip(&a_row[full..]).zip(&b_row[full..]) {
                *s += *x * *y;
            }
        }
    }
    for (out_row, acc_r) in out[i0..i0 + MR].iter_mut().zip(acc.iter()) {
        for (o, acc_rq) in out_row[j0..j0 + NC].iter_mut().zip(acc_r.iter()) {
            *o = reduce(*acc_rq);
        }
    }
}

/// `Σₖ a[k] b[k]`.
///
/// Below [`DOT_LANES`] entries, summed in the order of `k`. From [`DOT_LANES`] entries on,
/// entry `k` goes to partial sum `k mod 8` (each a serial sum in the order of `k`), and
/// the 8 partial sums are added as `((s₀+s₄) + (s₁+s₅)) + ((s₂+s₆) + (s₃+s₇))`.
/// Why this is fast: the 8 partial sums are independent, so the loop over a chunk of 8
/// is one or two vector multiply-adds per step instead of a chain of 8 dependent adds.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub(crate) fn dot<T: Scalar, const K: usize>(a: &[T; K], b: &[T; K]) -> T {
    sum_of_terms(a, b, |x, y| x * y)
}

/// `Σₖ a[k]`, with the partial sums and the reduction of [`dot`], so that a long row is
/// not one chain of dependent additions. `Matrix::sum` uses it, and [`row_sums`] (the
/// `Σ_columns δ` of `db` [S5]) gives each row's sum exactly as it does.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub(crate) fn sum<T: Scalar, const K: usize>(a: &[T; K]) -> T {
    sum_of_terms(a, a, |x, _| x)
}

/// `out[i] = Σₖ A[i][k]`, each exactly [`sum`]`(A[i])`. From [`DOT_LANES`] columns on,
/// in tiles of rows, in a function of its own: summed one row at a time, LLVM
/// vectorised across the rows instead (one vector per column, gathered from four rows),
/// and 4 × 64 in f32 took 32 ns instead of 20.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub(crate) fn row_sums<T: Scalar, const R: usize, const K: usize>(
    a: &[[T; K]; R],
    out: &mut [[T; 1]; R],
) {
    if K < DOT_LANES {
        for (o, row) in out.iter_mut().zip(a.iter()) {
            o[0] = sum(row);
        }
    } else {
        row_sum_tiles(a, out);
    }
}

/// [`row_sums`] in tiles of rows: 4 rows at a time (8 accumulator registers with SSE2
/// `f32`), or 2 where a row's partial sums take 4 registers (`f64` with SSE2).
#[inline(never)]
fn row_sum_tiles<T: Scalar, const R: usize, const K: usize>(
    a: &[[T; K]; R],
    out: &mut [[T; 1]; R],
) {
    if const { regs_per_dot::<T>() >= 4 } {
        row_sum_rows::<T, R, K, 2>(a, out);
    } else {
        row_sum_rows::<T, R, K, 4>(a, out);
    }
}

/// [`row_sum_tiles`] `MR` rows at a time: `acc[r][l]` holds the partial sum `l` of row `r`.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn row_sum_rows<T: Scalar, const R: usize, const K: usize, const MR: usize>(
    a: &[[T; K]; R],
    out: &mut [[T; 1]; R],
) {
    let full = K / DOT_LANES * DOT_LANES;
    let mut i0 = 0;
    while i0 < R {
        let rows = &a[i0..R.min(i0 + MR)];
        let mut acc = [[T::ZERO; DOT_LANES]; MR];
        for k0 in (0..full).step_by(DOT_LANES) {
            for (acc_r, row) in acc.iter_mut().zip(rows) {
                for (s, x) in acc_r.iter_mut().zip(&row[k0..k0 + DOT_LANES]) {
                    *s += *x;
                }
            }
        }
        for (acc_r, row) in acc.iter_mut().zip(rows) {
            for (s, x) in acc_r.iter_mut().zip(&row[full..]) {
                *s += *x;
            }
        }
        for (o, acc_r) in out[i0..].iter_mut().zip(acc.iter()).take(rows.len()) {
            o[0] = reduce(*acc_r);
        }
        i0 += MR;
    }
}

/// `Σₖ term(a[k], b[k])` in the order of [`dot`]: below 8 entries one serial sum from the
/// first term, else 8 partial sums (entry `k` to sum `k mod 8`) added by [`reduce`].
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn sum_of_terms<T: Scalar, const K: usize>(a: &[T; K], b: &[T; K], term: impl Fn(T, T) -> T) -> T {
    if K < DOT_LANES {
        // Start from the first term, not from `0 +` it: the same sum (but for the sign
        // of a zero), one addition shorter, which a one-example backward pass waits for.
        let (Some((a0, a_rest)), Some((b0, b_rest))) = (a.split_first(), b.split_first()) else {
            return T::ZERO;
        };
        let mut s = term(*a0, *b0);
        for (x, y) in a_rest.iter().zip(b_rest.iter()) {
            s += term(*x, *y);
        }
        return s;
    }
    let mut acc = [T::ZERO; DOT_LANES];
    let (a_chunks, a_rest) = a.split_at(K / DOT_LANES * DOT_LANES);
    let (b_chunks, b_rest) = b.split_at(K / DOT_LANES * DOT_LANES);
    for (a8, b8) in a_chunks
        .chunks_exact(DOT_LANES)
        .zip(b_chunks.chunks_exact(DOT_LANES))
    {
        for ((s, x), y) in acc.iter_mut().zip(a8).zip(b8) {
            *s += term(*x, *y);
        }
    }
    for ((s, x), y) in acc.iter_mut().zip(a_rest).zip(b_rest) {
        *s += term(*x, *y);
    }
    reduce(acc)
}

/// `((s₀+s₄) + (s₁+s₅)) + ((s₂+s₆) + (s₃+s₇))`: add the two halves of the vector of
/// partial sums, as a SIMD reduction does, then the four sums in pairs. (Pairing them as
/// `(h₀+h₂) + (h₁+h₃)` instead rounds the same way as often, but LLVM's SLP vectoriser,
/// which builds its vectors from the last addition down, then splits the partial sums
/// into pairs: two-lane vectors with SSE2, and a dot product of 64 took 8.3 ns instead of
/// 6.5.)
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn reduce<T: Scalar>(s: [T; DOT_LANES]) -> T {
    let h4 = [s[0] + s[4], s[1] + s[5], s[2] + s[6], s[3] + s[7]];
    (h4[0] + h4[1]) + (h4[2] + h4[3])
}
