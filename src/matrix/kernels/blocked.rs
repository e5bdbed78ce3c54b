//! The products of large layers: register tiles over cache blocks, for any vector width.
//!
//! From [`LARGE_MACS`](super::LARGE_MACS) multiply-adds on, [`matmul`], [`tr_matmul`] and
//! [`matmul_tr`] replace the kernels of the [parent module](super). They use the same
//! register tiles (`MR` rows by `NV` vectors of `W` lanes, summed over `k` in registers),
//! with two differences:
//!
//! - **Cache blocks.** The output is computed in column blocks of [`JB`] columns, and the
//!   sum over `k` in blocks of rows of `B` of about [`BLOCK_BYTES`], so that the block of
//!   `B` that every row tile reads stays in L1 while all `R` rows pass over it. For a
//!   layer's `W a` with 784 inputs and a batch of 64, `a` is 196 KiB in `f32` and would
//!   otherwise stream from L2 once per row tile. Between two blocks of `k` a tile's
//!   partial sums go to the output and come back: that continues the same serial sum, so
//!   the result does not change.
//! - **`A Bᵀ` by packing `B`.** `dW = δ a_prevᵀ` for a batch of 64 is `O · I` dot products
//!   of length 64 (100 352 of them for 784 → 128), each ending in a reduction of its
//!   partial sums. Here each block of `Bᵀ` (at most 64 × 64) is transposed once into a
//!   buffer on the stack, and the tiles then run over it as over a `B` in row-major
//!   order: an accumulation of outer products, each loaded vector of `B` serving `MR`
//!   rows. So a large `A Bᵀ` is summed in the order `k = 0, 1, …` like `A B`, with the
//!   same tiles.
//!
//! The tiles are generic over an [`Isa`], the vector width and register budget they are
//! shaped for: [`Native`] is the target the crate is compiled for (what the parent
//! module's constants say), [`Avx2`] and [`Avx512`] are what `crate::simd` instantiates
//! inside functions compiled for those extensions. Every output entry is summed in the
//! order of `k` whatever the tile, so all of them give the same bits.

mod isa;

#[cfg(all(feature = "simd-dispatch", target_arch = "x86_64"))]
pub(crate) use isa::{Avx2, Avx512};
pub(crate) use isa::{Isa, Native};

use super::axpy_rows;
use crate::scalar::Scalar;
use core::mem::size_of;

/// Output columns per block: 64, at least the widest tile of every [`Isa`] (4 × 16
/// `f32` with AVX-512), so the tile shape chosen from `C` is also right inside a block.
pub(crate) const JB: usize = 64;

/// The size of the block of `B` that stays in L1 while every row tile reads it: 16 KiB,
/// half of the smallest L1d of current x86-64 cores (32 KiB; some have 48), so the rows
/// of `A` and of the output that stream past it do not push it out. A block of 32 KiB
/// filled the whole L1 of a Zen 1 core: a 784 → 128 layer's `W x` on a batch of 64 took
/// 464 µs with AVX2 there, against 447 µs with 16 KiB and 479 µs with 8 KiB.
pub(crate) const BLOCK_BYTES: usize = 16 * 1024;

/// Rows of `B` per block in [`matmul_tr`]'s packing buffer (`[[T; JB]; KP]`: 16 KiB in
/// `f32`, 32 KiB in `f64`, on the stack).
const KP: usize = 64;

/// [`matmul_tr`]'s packing buffer, aligned to a cache line, so that no vector read from
/// it straddles two lines.
///
/// The one-row AVX2 tiles take each vector of the block as an operand of a multiply, 8
/// per step of `k`: on the stack without this alignment, half of them straddled two
/// lines, and `mul_tr_128x64_784x64` took 262 µs instead of 191 µs on a Zen 3 core (the
/// tiles of 2 rows by 4 vectors used before did not mind: 224 µs either way).
#[repr(C, align(64))]
struct Aligned<X>(X);

/// One block of a product: output columns `j0 .. j1`, steps `k0 .. k0 + rows.len()`,
/// with `B(k, j) = rows[k − k0][col0 + j − j0]`.
struct Panel<'b, T, const N: usize> {
    rows: &'b [[T; N]],
    col0: usize,
    k0: usize,
    j0: usize,
    j1: usize,
}

/// `out = A B` for `A` (R × K), `B` (K × C), in cache blocks (see the [module
/// docs](self)); every entry summed in the order of `k`.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub(crate) fn matmul<L: Isa, T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: &[[T; K]; R],
    b: &[[T; C]; K],
    out: &mut [[T; C]; R],
) {
    if const { short_and_wide::<L, T, K, C>() } {
        for (out_row, a_row) in out.iter_mut().zip(a.iter()) {
            axpy_rows(out_row, b, |k| a_row[k]);
        }
        return;
    }
    in_place::<L, T, K, C>(&|i0, k, r| a[i0 + r][k], b, out);
}

/// `out = Aᵀ B` for `A` (K × R), `B` (K × C), in cache blocks; every entry summed in
/// the order of `k`.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub(crate) fn tr_matmul<L: Isa, T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: &[[T; R]; K],
    b: &[[T; C]; K],
    out: &mut [[T; C]; R],
) {
    if const { short_and_wide::<L, T, K, C>() } {
        for (i, out_row) in out.iter_mut().enumerate() {
            axpy_rows(out_row, b, |k| a[k][i]);
        }
        return;
    }
    in_place::<L, T, K, C>(&|i0, k, r| a[k][i0 + r], b, out);
}

/// `out = A Bᵀ` for `A` (R × K), `B` (C × K): each block of `Bᵀ` is transposed into a
/// buffer once, and the tiles run over it; every entry summed in the order of `k`.
///
/// The buffer is filled row by row, each row gathering one `k` from up to [`JB`] rows of
/// `B`: LLVM builds vectors of these and stores them whole, where filling it column by
/// column (one row of `B` at a time, contiguous reads) stored one scalar at a time, one
/// cache line apart. Packing 12 blocks of 64 × 64 took 9.5 µs against 15.7 µs, and
/// `mul_tr_128x64_784x64` went 203 → 193 µs on a Zen 3 core.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub(crate) fn matmul_tr<L: Isa, T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: &[[T; K]; R],
    b: &[[T; K]; C],
    out: &mut [[T; C]; R],
) {
    if K == 0 {
        *out = [[T::ZERO; C]; R];
        return;
    }
    let a_at = |i0: usize, k: usize, r: usize| a[i0 + r][k];
    let mut packed = Aligned([[T::ZERO; JB]; KP]);
    let packed = &mut packed.0;
    for j0 in (0..C).step_by(JB) {
        let j1 = (j0 + JB).min(C);
        for k0 in (0..K).step_by(KP) {
            let k1 = (k0 + KP).min(K);
            // packed[t][x] = Bᵀ(k0 + t, j0 + x) = B[j0 + x][k0 + t]
            for (k, packed_row) in (k0..k1).zip(packed.iter_mut()) {
                for (p, b_row) in packed_row.iter_mut().zip(&b[j0..j1]) {
                    *p = b_row[k];
                }
            }
            let panel = Panel {
                rows: &packed[..k1 - k0],
                col0: 0,
                k0,
                j0,
                j1,
            };
            by_block::<L, T, C, JB>(&a_at, &panel, out);
        }
    }
}

/// `true` where [`matmul`]'s plain row-by-row loop beats tiles, as in the parent module
/// (`K ≤ 8` and rows of at least 16 vectors), for `L`'s vector width.
const fn short_and_wide<L: Isa, T, const K: usize, const C: usize>() -> bool {
    // With `fma` every large product runs the tiles, which fuse: the row-by-row loop is
    // the parent module's, which does not, and which levels take it depends on their
    // width, so it would give different bits on different CPUs.
    !cfg!(feature = "fma") && K <= 8 && C * size_of::<T>() >= 16 * L::VECTOR_BYTES
}

/// [`matmul`] and [`tr_matmul`]: blocks of [`JB`] output columns, and in each, blocks of
/// about [`BLOCK_BYTES`] of `B`, read where `B` lies if every row of `B` starts on a
/// cache line, else (from [`COPY_MACS`] on) copied first into an aligned buffer.
///
/// The tiles load each vector of `B` as an operand, and one that straddles two cache
/// lines costs two loads: for `B` 16 bytes past a line (where the allocator often puts
/// a heap batch), a 784 → 128 layer's `W x` on a batch of 64 made the whole W3 training
/// step 445 µs against 374 µs aligned, on a Zen 3 core. Copying a block is one pass over
/// 16 KiB that the tiles then read 16 or 32 times.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn in_place<L: Isa, T: Scalar, const K: usize, const C: usize>(
    a_at: &impl Fn(usize, usize, usize) -> T,
    b: &[[T; C]; K],
    out: &mut [[T; C]],
) {
    if K == 0 {
        out.fill([T::ZERO; C]);
        return;
    }
    let kb = (BLOCK_BYTES / (JB * size_of::<T>())).max(1);
    let line = align_of::<Aligned<()>>();
    let misaligned = (b.as_ptr() as usize) % line != 0 || (C * size_of::<T>()) % line != 0;
    if misaligned && out.len() * K * C >= COPY_MACS {
        return copied::<L, T, K, C>(a_at, b, out, kb);
    }
    for j0 in (0..C).step_by(JB) {
        let j1 = (j0 + JB).min(C);
        for k0 in (0..K).step_by(kb) {
            let panel = Panel {
                rows: &b[k0..(k0 + kb).min(K)],
                col0: j0,
                k0,
                j0,
                j1,
            };
            by_block::<L, T, C, C>(a_at, &panel, out);
        }
    }
}

/// From this many multiply-adds on, [`in_place`] copies a `B` that is not on cache lines
/// (see there): 2²⁰, where the copy and the zeroing of its 16 KiB buffer cost under 2 % of
/// the product. Below, the buffer alone cost more than the straddling loads: the
/// breast-cancer network's products (16 × 30 · 30 × 32, 15 360) made its epoch 6 % slower.
const COPY_MACS: usize = 1 << 20;

/// [`in_place`] for a `B` whose rows are not aligned to cache lines: each block of `B`
/// is copied into an aligned buffer of [`JB`] columns, and the tiles run over the copy.
/// (Inlined like every function here: the CPU-feature wrappers of `crate::simd` compile
/// only what is inlined into them for their level.)
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn copied<L: Isa, T: Scalar, const K: usize, const C: usize>(
    a_at: &impl Fn(usize, usize, usize) -> T,
    b: &[[T; C]; K],
    out: &mut [[T; C]],
    kb: usize,
) {
    let mut buffer = Aligned([[T::ZERO; JB]; KP]);
    let buffer = &mut buffer.0;
    let kb = kb.min(KP);
    for j0 in (0..C).step_by(JB) {
        let j1 = (j0 + JB).min(C);
        for k0 in (0..K).step_by(kb) {
            let k1 = (k0 + kb).min(K);
            for (copy, b_row) in buffer.iter_mut().zip(&b[k0..k1]) {
                if j1 - j0 == JB {
                    copy.copy_from_slice(&b_row[j0..j0 + JB]); // a fixed size: no memcpy call
                } else {
                    copy[..j1 - j0].copy_from_slice(&b_row[j0..j1]);
                }
            }
            let panel = Panel {
                rows: &buffer[..k1 - k0],
                col0: 0,
                k0,
                j0,
                j1,
            };
            by_block::<L, T, C, JB>(a_at, &panel, out);
        }
    }
}

/// Runs [`by_lanes`] with tiles shaped for the panel's columns: for all `C` columns in
/// every block but the last of a `C` that is not a multiple of [`JB`] (`LAST`), whose
/// `C % JB` columns get tiles of their own.
///
/// Shaped for all of `C`, the 16 columns left of 784 in [`matmul_tr`] ran tiles of one
/// row by 2 vectors with AVX2: 2 accumulators, so each step waited for the previous add
/// (about 4 % of `mul_tr_128x64_784x64`'s samples for 2 % of its work). Shaped for 16
/// columns, they are tiles of 4 rows by 2 vectors, half that share (192 → 190 µs).
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn by_block<L: Isa, T: Scalar, const C: usize, const N: usize>(
    a_at: &impl Fn(usize, usize, usize) -> T,
    panel: &Panel<'_, T, N>,
    out: &mut [[T; C]],
) {
    // A `C` below `JB` is one block of `C % JB = C` columns: one shape. For such a `C`
    // the constant makes the first branch dead before monomorphisation.
    if const { C % JB != 0 && C >= JB } && panel.j1 - panel.j0 < JB {
        by_lanes::<L, T, C, N, true>(a_at, panel, out);
        return;
    }
    by_lanes::<L, T, C, N, false>(a_at, panel, out);
}

/// The columns that tiles are shaped for: `C % JB` in the last block (`last`) of a `C`
/// that is not a multiple of [`JB`], else `C`.
const fn shape_cols(c: usize, last: bool) -> usize {
    if last && c % JB != 0 { c % JB } else { c }
}

/// Picks the vector width `W`: the widest of 16, 8, 4, 2 lanes that `L` has, that is at
/// least a 128-bit register, and that the block's columns ([`shape_cols`]) hold; else
/// scalars.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn by_lanes<L: Isa, T: Scalar, const C: usize, const N: usize, const LAST: bool>(
    a_at: &impl Fn(usize, usize, usize) -> T,
    panel: &Panel<'_, T, N>,
    out: &mut [[T; C]],
) {
    // All conditions are constants (`if const`): only the chosen branch is compiled.
    if const { fits::<L, T>(shape_cols(C, LAST), 16) } {
        by_tiles::<L, T, C, N, 16, LAST>(a_at, panel, out);
    } else if const { fits::<L, T>(shape_cols(C, LAST), 8) } {
        by_tiles::<L, T, C, N, 8, LAST>(a_at, panel, out);
    } else if const { fits::<L, T>(shape_cols(C, LAST), 4) } {
        by_tiles::<L, T, C, N, 4, LAST>(a_at, panel, out);
    } else if const { fits::<L, T>(shape_cols(C, LAST), 2) } {
        by_tiles::<L, T, C, N, 2, LAST>(a_at, panel, out);
    } else {
        by_tiles::<L, T, C, N, 1, LAST>(a_at, panel, out);
    }
}

/// `true` if vectors of `w` lanes of `T` suit `L` and `cols` columns: `L` has at least
/// `w` lanes, they fill at least a 128-bit register, and the columns hold `w` entries.
const fn fits<L: Isa, T>(cols: usize, w: usize) -> bool {
    w <= L::VECTOR_BYTES / size_of::<T>() && w * size_of::<T>() >= 16 && cols >= w
}

/// The tile height for vectors of `W` lanes: `L::ACC_REGS / NV`, for tiles `NV` vectors
/// wide (`L::MAX_NV`, 4, 2 or 1, as many as `cols` columns hold).
const fn tile_rows<L: Isa, const W: usize>(cols: usize) -> usize {
    let nv = if cols >= L::MAX_NV * W {
        L::MAX_NV
    } else if cols >= 4 * W {
        4
    } else if cols >= 2 * W {
        2
    } else {
        1
    };
    L::ACC_REGS / nv
}

/// Runs [`by_rows`] with the tile height `MR` = [`tile_rows`].
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn by_tiles<L: Isa, T: Scalar, const C: usize, const N: usize, const W: usize, const LAST: bool>(
    a_at: &impl Fn(usize, usize, usize) -> T,
    panel: &Panel<'_, T, N>,
    out: &mut [[T; C]],
) {
    if const { tile_rows::<L, W>(shape_cols(C, LAST)) == 16 } {
        by_rows::<L, T, C, N, W, 16>(a_at, panel, out);
    } else if const { tile_rows::<L, W>(shape_cols(C, LAST)) == 8 } {
        by_rows::<L, T, C, N, W, 8>(a_at, panel, out);
    } else if const { tile_rows::<L, W>(shape_cols(C, LAST)) == 4 } {
        by_rows::<L, T, C, N, W, 4>(a_at, panel, out);
    } else if const { tile_rows::<L, W>(shape_cols(C, LAST)) == 2 } {
        by_rows::<L, T, C, N, W, 2>(a_at, panel, out);
    } else {
        by_rows::<L, T, C, N, W, 1>(a_at, panel, out);
    }
}

/// Blocks of `MR` rows, then the remaining rows in blocks of 8, 4, 2, 1.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn by_rows<L: Isa, T: Scalar, const C: usize, const N: usize, const W: usize, const MR: usize>(
    a_at: &impl Fn(usize, usize, usize) -> T,
    panel: &Panel<'_, T, N>,
    out: &mut [[T; C]],
) {
    let rows = out.len();
    let mut i0 = 0;
    while i0 + MR <= rows {
        row_block::<L, T, C, N, W, MR>(a_at, panel, out, i0);
        i0 += MR;
    }
    if const { MR > 8 } && i0 + 8 <= rows {
        row_block::<L, T, C, N, W, 8>(a_at, panel, out, i0);
        i0 += 8;
    }
    if const { MR > 4 } && i0 + 4 <= rows {
        row_block::<L, T, C, N, W, 4>(a_at, panel, out, i0);
        i0 += 4;
    }
    if const { MR > 2 } && i0 + 2 <= rows {
        row_block::<L, T, C, N, W, 2>(a_at, panel, out, i0);
        i0 += 2;
    }
    if const { MR > 1 } && i0 < rows {
        row_block::<L, T, C, N, W, 1>(a_at, panel, out, i0);
    }
}

/// Rows `i0 .. i0 + MR` of the panel's columns: tiles of `L::MAX_NV`, then 4, 2 and 1
/// vectors of `W` lanes, then the last columns one at a time.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn row_block<L: Isa, T: Scalar, const C: usize, const N: usize, const W: usize, const MR: usize>(
    a_at: &impl Fn(usize, usize, usize) -> T,
    panel: &Panel<'_, T, N>,
    out: &mut [[T; C]],
    i0: usize,
) {
    let mut j = panel.j0;
    if const { L::MAX_NV >= 8 } {
        while j + 8 * W <= panel.j1 {
            tile::<T, C, N, W, MR, 8>(a_at, panel, out, i0, j);
            j += 8 * W;
        }
    }
    while j + 4 * W <= panel.j1 {
        tile::<T, C, N, W, MR, 4>(a_at, panel, out, i0, j);
        j += 4 * W;
    }
    if j + 2 * W <= panel.j1 {
        tile::<T, C, N, W, MR, 2>(a_at, panel, out, i0, j);
        j += 2 * W;
    }
    if j + W <= panel.j1 {
        tile::<T, C, N, W, MR, 1>(a_at, panel, out, i0, j);
        j += W;
    }
    while j < panel.j1 {
        tile::<T, C, N, 1, MR, 1>(a_at, panel, out, i0, j);
        j += 1;
    }
}

/// The output tile of rows `i0 .. i0 + MR` and columns `j .. j + NV·W`, over the panel's
/// steps of `k`, in registers: `acc[r][v][l] += A(i0 + r, k) · B(k, j + v·W + l)`.
///
/// In the first block of `k` the sums start from the `k0 = 0` product, as in the parent
/// module; in later blocks they start from what the previous block stored, so the
/// sum continues in the order of `k`.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn tile<
    T: Scalar,
    const C: usize,
    const N: usize,
    const W: usize,
    const MR: usize,
    const NV: usize,
>(
    a_at: &impl Fn(usize, usize, usize) -> T,
    panel: &Panel<'_, T, N>,
    out: &mut [[T; C]],
    i0: usize,
    j: usize,
) {
    let col = panel.col0 + (j - panel.j0);
    let mut acc = [[[T::ZERO; W]; NV]; MR];
    let mut k = panel.k0;
    let mut rows = panel.rows.iter();
    if k == 0 {
        if let Some(b_0) = rows.next() {
            for (x, b_0x) in b_0[col..col + NV * W].iter().enumerate() {
                for (r, acc_r) in acc.iter_mut().enumerate() {
                    acc_r.as_flattened_mut()[x] = a_at(i0, 0, r) * *b_0x;
                }
            }
            k = 1;
        }
    } else {
        for (acc_r, out_row) in acc.iter_mut().zip(&out[i0..i0 + MR]) {
            acc_r
                .as_flattened_mut()
                .copy_from_slice(&out_row[j..j + NV * W]);
        }
    }
    for b_row in rows {
        // acc[r][x] += A(i0 + r, k) · B(k, j + x); the short `r` loop innermost, as in
        // the parent module's `tile_step`.
        for (x, b_kx) in b_row[col..col + NV * W].iter().enumerate() {
            for (r, acc_r) in acc.iter_mut().enumerate() {
                multiply_add(&mut acc_r.as_flattened_mut()[x], a_at(i0, k, r), *b_kx);
            }
        }
        k += 1;
    }
    for (out_row, acc_r) in out[i0..i0 + MR].iter_mut().zip(acc.iter()) {
        out_row[j..j + NV * W].copy_from_slice(acc_r.as_flattened());
    }
}

/// `acc += a · b`, the step of every tile: a multiply and an add, each rounded, as the
/// textbook loop does them (the default); with the `fma` feature, one fused
/// multiply-add, rounded once.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn multiply_add<T: Scalar>(acc: &mut T, a: T, b: T) {
    #[cfg(feature = "fma")]
    {
        *acc = a.fused_mul_add(b, *acc);
    }
    #[cfg(not(feature = "fma"))]
    {
        *acc += a * b;
    }
}
