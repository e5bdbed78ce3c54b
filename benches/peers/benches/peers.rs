//! Peer benchmarks. Benchmark ids are `<workload>/<implementation>`, so a new
//! implementation (e.g. the project's crate) is paired by adding one
//! `bench_function("<name>", ...)` to each workload group (see README.md).
//!
//! Workloads:
//! * `matmul_RxK_KxC` : one f32 product of fixed shapes; throughput = 2*R*K*C FLOP;
//!                      inputs 64-byte aligned (see `Al`); for the 4x3 and 4x4 shapes
//!                      also `<impl>_inl`, the product inlined into the loop
//! * `matmul_64x64_64x64_off16`: the 64x64 product with inputs at 16 mod 64
//! * `sgd_step`       : one per-example SGD step of the seed network (forward, loss,
//!                      backward, update), in place; y alternates 0, 1, 0, ...
//! * `minibatch64_step`: one mini-batch (m = 64) gradient step, in place, fixed X, Y
//! * `scalar_sigmoid_bce`: calibration only, the step's exp + 2 ln scalar tail
//!
//! Inputs go through `black_box(&input)` every iteration and criterion black-boxes
//! the returned value, so neither the loads nor the result can be folded away.
//! Every measured kernel is an `#[inline(never)]` function (`peers::mm::*`, the
//! `step`/`step_batch` methods), so its machine code does not depend on this file.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nalgebra::{SMatrix, Vector3};
use peers::{ours, arrays, flops, mm, nalg, nd, nd_vec, Params, Rng, LR};

/// Every fixed-size input lives at a 64-byte boundary. Without this its address is
/// decided by the per-process stack randomisation (16-byte steps), and with
/// `-C target-cpu=native` (AVX-512 loads) a 64x64 product flips between ~2.7 µs
/// (aligned) and ~4.6 µs (not) from one run to the next (see examples/align_probe.rs).
#[repr(C, align(64))]
struct Al<T>(T);

/// The same data deliberately 16 bytes past a 64-byte boundary, where a heap block
/// or a stack slot often lands (used by the `*_off16` group).
#[repr(C, align(64))]
struct Off16<T> {
    _pad: [u8; 16],
    v: T,
}

fn bench_matmul<const R: usize, const K: usize, const C: usize>(c: &mut Criterion) {
    let mut rng = Rng::new((R * 1000 + K * 100 + C) as u64);
    let a: Al<[[f32; K]; R]> = Al(rng.array());
    let b: Al<[[f32; C]; K]> = Al(rng.array());
    let na = Al(SMatrix::<f32, R, K>::from_fn(|i, j| a.0[i][j]));
    let nb = Al(SMatrix::<f32, K, C>::from_fn(|i, j| b.0[i][j]));
    let pa = Al(backprop::Matrix::<f32, R, K>::from_rows(a.0));
    let pb = Al(backprop::Matrix::<f32, K, C>::from_rows(b.0));
    {
        let want = arrays::matmul(&a.0, &b.0);
        let got = mm::backprop(&pa.0, &pb.0);
        for i in 0..R {
            for j in 0..C {
                assert!((got[(i, j)] - want[i][j]).abs() <= 1e-4 * (1.0 + want[i][j].abs()));
            }
        }
    }
    let da = nd::a2(&a.0);
    let db = nd::a2(&b.0);

    let mut g = c.benchmark_group(format!("matmul_{R}x{K}_{K}x{C}"));
    g.throughput(Throughput::Elements((2 * R * K * C) as u64));
    g.bench_function("nalgebra", |bch| bch.iter(|| mm::nalgebra(black_box(&na.0), black_box(&nb.0))));
    g.bench_function("backprop", |bch| bch.iter(|| mm::backprop(black_box(&pa.0), black_box(&pb.0))));
    g.bench_function("arrays_ijk", |bch| bch.iter(|| mm::arrays_ijk(black_box(&a.0), black_box(&b.0))));
    g.bench_function("arrays_ikj", |bch| bch.iter(|| mm::arrays_ikj(black_box(&a.0), black_box(&b.0))));
    // ndarray: dynamic shapes; `.dot` allocates the result (as users write it).
    g.bench_function("ndarray", |bch| bch.iter(|| mm::ndarray(black_box(&da), black_box(&db))));
    if R == 4 && K == 4 && C == 4 {
        // glam is column-major: build the same matrices from columns.
        let (a, b) = (&a.0, &b.0);
        let ga = glam::Mat4::from_cols_array_2d(&std::array::from_fn(|j| std::array::from_fn(|i| a[i][j])));
        let gb = glam::Mat4::from_cols_array_2d(&std::array::from_fn(|j| std::array::from_fn(|i| b[i][j])));
        // sanity: same product as the arrays version
        let gc = ga * gb;
        let ac = arrays::matmul(a, b);
        for i in 0..4 {
            for j in 0..4 {
                assert!((gc.col(j)[i] - ac[i][j]).abs() < 1e-5);
            }
        }
        g.bench_function("glam", |bch| bch.iter(|| mm::glam(black_box(&ga), black_box(&gb))));
        g.bench_function("glam_inl", |bch| bch.iter(|| *black_box(&ga) * *black_box(&gb)));
    }
    if R <= 4 {
        // Tiny shapes: the call of a non-inlined kernel is a large part of the time, so
        // also measure the product inlined into the loop, as user code would get it.
        // (Inlined code may change with edits to this file; see `peers::mm`.)
        g.bench_function("nalgebra_inl", |bch| bch.iter(|| black_box(&na.0) * black_box(&nb.0)));
        g.bench_function("backprop_inl", |bch| bch.iter(|| black_box(&pa.0) * black_box(&pb.0)));
        g.bench_function("arrays_ijk_inl", |bch| bch.iter(|| arrays::matmul(black_box(&a.0), black_box(&b.0))));
        g.bench_function("arrays_ikj_inl", |bch| bch.iter(|| arrays::matmul_ikj(black_box(&a.0), black_box(&b.0))));
    }
    g.finish();

    if R == 64 {
        // Same product with both inputs at 16 mod 64 (where stack/heap data often lands).
        let oa = Off16 { _pad: [0; 16], v: na.0 };
        let ob = Off16 { _pad: [0; 16], v: nb.0 };
        let qa = Off16 { _pad: [0; 16], v: pa.0 };
        let qb = Off16 { _pad: [0; 16], v: pb.0 };
        let pa = Off16 { _pad: [0; 16], v: a.0 };
        let pb = Off16 { _pad: [0; 16], v: b.0 };
        assert_eq!((&oa.v as *const _ as usize) % 64, 16);
        let mut g = c.benchmark_group(format!("matmul_{R}x{K}_{K}x{C}_off16"));
        g.throughput(Throughput::Elements((2 * R * K * C) as u64));
        g.bench_function("nalgebra", |bch| bch.iter(|| mm::nalgebra(black_box(&oa.v), black_box(&ob.v))));
        g.bench_function("arrays_ikj", |bch| bch.iter(|| mm::arrays_ikj(black_box(&pa.v), black_box(&pb.v))));
        g.bench_function("backprop", |bch| bch.iter(|| mm::backprop(black_box(&qa.v), black_box(&qb.v))));
        g.finish();
    }
}

fn matmul(c: &mut Criterion) {
    bench_matmul::<4, 3, 1>(c);
    bench_matmul::<4, 4, 4>(c);
    bench_matmul::<8, 8, 8>(c);
    bench_matmul::<16, 16, 16>(c);
    bench_matmul::<32, 32, 32>(c);
    bench_matmul::<64, 64, 64>(c);
}

fn seed_inputs() -> (Params, [f32; 3]) {
    let mut rng = Rng::new(2024);
    let p = Params::random(&mut rng);
    let x = [rng.f32(), rng.f32(), rng.f32()];
    (p, x)
}

fn sgd_step(c: &mut Criterion) {
    let (p, x) = seed_inputs();
    let mut g = c.benchmark_group("sgd_step");
    g.throughput(Throughput::Elements(flops::SGD_STEP_DENSE));

    {
        let mut net = Al(nalg::Net::from_params(&p));
        let xv = Al(Vector3::new(x[0], x[1], x[2]));
        let mut y = 0.0f32;
        g.bench_function("nalgebra", |bch| {
            bch.iter(|| {
                y = 1.0 - y;
                net.0.step(black_box(&xv.0), black_box(y), black_box(LR))
            })
        });
        assert!(net.0.to_params().is_finite(), "nalgebra net diverged");
    }
    {
        let mut net = Al(ours::Net::from_params(&p));
        let xv = Al(backprop::Matrix::from_column(x));
        let mut y = 0.0f32;
        g.bench_function("backprop", |bch| {
            bch.iter(|| {
                y = 1.0 - y;
                net.0.step(black_box(&xv.0), black_box(y), black_box(LR))
            })
        });
        assert!(net.0.to_params().is_finite(), "backprop net diverged");
    }
    {
        let mut net = Al(ours::Net::from_params(&p));
        let xv = Al(backprop::Matrix::from_column(x));
        let mut y = 0.0f32;
        g.bench_function("backprop_nocost", |bch| {
            bch.iter(|| {
                y = 1.0 - y;
                net.0.step_nocost(black_box(&xv.0), black_box(y), black_box(LR))
            })
        });
        assert!(net.0.to_params().is_finite(), "backprop net diverged");
    }
    {
        let mut net = Al(ours::Net::from_params(&p));
        let mut workspace = backprop::network::Workspace::default();
        let xv = Al(backprop::Matrix::from_column(x));
        let mut y = 0.0f32;
        g.bench_function("backprop_workspace", |bch| {
            bch.iter(|| {
                y = 1.0 - y;
                net.0.step_in(&mut workspace, black_box(&xv.0), black_box(y), black_box(LR))
            })
        });
        assert!(net.0.to_params().is_finite(), "backprop net diverged");
    }
    {
        let mut net = nd::Net::from_params(&p);
        let xv = nd::col(&x);
        let mut y = 0.0f32;
        g.bench_function("ndarray", |bch| {
            bch.iter(|| {
                y = 1.0 - y;
                net.step(black_box(&xv), black_box(y), black_box(LR))
            })
        });
        assert!(net.to_params().is_finite(), "ndarray net diverged");
    }
    {
        let mut net = nd_vec::Net::from_params(&p);
        let xv = ndarray::Array1::from(x.to_vec());
        let mut y = 0.0f32;
        g.bench_function("ndarray_vec", |bch| {
            bch.iter(|| {
                y = 1.0 - y;
                net.step(black_box(&xv), black_box(y), black_box(LR))
            })
        });
        assert!(net.to_params().is_finite(), "ndarray_vec net diverged");
    }
    {
        let mut net = Al(arrays::Net::from_params(&p));
        let xv = Al([[x[0]], [x[1]], [x[2]]]);
        let mut y = 0.0f32;
        g.bench_function("arrays", |bch| {
            bch.iter(|| {
                y = 1.0 - y;
                net.0.step(black_box(&xv.0), black_box(y), black_box(LR))
            })
        });
        assert!(net.0.to_params().is_finite(), "arrays net diverged");
    }
    // The same two steps with this crate's `σ` in place of glibc's `expf`: what is left
    // between `nalgebra_backprop_sigmoid` and `arrays_backprop_sigmoid` is the storage
    // order (column-major against row-major), and what is left between the latter and
    // `backprop` is the crate's own code.
    {
        let mut net = Al(nalg::Net::from_params(&p));
        let xv = Al(Vector3::new(x[0], x[1], x[2]));
        let mut y = 0.0f32;
        g.bench_function("nalgebra_backprop_sigmoid", |bch| {
            bch.iter(|| {
                y = 1.0 - y;
                net.0.step_backprop_sigmoid(black_box(&xv.0), black_box(y), black_box(LR))
            })
        });
        assert!(net.0.to_params().is_finite(), "nalgebra net diverged");
    }
    {
        let mut net = Al(arrays::Net::from_params(&p));
        let xv = Al([[x[0]], [x[1]], [x[2]]]);
        let mut y = 0.0f32;
        g.bench_function("arrays_backprop_sigmoid", |bch| {
            bch.iter(|| {
                y = 1.0 - y;
                net.0.step_backprop_sigmoid(black_box(&xv.0), black_box(y), black_box(LR))
            })
        });
        assert!(net.0.to_params().is_finite(), "arrays net diverged");
    }
    g.finish();
}

fn minibatch_step(c: &mut Criterion) {
    const M: usize = 64;
    let (p, _) = seed_inputs();
    let mut rng = Rng::new(77);
    let x: Al<[[f32; M]; 3]> = Al(rng.array());
    let mut y = Al([[0.0f32; M]; 1]);
    for v in y.0[0].iter_mut() {
        *v = if rng.f32() > 0.0 { 1.0 } else { 0.0 };
    }
    let mut g = c.benchmark_group("minibatch64_step");
    g.throughput(Throughput::Elements(flops::minibatch_dense(M as u64)));

    {
        let mut net = Al(nalg::Net::from_params(&p));
        let xm = Al(SMatrix::<f32, 3, M>::from_fn(|i, j| x.0[i][j]));
        let ym = Al(SMatrix::<f32, 1, M>::from_fn(|i, j| y.0[i][j]));
        g.bench_function("nalgebra", |bch| {
            bch.iter(|| net.0.step_batch(black_box(&xm.0), black_box(&ym.0), black_box(LR)))
        });
        assert!(net.0.to_params().is_finite(), "nalgebra net diverged");
    }
    {
        let mut net = Al(ours::Net::from_params(&p));
        let xm = Al(backprop::Matrix::from_rows(x.0));
        let ym = Al(backprop::Matrix::from_rows(y.0));
        g.bench_function("backprop", |bch| {
            bch.iter(|| net.0.step_batch(black_box(&xm.0), black_box(&ym.0), black_box(LR)))
        });
        assert!(net.0.to_params().is_finite(), "backprop net diverged");
        let mut net = Al(ours::Net::from_params(&p));
        g.bench_function("backprop_nocost", |bch| {
            bch.iter(|| net.0.step_batch_nocost(black_box(&xm.0), black_box(&ym.0), black_box(LR)))
        });
    }
    {
        let mut net = nd::Net::from_params(&p);
        let xm = nd::a2(&x.0);
        let ym = nd::a2(&y.0);
        g.bench_function("ndarray", |bch| {
            bch.iter(|| net.step_batch(black_box(&xm), black_box(&ym), black_box(LR)))
        });
        assert!(net.to_params().is_finite(), "ndarray net diverged");
    }
    {
        let mut net = Al(arrays::Net::from_params(&p));
        g.bench_function("arrays", |bch| {
            bch.iter(|| net.0.step_batch(black_box(&x.0), black_box(&y.0), black_box(LR)))
        });
        assert!(net.0.to_params().is_finite(), "arrays net diverged");
    }
    g.finish();
}

/// Calibration, not a peer: the per-example step's scalar tail alone (sigmoid = 1 exp,
/// BCE = 2 ln, std's f32 libm calls), i.e. the part no matrix library can speed up.
fn scalar_tail(c: &mut Criterion) {
    let mut g = c.benchmark_group("scalar_sigmoid_bce");
    let mut y = 0.0f32;
    g.bench_function("std", |bch| {
        bch.iter(|| {
            y = 1.0 - y;
            let a3 = peers::sigmoid(black_box(0.3f32));
            peers::bce(a3, black_box(y))
        })
    });
    g.finish();
}

criterion_group!(benches, matmul, sgd_step, minibatch_step, scalar_tail);
criterion_main!(benches);
