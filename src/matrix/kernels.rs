//! The loops behind every matrix product, written over plain arrays.
//!
//! [`Matrix`](crate::Matrix) and [`HeapMatrix`](crate::HeapMatrix) both call these, so the
//! stack and heap forms share one implementation. There is no `unsafe` and no intrinsic:
//! speed comes from writing loops whose trip counts are constants (the sizes are const
//! generics), so the compiler unrolls them completely, keeps small arrays of partial
//! results in registers and turns each loop over a short array into one SIMD instruction.
//!
//! # Small and large products
//!
//! Which code runs is decided by the sizes, at compile time. A product of fewer than
//! [`LARGE_MACS`] (4 096) multiply-adds runs the kernels of this module, inlined into the
//! caller and compiled for the build's target (the seed network's products, at most
//! 768 multiply-adds, are all small). From [`LARGE_MACS`] on it runs [`blocked`]: the same
//! register tiles in cache blocks, with `A Bᵀ` computed by packing blocks of `Bᵀ`, called
//! through `crate::simd`, which runs a copy compiled for AVX2 or AVX-512 when the CPU has
//! it (run-time dispatch, the `simd-dispatch` feature, on by default; the environment
//! variable `BACKPROP_SIMD=baseline|avx2|avx512` lowers the level). The rest of this
//! page describes the small kernels; [`blocked`] describes the blocks.
//!
//! # What gets compiled
//!
//! Every choice between tile shapes and paths is an `if const { … }` on the sizes, so a
//! product compiles only the kernel it runs (a plain `if` on constants would let the
//! optimizer drop the other branches, but only after compiling them: with the three
//! dispatch levels, that made `cargo test` three times slower to build). Release builds
//! inline the whole chain of small functions into the caller (`#[inline(always)]`);
//! builds with debug assertions (the dev and test profiles) only suggest it, because an
//! unoptimized build gives each inlined tile stack slots of its own, and a mini-batch
//! gradient of the seed network took a 340 KiB frame. Inlining never changes a result:
//! Rust does not contract `a · b + c` into a fused multiply-add.
//!
//! # How the products are blocked
//!
//! `A B` and `Aᵀ B` ([`matmul`], [`tr_matmul`]) are computed one *tile* of the output at a
//! time: `MR` rows by `NV` vectors of `W` columns, held in `MR · NV` registers for the whole
//! sum over `k` and written to memory once (see [`tile`]). Each step of `k` loads `NV`
//! vectors of a row of `B`, each reused by the `MR` rows of the tile, and `MR` entries of
//! `A`, each broadcast to and reused by `NV` vectors. `W` is the number of lanes of the
//! target's vector registers (4 `f32` with the x86-64 baseline SSE2, 8 with AVX, 16 with
//! AVX-512), and the tile is chosen so that its accumulators fill about half the register
//! file (the rest holds the loaded row of `B` and the broadcasts): up to 4 × 4 vectors
//! with AVX-512, and with SSE2 a single row of up to 8 vectors (SSE2's two-operand
//! multiply overwrites its input, so reusing a loaded row of `B` for a second row of the
//! tile costs a register copy, no cheaper than loading it again, while every row of the
//! tile costs a broadcast, which SSE2 has no single instruction for).
//!
//! Every output entry is summed in the order `k = 0, 1, …, K−1`, as the textbook loop
//! does, so these products are the naive ones bit for bit, except that the sum starts
//! from the `k = 0` product rather than from `0 +` it (which can only turn a `+0.0` into a
//! `−0.0`; the two compare equal).
//!
//! `A Bᵀ` ([`matmul_tr`]) is a grid of dot products of rows. A dot product summed in
//! order is one serial chain of additions, which the compiler may not reorder (Rust has
//! no fast-math), so [`dot`] keeps [`DOT_LANES`] independent partial sums (`k mod 8`) and
//! adds them up at the end in a fixed tree. That vectorises, and it rounds differently
//! from a serial sum (by a few ulps), but identically on every target and every run. A
//! large `A Bᵀ` ([`blocked::matmul_tr`]) is instead summed in the order of `k` like
//! `A B`, so from [`LARGE_MACS`] on all three products equal the textbook loop bit for
//! bit, at every vector width: the shapes of a product decide its rounding, the CPU
//! never does.
//!
//! No kernel uses `mul_add`: a fused multiply-add rounds once instead of twice, so results
//! would differ between builds with and without FMA, and without FMA it is a slow library
//! call. Where a core has separate multiply and add pipes (Zen 5 has two of each), the
//! unfused pair can in principle reach the same peak; where multiplies and adds share the
//! FMA pipes (Intel), it reaches half of it. The run-time dispatch depends on this too: a
//! kernel compiled for AVX-512 gives the bits of the same kernel compiled for SSE2 only
//! because neither fuses.

use crate::scalar::Scalar;
use core::mem::size_of;

pub(crate) mod blocked;
mod dot;

#[cfg(test)]
use dot::dot;
pub(crate) use dot::{matmul_tr, row_sums, sum};

/// From this many multiply-adds (`R · K · C`) on, a product is *large*: it goes to
/// [`blocked`] through `crate::simd`, which picks the CPU's widest vector instructions.
/// Below (the seed network's products, at most 4 · 3 · 64 = 768), the kernels of this
/// module are inlined into their callers, as a call through the dispatcher would cost
/// more than the wider vectors save.
pub(crate) const LARGE_MACS: usize = 4096;

/// `true` if `R · K · C` multiply-adds make a large product (see [`LARGE_MACS`]).
const fn large<const R: usize, const K: usize, const C: usize>() -> bool {
    R.saturating_mul(K).saturating_mul(C) >= LARGE_MACS
}

/// Bytes in one SIMD register of the target the crate is compiled for.
#[cfg(all(target_arch = "x86_64", target_feature = "avx512f"))]
const VECTOR_BYTES: usize = 64;
/// Bytes in one SIMD register of the target the crate is compiled for.
#[cfg(all(
    target_arch = "x86_64",
    target_feature = "avx",
    not(target_feature = "avx512f")
))]
const VECTOR_BYTES: usize = 32;
/// Bytes in one SIMD register of the target the crate is compiled for (SSE2, NEON, …).
#[cfg(not(all(target_arch = "x86_64", target_feature = "avx")))]
const VECTOR_BYTES: usize = 16;

/// How many vector registers one tile's accumulators may occupy: half of the register
/// file (32 registers with AVX-512, 16 with SSE2 and AVX).
#[cfg(all(target_arch = "x86_64", target_feature = "avx512f"))]
const ACC_REGS: usize = 16;
/// How many vector registers one tile's accumulators may occupy: half of the register
/// file (32 registers with AVX-512, 16 with SSE2 and AVX).
#[cfg(not(all(target_arch = "x86_64", target_feature = "avx512f")))]
const ACC_REGS: usize = 8;

/// The widest tile, in vectors.
#[cfg(not(all(target_arch = "x86_64", target_feature = "avx")))]
const MAX_NV: usize = 8;
/// The widest tile, in vectors.
#[cfg(all(target_arch = "x86_64", target_feature = "avx"))]
const MAX_NV: usize = 4;

/// `f32` lanes in one vector register.
const F32_LANES: usize = VECTOR_BYTES / 4;
/// `f64` lanes in one vector register.
const F64_LANES: usize = VECTOR_BYTES / 8;

/// Independent partial sums in [`dot`] and [`matmul_tr`]: the same on every target, so
/// their results do not depend on the target's vector width.
pub(crate) const DOT_LANES: usize = 8;

/// `out = A B` for `A` (R × K), `B` (K × C): `out[i][j] = Σₖ A[i][k] · B[k][j]`.
///
/// Loop order i-k-j inside register tiles (see the [module docs](self)): the innermost
/// loop runs along a row of `B` and of the output, so it is one vector operation.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub(crate) fn matmul<T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: &[[T; K]; R],
    b: &[[T; C]; K],
    out: &mut [[T; C]; R],
) {
    if const { large::<R, K, C>() } {
        return crate::simd::matmul(a, b, out);
    }
    if const { short_and_wide::<T, K, C>() } {
        // Row by row: out[i] = Σₖ A[i][k] · B[k], the whole row of B at a time.
        for (out_row, a_row) in out.iter_mut().zip(a.iter()) {
            axpy_rows(out_row, b, |k| a_row[k]);
        }
        return;
    }
    // The `MR` entries of A that tile row `i0` needs at step `k`: A[i0 + r][k].
    let a_at = |i0: usize, k: usize, r: usize| a[i0 + r][k];
    by_lanes::<T, R, K, C>(&a_at, b, out);
}

/// `true` for products with a short inner dimension and long rows (`K ≤ 8`, `C` at least
/// 16 vectors): a layer's forward pass over a batch, `W A` with `K` inputs and `C = m`
/// examples, and backward's `Wᵀ δ`. There the plain i-k-j loop, which streams whole rows
/// of `B` and of the output through memory, measured 3–4× faster than register tiles
/// with SSE2 (4×3 · 3×64: 42 ns against 151 ns): with so few steps of `k` a tile's
/// accumulators are set up and written back for very little work.
const fn short_and_wide<T, const K: usize, const C: usize>() -> bool {
    K <= 8 && C * size_of::<T>() >= 16 * VECTOR_BYTES
}

/// `out_row = Σₖ a(k) · B[k]`, each step a whole row of `B` (one vector operation per
/// register-width of the row, no dependency between the row's entries).
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn axpy_rows<T: Scalar, const K: usize, const C: usize>(
    out_row: &mut [T; C],
    b: &[[T; C]; K],
    a: impl Fn(usize) -> T,
) {
    *out_row = [T::ZERO; C];
    for (k, b_row) in b.iter().enumerate() {
        let a_k = a(k);
        for (o, b_kj) in out_row.iter_mut().zip(b_row.iter()) {
            *o += a_k * *b_kj;
        }
    }
}

/// `out = Aᵀ B` for `A` (K × R), `B` (K × C), without forming `Aᵀ`:
/// `out[i][j] = Σₖ A[k][i] · B[k][j]`. Backward's `∂J/∂a_prev = Wᵀ δ` is one \[S4\].
///
/// The same tiles as [`matmul`]; only the entries of `A` come from a row of `A` (at
/// step `k`, the tile's `MR` entries are contiguous: `A[k][i0..i0 + MR]`).
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
pub(crate) fn tr_matmul<T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: &[[T; R]; K],
    b: &[[T; C]; K],
    out: &mut [[T; C]; R],
) {
    if const { large::<R, K, C>() } {
        return crate::simd::tr_matmul(a, b, out);
    }
    if const { short_and_wide::<T, K, C>() } {
        for (i, out_row) in out.iter_mut().enumerate() {
            axpy_rows(out_row, b, |k| a[k][i]);
        }
        return;
    }
    let a_at = |i0: usize, k: usize, r: usize| a[k][i0 + r];
    by_lanes::<T, R, K, C>(&a_at, b, out);
}

/// Picks the vector width `W` (lanes of `T`) for a product with `C` output columns: the
/// target's full register if a row is at least that wide, else a half or quarter register
/// (an 8-wide row with AVX-512 uses 256-bit registers), else scalars.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn by_lanes<T: Scalar, const R: usize, const K: usize, const C: usize>(
    a_at: &impl Fn(usize, usize, usize) -> T,
    b: &[[T; C]; K],
    out: &mut [[T; C]; R],
) {
    // All conditions are constants (`if const`): only the chosen branch is compiled.
    if const { size_of::<T>() == 4 } {
        if const { C >= F32_LANES } {
            by_tiles::<T, R, K, C, F32_LANES>(a_at, b, out);
        } else if const { C >= F32_LANES / 2 && F32_LANES >= 8 } {
            by_tiles::<T, R, K, C, { F32_LANES / 2 }>(a_at, b, out);
        } else if const { C >= F32_LANES / 4 && F32_LANES >= 16 } {
            by_tiles::<T, R, K, C, { F32_LANES / 4 }>(a_at, b, out);
        } else {
            by_tiles::<T, R, K, C, 1>(a_at, b, out);
        }
    } else if const { C >= F64_LANES } {
        by_tiles::<T, R, K, C, F64_LANES>(a_at, b, out);
    } else if const { C >= F64_LANES / 2 && F64_LANES >= 4 } {
        by_tiles::<T, R, K, C, { F64_LANES / 2 }>(a_at, b, out);
    } else {
        by_tiles::<T, R, K, C, 1>(a_at, b, out);
    }
}

/// Picks the tile height `MR` for vectors of `W` lanes: a tile is `NV` vectors wide (up
/// to [`MAX_NV`], as many as the row holds) and `ACC_REGS / NV` rows high.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn by_tiles<T: Scalar, const R: usize, const K: usize, const C: usize, const W: usize>(
    a_at: &impl Fn(usize, usize, usize) -> T,
    b: &[[T; C]; K],
    out: &mut [[T; C]; R],
) {
    if const { C >= MAX_NV * W } {
        by_rows::<T, R, K, C, W, { ACC_REGS / MAX_NV }>(a_at, b, out);
    } else if const { C >= 4 * W } {
        by_rows::<T, R, K, C, W, { ACC_REGS / 4 }>(a_at, b, out);
    } else if const { C >= 2 * W } {
        by_rows::<T, R, K, C, W, { ACC_REGS / 2 }>(a_at, b, out);
    } else {
        by_rows::<T, R, K, C, W, ACC_REGS>(a_at, b, out);
    }
}

/// Runs blocks of `MR` rows, then the remaining `R mod MR` rows in blocks of 8, 4, 2, 1.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn by_rows<
    T: Scalar,
    const R: usize,
    const K: usize,
    const C: usize,
    const W: usize,
    const MR: usize,
>(
    a_at: &impl Fn(usize, usize, usize) -> T,
    b: &[[T; C]; K],
    out: &mut [[T; C]; R],
) {
    let mut i0 = 0;
    while i0 + MR <= R {
        row_block::<T, R, K, C, W, MR>(a_at, b, out, i0);
        i0 += MR;
    }
    if const { MR > 8 } && i0 + 8 <= R {
        row_block::<T, R, K, C, W, 8>(a_at, b, out, i0);
        i0 += 8;
    }
    if const { MR > 4 } && i0 + 4 <= R {
        row_block::<T, R, K, C, W, 4>(a_at, b, out, i0);
        i0 += 4;
    }
    if const { MR > 2 } && i0 + 2 <= R {
        row_block::<T, R, K, C, W, 2>(a_at, b, out, i0);
        i0 += 2;
    }
    if const { MR > 1 } && i0 < R {
        row_block::<T, R, K, C, W, 1>(a_at, b, out, i0);
    }
}

/// Rows `i0 .. i0 + MR` of the output: tiles of 4, 2 and 1 vectors of `W` lanes across,
/// then the last `C mod W` columns one at a time.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn row_block<
    T: Scalar,
    const R: usize,
    const K: usize,
    const C: usize,
    const W: usize,
    const MR: usize,
>(
    a_at: &impl Fn(usize, usize, usize) -> T,
    b: &[[T; C]; K],
    out: &mut [[T; C]; R],
    i0: usize,
) {
    let mut j0 = 0;
    while j0 + MAX_NV * W <= C {
        tile::<T, R, K, C, W, MR, MAX_NV>(a_at, b, out, i0, j0);
        j0 += MAX_NV * W;
    }
    if const { MAX_NV > 4 } && j0 + 4 * W <= C {
        tile::<T, R, K, C, W, MR, 4>(a_at, b, out, i0, j0);
        j0 += 4 * W;
    }
    if j0 + 2 * W <= C {
        tile::<T, R, K, C, W, MR, 2>(a_at, b, out, i0, j0);
        j0 += 2 * W;
    }
    if j0 + W <= C {
        tile::<T, R, K, C, W, MR, 1>(a_at, b, out, i0, j0);
        j0 += W;
    }
    while j0 < C {
        tile::<T, R, K, C, 1, MR, 1>(a_at, b, out, i0, j0);
        j0 += 1;
    }
}

/// The output tile of rows `i0 .. i0 + MR` and columns `j0 .. j0 + NV·W`, summed over all
/// of `k` in registers: `acc[r][v][l] += A(i0 + r, k) · B[k][j0 + v·W + l]`.
///
/// Why this is fast: the `r`, `v` and `l` loops have constant trip counts, so they unroll
/// completely; `acc` then lives in `MR · NV` vector registers, the `l` loop becomes one
/// vector multiply and one vector add, each loaded vector of `B` serves `MR` rows and each
/// broadcast entry of `A` serves `NV` vectors. Only the `k` loop remains a loop.
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn tile<
    T: Scalar,
    const R: usize,
    const K: usize,
    const C: usize,
    const W: usize,
    const MR: usize,
    const NV: usize,
>(
    a_at: &impl Fn(usize, usize, usize) -> T,
    b: &[[T; C]; K],
    out: &mut [[T; C]; R],
    i0: usize,
    j0: usize,
) {
    let mut acc = [[[T::ZERO; W]; NV]; MR];
    if let Some((b_0, b_rest)) = b.split_first() {
        // k = 0 sets the sums (`0 + x` is `x` but for the sign of a zero), saving one add.
        for (j, b_0j) in b_0[j0..j0 + NV * W].iter().enumerate() {
            for (r, acc_r) in acc.iter_mut().enumerate() {
                acc_r.as_flattened_mut()[j] = a_at(i0, 0, r) * *b_0j;
            }
        }
        for (k, b_row) in (1..).zip(b_rest) {
            tile_step::<T, C, W, MR, NV>(&mut acc, a_at, i0, k, b_row, j0);
        }
    }
    for (out_row, acc_r) in out[i0..i0 + MR].iter_mut().zip(acc.iter()) {
        for (out_v, acc_rv) in out_row[j0..].chunks_exact_mut(W).zip(acc_r.iter()) {
            out_v.copy_from_slice(acc_rv);
        }
    }
}

/// One step `k` of [`tile`]: `acc[r][j] += A(i0 + r, k) · B[k][j0 + j]`.
///
/// Plain loops over slices, no `array::from_fn` (whose closure is not always inlined,
/// which leaves `acc` in memory). The `r` loop is innermost: it is short and unrolled
/// completely, and the `j` loop around it is what becomes vector instructions (looping
/// over `r` outside instead lets LLVM vectorise across rows, with gathers and scatters).
#[cfg_attr(debug_assertions, inline)]
#[cfg_attr(not(debug_assertions), inline(always))]
fn tile_step<T: Scalar, const C: usize, const W: usize, const MR: usize, const NV: usize>(
    acc: &mut [[[T; W]; NV]; MR],
    a_at: &impl Fn(usize, usize, usize) -> T,
    i0: usize,
    k: usize,
    b_row: &[T; C],
    j0: usize,
) {
    for (j, b_kj) in b_row[j0..j0 + NV * W].iter().enumerate() {
        for (r, acc_r) in acc.iter_mut().enumerate() {
            acc_r.as_flattened_mut()[j] += a_at(i0, k, r) * *b_kj;
        }
    }
}

#[cfg(test)]
mod tests;
