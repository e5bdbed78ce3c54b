//! Matrix kernels of `backprop`: the product `A B`, the backward-pass products `Aᵀ B`
//! (`tr_mul`) and `A Bᵀ` (`mul_tr`), the transpose and the Hadamard product, in `f32`
//! and `f64`, at fixed sizes.
//!
//! Run it with
//!
//! ```sh
//! cargo bench --bench matrix                                   # everything
//! cargo bench --bench matrix -- matmul --measurement-time 2 --warm-up-time 1 --noplot
//! RUSTFLAGS="-C target-cpu=native" cargo bench --bench matrix  # with the CPU's own SIMD
//! ```
//!
//! Benchmark ids are `<workload>/<implementation>` and line up with the peer harness in
//! `benches/peers/` (nalgebra, ndarray, glam, plain arrays): the group is the workload with
//! its shapes, the function id is `backprop` for `f32` and `backprop_f64` for `f64`, so
//! `matmul_8x8_8x8/backprop` here measures what `matmul_8x8_8x8/nalgebra` measures there
//! (the peers are all `f32`; the f64 rows sit in the same group so one id names one
//! workload).
//!
//! | group | what is measured | throughput (elements) |
//! |---|---|---|
//! | `matmul_RxK_KxC` | `A (R×K) * B (K×C)` | 2·R·K·C (FLOP) |
//! | `tr_mul_KxR_KxC` | `A.tr_mul(&B)` = `Aᵀ B` for `A (K×R)`, `B (K×C)` | 2·R·K·C (FLOP) |
//! | `mul_tr_RxK_CxK` | `A.mul_tr(&B)` = `A Bᵀ` for `A (R×K)`, `B (C×K)` | 2·R·K·C (FLOP) |
//! | `transpose_RxC` | `A.transpose()` | R·C (entries moved) |
//! | `hadamard_RxC` | `A.hadamard(&B)` | R·C (FLOP) |
//!
//! As in the peer harness: every measured operation is an `#[inline(never)]` function
//! (its machine code does not depend on this file); the inputs go through
//! `black_box(&x)` every iteration, so they are re-read and nothing is folded; the result
//! is returned to criterion, which black-boxes it; the inputs sit at a 64-byte boundary
//! (`Al`), because with AVX-512 a load that straddles a cache line halves load bandwidth
//! and the stack's randomised placement would otherwise move times between runs.

use backprop::{Matrix, Scalar};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

/// Holds a value at a 64-byte boundary, like the peers' inputs.
#[repr(C, align(64))]
struct Al<T>(T);

/// Holds a value 16 bytes past a 64-byte boundary, where the allocator often puts a heap
/// batch: the large products copy such a `B` block by block into an aligned buffer.
#[repr(C, align(64))]
struct Off16<T> {
    _pad: [u8; 16],
    v: T,
}

/// `A B`, compiled on its own.
#[inline(never)]
fn matmul<T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: &Matrix<T, R, K>,
    b: &Matrix<T, K, C>,
) -> Matrix<T, R, C> {
    a * b
}

/// `Aᵀ B`, compiled on its own.
#[inline(never)]
fn tr_mul<T: Scalar, const K: usize, const R: usize, const C: usize>(
    a: &Matrix<T, K, R>,
    b: &Matrix<T, K, C>,
) -> Matrix<T, R, C> {
    a.tr_mul(b)
}

/// `A Bᵀ`, compiled on its own.
#[inline(never)]
fn mul_tr<T: Scalar, const R: usize, const K: usize, const C: usize>(
    a: &Matrix<T, R, K>,
    b: &Matrix<T, C, K>,
) -> Matrix<T, R, C> {
    a.mul_tr(b)
}

/// `Aᵀ`, compiled on its own.
#[inline(never)]
fn transpose<T: Scalar, const R: usize, const C: usize>(a: &Matrix<T, R, C>) -> Matrix<T, C, R> {
    a.transpose()
}

/// `A ⊙ B`, compiled on its own.
#[inline(never)]
fn hadamard<T: Scalar, const R: usize, const C: usize>(
    a: &Matrix<T, R, C>,
    b: &Matrix<T, R, C>,
) -> Matrix<T, R, C> {
    a.hadamard(b)
}

/// A matrix of pseudo-random entries in [-1, 1) from a small LCG (fixed seed, so every
/// run multiplies the same numbers).
fn filled<T: Scalar, const R: usize, const C: usize>(seed: u64) -> Al<Matrix<T, R, C>> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    Al(Matrix::from_fn(|_, _| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        T::from_f64((state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0)
    }))
}

/// The function id of scalar type `T`: `backprop` for `f32`, `backprop_f64` for `f64`.
fn id<T: Scalar>() -> &'static str {
    if T::NAME == "f32" {
        "backprop"
    } else {
        "backprop_f64"
    }
}

fn bench_matmul<const R: usize, const K: usize, const C: usize>(c: &mut Criterion) {
    let mut g = c.benchmark_group(format!("matmul_{R}x{K}_{K}x{C}"));
    g.throughput(Throughput::Elements((2 * R * K * C) as u64));
    fn one<T: Scalar, const R: usize, const K: usize, const C: usize>(
        g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    ) {
        let a = filled::<T, R, K>((R * 1000 + K * 100 + C) as u64);
        let b = filled::<T, K, C>((R * 1000 + K * 100 + C + 1) as u64);
        g.bench_function(id::<T>(), |bch| {
            bch.iter(|| matmul(black_box(&a.0), black_box(&b.0)))
        });
    }
    one::<f32, R, K, C>(&mut g);
    one::<f64, R, K, C>(&mut g);
    g.finish();
}

fn bench_tr_mul<const K: usize, const R: usize, const C: usize>(c: &mut Criterion) {
    let mut g = c.benchmark_group(format!("tr_mul_{K}x{R}_{K}x{C}"));
    g.throughput(Throughput::Elements((2 * R * K * C) as u64));
    fn one<T: Scalar, const K: usize, const R: usize, const C: usize>(
        g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    ) {
        let a = filled::<T, K, R>((K * 1000 + R * 100 + C) as u64);
        let b = filled::<T, K, C>((K * 1000 + R * 100 + C + 1) as u64);
        g.bench_function(id::<T>(), |bch| {
            bch.iter(|| tr_mul(black_box(&a.0), black_box(&b.0)))
        });
    }
    one::<f32, K, R, C>(&mut g);
    one::<f64, K, R, C>(&mut g);
    g.finish();
}

fn bench_mul_tr<const R: usize, const K: usize, const C: usize>(c: &mut Criterion) {
    let mut g = c.benchmark_group(format!("mul_tr_{R}x{K}_{C}x{K}"));
    g.throughput(Throughput::Elements((2 * R * K * C) as u64));
    fn one<T: Scalar, const R: usize, const K: usize, const C: usize>(
        g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    ) {
        let a = filled::<T, R, K>((R * 1000 + K * 100 + C) as u64);
        let b = filled::<T, C, K>((R * 1000 + K * 100 + C + 1) as u64);
        g.bench_function(id::<T>(), |bch| {
            bch.iter(|| mul_tr(black_box(&a.0), black_box(&b.0)))
        });
    }
    one::<f32, R, K, C>(&mut g);
    one::<f64, R, K, C>(&mut g);
    g.finish();
}

fn bench_elementwise<const R: usize, const C: usize>(c: &mut Criterion) {
    fn one<T: Scalar, const R: usize, const C: usize>(c: &mut Criterion) {
        let a = filled::<T, R, C>((R * 100 + C) as u64);
        let b = filled::<T, R, C>((R * 100 + C + 1) as u64);
        let mut g = c.benchmark_group(format!("transpose_{R}x{C}"));
        g.throughput(Throughput::Elements((R * C) as u64));
        g.bench_function(id::<T>(), |bch| bch.iter(|| transpose(black_box(&a.0))));
        g.finish();
        let mut g = c.benchmark_group(format!("hadamard_{R}x{C}"));
        g.throughput(Throughput::Elements((R * C) as u64));
        g.bench_function(id::<T>(), |bch| {
            bch.iter(|| hadamard(black_box(&a.0), black_box(&b.0)))
        });
        g.finish();
    }
    one::<f32, R, C>(c);
    one::<f64, R, C>(c);
}

/// The peers' shapes: the seed network's first layer on one example (4×3·3×1), a 4×4
/// product (glam's size), then square products up to 64×64.
fn matmul_group(c: &mut Criterion) {
    bench_matmul::<4, 3, 1>(c);
    bench_matmul::<4, 4, 4>(c);
    bench_matmul::<8, 8, 8>(c);
    bench_matmul::<16, 16, 16>(c);
    bench_matmul::<32, 32, 32>(c);
    bench_matmul::<64, 64, 64>(c);
}

/// Shapes of backward passes over a mini-batch of 64 examples (columns): `Wᵀ δ` with
/// `W` (2×4) or (16×16), (64×64) (`tr_mul`), and `dW = δ a_prevᵀ` with `δ` (4×64),
/// `a_prev` (3×64), or `δ` (16×64), `a_prev` (8×64), or 64×64 both (`mul_tr`).
fn backward_group(c: &mut Criterion) {
    bench_tr_mul::<2, 4, 64>(c);
    bench_tr_mul::<16, 16, 64>(c);
    bench_tr_mul::<64, 64, 64>(c);
    bench_mul_tr::<4, 64, 3>(c);
    bench_mul_tr::<16, 64, 8>(c);
    bench_mul_tr::<64, 64, 64>(c);
}

/// The two products that take nearly all of a training step of a 784 → 128 → 10 network on
/// a batch of 64 (the `w3_step` of `benches/network.rs`), in `f32`, boxed: the forward
/// `z[1] = W[1] x` (128×784 · 784×64) and the gradient `dW[1] = δ[1] xᵀ` (128×64 · 64×784).
fn layer_group(c: &mut Criterion) {
    let w = Box::new(filled::<f32, 128, 784>(1));
    let x = Box::new(filled::<f32, 784, 64>(2));
    let delta = Box::new(filled::<f32, 128, 64>(3));
    let mut g = c.benchmark_group("matmul_128x784_784x64");
    g.throughput(Throughput::Elements(2 * 128 * 784 * 64));
    g.bench_function("backprop", |bch| {
        bch.iter(|| matmul(black_box(&w.0), black_box(&x.0)))
    });
    let x_off16 = Box::new(Off16 {
        _pad: [0; 16],
        v: x.0,
    });
    g.bench_function("backprop_x_off16", |bch| {
        bch.iter(|| matmul(black_box(&w.0), black_box(&x_off16.v)))
    });
    g.finish();
    let mut g = c.benchmark_group("mul_tr_128x64_784x64");
    g.throughput(Throughput::Elements(2 * 128 * 784 * 64));
    g.bench_function("backprop", |bch| {
        bch.iter(|| mul_tr(black_box(&delta.0), black_box(&x.0)))
    });
    g.finish();
}

fn elementwise_group(c: &mut Criterion) {
    bench_elementwise::<4, 64>(c);
    bench_elementwise::<16, 16>(c);
    bench_elementwise::<64, 64>(c);
}

criterion_group!(
    benches,
    matmul_group,
    backward_group,
    layer_group,
    elementwise_group
);
criterion_main!(benches);
