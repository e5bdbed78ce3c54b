//! Benchmarks of whole training work: the seed network's forward pass, backward pass and
//! per-example SGD step (f32 and f64), a mini-batch step with m = 64, one epoch of the
//! `breast_cancer` example's network on 455 examples and how it grows from 10 to 10 000
//! examples, one mini-batch step of a heap-held 784 → 128 → 10 network (m = 32), and
//! the large-layer workloads `w3_step` (784 → 128 → 10) and `w4_step`
//! (784 → 256 → 128 → 10): one SGD step (α = 0.01) on a batch of 64 in `f32`, ReLU
//! hidden layers and `SoftmaxCrossEntropy`, with `HeapDense` layers and a boxed batch.
//! Their throughput is in FLOP (2 per multiply-add of the three products of each layer:
//! `W a`, `δ a_prevᵀ` and, except for the first layer, `Wᵀ δ`), so criterion prints
//! GFLOP/s beside the time as `Gelem/s`. `w3_trainer_epoch` trains the `w3_step` network
//! through `Trainer::epoch` for ten such steps, each batch built from a `Dataset`;
//! `w3_fit_epoch` runs the same epoch through `Trainer::fit`, which also evaluates the
//! training set, and `w3_evaluate` is that evaluation one example at a time.
//!
//! Ids are `workload/backprop`, so that they line up with `workload/nalgebra` and
//! `workload/ndarray` of the peer harness in `benches/peers/` (`sgd_step`,
//! `minibatch64_step`). Our `sgd_step/backprop` is forward, `δ[3] = a[3] − y`, backward
//! and the update, without evaluating the cost, which a step does not need;
//! `sgd_step/backprop_with_cost` also computes the loss, as the peers' steps do.
//! `sgd_step/backprop_workspace` and `minibatch64_step/backprop_workspace` hold the
//! output and the forward caches across steps in a `network::Workspace` instead of
//! zeroing fresh ones each step, as the trainer does.
//!
//! `sgd_chain_floor` measures the longest chain of dependent operations in one SGD step,
//! the latency that no implementation of the step can go below.
//!
//! ```sh
//! cargo bench --bench network
//! cargo bench --bench network -- sgd_step     # one group
//! ```

use backprop::data::Dataset;
use backprop::layer::HeapDense;
use backprop::network::{self, SeedLoss, SeedNetwork};
use backprop::optim::{Optimizer, Sgd};
use backprop::rng::Rng;
use backprop::train::Trainer;
use backprop::{Dense, Identity, Matrix, Relu, Scalar, SigmoidCrossEntropy, SoftmaxCrossEntropy};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

const LR: f64 = 0.01;

/// Runs `f` as benchmark `workload/implementation` (a criterion group per workload, as
/// in the peer harness, `benches/peers/`, so the ids line up).
fn bench(
    c: &mut Criterion,
    workload: &str,
    implementation: &str,
    f: impl FnMut(&mut criterion::Bencher<'_>),
) {
    let mut group = c.benchmark_group(workload);
    group.bench_function(implementation, f);
    group.finish();
}

fn random<T: Scalar, const R: usize, const C: usize>(rng: &mut Rng) -> Matrix<T, R, C> {
    Matrix::from_fn(|_, _| rng.uniform(-T::ONE, T::ONE))
}

/// One per-example SGD step with fresh buffers for the forward pass (no cost).
#[inline(never)]
fn sgd_step<T: Scalar>(
    net: &mut SeedNetwork<T>,
    grads: &mut SeedNetwork<T>,
    sgd: &mut Sgd<T>,
    x: &Matrix<T, 3, 1>,
    y: &Matrix<T, 1, 1>,
) {
    network::gradients(net, &SeedLoss::default(), x, y, grads);
    sgd.step(net, grads);
}

/// One per-example SGD step that also returns the loss, as the peers' steps do.
#[inline(never)]
fn sgd_step_with_cost<T: Scalar>(
    net: &mut SeedNetwork<T>,
    grads: &mut SeedNetwork<T>,
    sgd: &mut Sgd<T>,
    x: &Matrix<T, 3, 1>,
    y: &Matrix<T, 1, 1>,
) -> T {
    let cost = network::cost_and_gradients(net, &SeedLoss::default(), x, y, grads);
    sgd.step(net, grads);
    cost
}

/// One mini-batch step on a (3, M) batch.
#[inline(never)]
fn minibatch_step<T: Scalar, const M: usize>(
    net: &mut SeedNetwork<T>,
    grads: &mut SeedNetwork<T>,
    sgd: &mut Sgd<T>,
    x: &Matrix<T, 3, M>,
    y: &Matrix<T, 1, M>,
) {
    network::gradients(net, &SeedLoss::default(), x, y, grads);
    sgd.step(net, grads);
}

/// [`minibatch_step`] with the output and the forward caches held across steps in a
/// [`network::Workspace`], as a training loop can keep them, and as the trainer does
/// (with `M = 1`, the per-example step `sgd_step/backprop_workspace`).
#[inline(never)]
fn minibatch_step_in<T: Scalar, const M: usize>(
    workspace: &mut network::Workspace<T, SeedNetwork<T>, M>,
    net: &mut SeedNetwork<T>,
    grads: &mut SeedNetwork<T>,
    sgd: &mut Sgd<T>,
    x: &Matrix<T, 3, M>,
    y: &Matrix<T, 1, M>,
) {
    network::gradients_in(workspace, net, &SeedLoss::default(), x, y, grads);
    sgd.step(net, grads);
}

fn seed_network_benches<T: Scalar>(c: &mut Criterion, suffix: &str) {
    let mut rng = Rng::new(2024);
    let start: SeedNetwork<T> = network::seed_network(&mut rng);
    let x: Matrix<T, 3, 1> = random(&mut rng);
    let loss = SeedLoss::default();

    bench(c, &format!("seed_forward{suffix}"), "backprop", |b| {
        b.iter(|| network::forward(black_box(&start), black_box(&x)))
    });

    let mut grads = SeedNetwork::<T>::default();
    bench(c, &format!("seed_backward{suffix}"), "backprop", |b| {
        use backprop::Layer;
        b.iter(|| {
            let (output, cache) = start.forward(black_box(&x));
            let y = Matrix::filled(T::ONE);
            let d_output = backprop::Loss::gradient(&loss, &output, &y);
            start.backward_params(&x, &cache, &d_output, &mut grads);
            black_box(&grads);
        })
    });

    let mut sgd = Sgd::new(T::from_f64(LR)).expect("valid learning rate");
    for name in ["backprop", "backprop_with_cost", "backprop_workspace"] {
        let (mut net, mut workspace) = (start, network::Workspace::default());
        let mut toggle = false;
        bench(c, &format!("sgd_step{suffix}"), name, |b| {
            b.iter(|| {
                // y alternates 1, 0, 1, … so the network stays bounded however long it runs.
                toggle = !toggle;
                let y = Matrix::filled(if toggle { T::ONE } else { T::ZERO });
                let x = black_box(&x);
                match name {
                    "backprop" => sgd_step(&mut net, &mut grads, &mut sgd, x, &y),
                    "backprop_with_cost" => {
                        black_box(sgd_step_with_cost(&mut net, &mut grads, &mut sgd, x, &y));
                    }
                    _ => minibatch_step_in(&mut workspace, &mut net, &mut grads, &mut sgd, x, &y),
                }
            })
        });
        assert!(
            backprop::Parameters::is_finite(&net),
            "the benchmarked network diverged"
        );
    }

    let xb: Matrix<T, 3, 64> = random(&mut Rng::new(77));
    let yb: Matrix<T, 1, 64> = Matrix::from_fn(|_, j| if j % 3 == 0 { T::ONE } else { T::ZERO });
    for (name, held) in [("backprop", false), ("backprop_workspace", true)] {
        let (mut net, mut workspace) = (start, network::Workspace::default());
        bench(c, &format!("minibatch64_step{suffix}"), name, |b| {
            b.iter(|| {
                let (x, y) = (black_box(&xb), black_box(&yb));
                if held {
                    minibatch_step_in(&mut workspace, &mut net, &mut grads, &mut sgd, x, y)
                } else {
                    minibatch_step(&mut net, &mut grads, &mut sgd, x, y)
                }
            })
        });
        assert!(
            backprop::Parameters::is_finite(&net),
            "the benchmarked network diverged"
        );
    }
}

fn seed(c: &mut Criterion) {
    seed_network_benches::<f32>(c, "");
    seed_network_benches::<f64>(c, "_f64");
}

/// The `breast_cancer` example's network: 30 → 16 → 8 → 1, ReLU, ReLU, logit.
type BreastCancerNet = (
    Dense<f32, 30, 16, Relu>,
    Dense<f32, 16, 8, Relu>,
    Dense<f32, 8, 1, Identity>,
);

/// Measures one epoch (mini-batches of 16, SGD) of a fresh `BreastCancerNet` over `n`
/// synthetic examples of 30 standard-normal features, as `group/id`.
fn bench_epoch(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    id: &str,
    n: usize,
) {
    let mut rng = Rng::new(n as u64);
    let features: Vec<f32> = (0..n * 30).map(|_| rng.normal::<f32>()).collect();
    let labels: Vec<f32> = (0..n).map(|i| (i % 2) as f32).collect();
    let data = Dataset::from_parts(features, labels, 30).expect("valid data");
    let mut net = BreastCancerNet::default();
    backprop::Parameters::initialize(&mut net, &mut rng);
    let mut sgd = Sgd::new(0.001f32).expect("valid learning rate");
    let order: Vec<usize> = (0..n).collect();
    let trainer = Trainer::<16>::mini_batch(1);
    group.throughput(criterion::Throughput::Elements(n as u64));
    group.bench_function(id, |b| {
        b.iter(|| {
            trainer
                .epoch(
                    &mut net,
                    &SigmoidCrossEntropy,
                    &mut sgd,
                    black_box(&data),
                    &order,
                )
                .expect("an epoch of valid data")
        })
    });
}

/// One epoch of the breast_cancer example's network on as many examples as its data set
/// has, 455.
fn breast_cancer_epoch(c: &mut Criterion) {
    let mut group = c.benchmark_group("breast_cancer_epoch");
    bench_epoch(&mut group, "backprop", 455);
    group.finish();
}

/// How an epoch's time grows with the data set: the breast_cancer network on 10, 100,
/// 1 000 and 10 000 examples (ids `epoch_scaling/N`).
fn epoch_scaling(c: &mut Criterion) {
    let mut group = c.benchmark_group("epoch_scaling");
    for n in [10usize, 100, 1_000, 10_000] {
        bench_epoch(&mut group, &n.to_string(), n);
    }
    group.finish();
}

/// One mini-batch step (m = 32) of a 784 → 128 → 10 network held on the heap.
fn large_network_step(c: &mut Criterion) {
    type Net = (Dense<f32, 784, 128, Relu>, Dense<f32, 128, 10, Identity>);
    let mut rng = Rng::new(9);
    let mut net: Box<Net> = Box::default();
    backprop::Parameters::initialize(&mut *net, &mut rng);
    let mut grads: Box<Net> = Box::default();
    let x: Box<Matrix<f32, 784, 32>> = Box::new(random(&mut rng));
    let y: Matrix<f32, 10, 32> = Matrix::from_fn(|k, j| if k == j % 10 { 1.0 } else { 0.0 });
    let mut sgd = Sgd::new(0.001f32).expect("valid learning rate");
    bench(c, "mnist_minibatch32_step", "backprop", |b| {
        b.iter(|| {
            network::gradients(
                &*net,
                &SoftmaxCrossEntropy,
                black_box(&*x),
                black_box(&y),
                &mut grads,
            );
            sgd.step(&mut *net, &*grads);
        })
    });
}

/// FLOP of one training step of a dense network with layer sizes `sizes` on a batch of
/// `m`: `2·O·I·m` for `W a`, again for `dW = δ a_prevᵀ`, and again for `Wᵀ δ` except in
/// the first layer (whose `∂J/∂x` nobody needs).
fn step_flops(sizes: &[usize], m: usize) -> u64 {
    let mut flops = 0;
    for (l, pair) in sizes.windows(2).enumerate() {
        let products = if l == 0 { 2 } else { 3 };
        flops += products * 2 * pair[0] * pair[1] * m;
    }
    flops as u64
}

/// One SGD step (α = 0.01) of the heap-held network `N` on a batch of 64 in `f32`, as
/// benchmark `workload/backprop` with its FLOP as throughput.
fn bench_large_step<N, const I: usize, const O: usize>(
    c: &mut Criterion,
    workload: &str,
    sizes: &[usize],
) where
    N: backprop::Layer<f32, 64, Input = Matrix<f32, I, 64>, Output = Matrix<f32, O, 64>>
        + backprop::Parameters<f32>
        + Default,
{
    let mut rng = Rng::new(3);
    let mut net = N::default();
    backprop::Parameters::initialize(&mut net, &mut rng);
    let mut grads = N::default();
    let x: Box<Matrix<f32, I, 64>> = Box::new(random(&mut rng));
    let y: Box<Matrix<f32, O, 64>> =
        Box::new(Matrix::from_fn(|k, j| if k == j % O { 1.0 } else { 0.0 }));
    let mut sgd = Sgd::new(0.01f32).expect("valid learning rate");
    let mut group = c.benchmark_group(workload);
    group.throughput(criterion::Throughput::Elements(step_flops(sizes, 64)));
    group.bench_function("backprop", |b| {
        b.iter(|| {
            network::gradients(
                &net,
                &SoftmaxCrossEntropy,
                black_box(&*x),
                black_box(&*y),
                &mut grads,
            );
            sgd.step(&mut net, &grads);
        })
    });
    group.finish();
    assert!(
        backprop::Parameters::is_finite(&net),
        "the benchmarked network diverged"
    );
}

/// The W3 network: 784 → 128 → 10, ReLU then the logits, its parameters on the heap.
type W3 = (
    HeapDense<f32, 784, 128, Relu>,
    HeapDense<f32, 128, 10, Identity>,
);

/// `w3_step`: 784 → 128 → 10 and `w4_step`: 784 → 256 → 128 → 10, one SGD step on a
/// batch of 64 in `f32`.
fn large_layer_steps(c: &mut Criterion) {
    type W4 = (
        HeapDense<f32, 784, 256, Relu>,
        HeapDense<f32, 256, 128, Relu>,
        HeapDense<f32, 128, 10, Identity>,
    );
    bench_large_step::<W3, 784, 10>(c, "w3_step", &[784, 128, 10]);
    bench_large_step::<W4, 784, 10>(c, "w4_step", &[784, 256, 128, 10]);
}

/// `w3_trainer_epoch`: the `w3_step` network trained through [`Trainer::epoch`], one
/// epoch of mini-batches of 64 over 640 synthetic examples (10 steps) in a shuffled
/// order: `w3_step`'s work plus building each batch from the [`Dataset`], whose
/// examples are stored one after another. `w3_fit_epoch`: the same through
/// [`Trainer::fit`], which also evaluates the training set after the epoch;
/// `w3_evaluate`: that evaluation by `train::evaluate`, one example at a time.
fn w3_trainer_epoch(c: &mut Criterion) {
    const N: usize = 640;
    let mut rng = Rng::new(4);
    let features: Vec<f32> = (0..N * 784).map(|_| rng.uniform(-1.0, 1.0)).collect();
    let labels: Vec<f32> = (0..N).map(|i| (i % 10) as f32).collect();
    let data = Dataset::from_parts(features, labels, 784).expect("valid data");
    let mut order: Vec<usize> = (0..N).collect();
    rng.shuffle(&mut order);
    let mut net = W3::default();
    backprop::Parameters::initialize(&mut net, &mut rng);
    let mut sgd = Sgd::new(0.01f32).expect("valid learning rate");
    let trainer = Trainer::<64>::mini_batch(1);
    let mut group = c.benchmark_group("w3_trainer_epoch");
    group.throughput(criterion::Throughput::Elements(
        step_flops(&[784, 128, 10], 64) * (N / 64) as u64,
    ));
    group.bench_function("backprop", |b| {
        b.iter(|| {
            trainer
                .epoch(
                    &mut net,
                    &SoftmaxCrossEntropy,
                    &mut sgd,
                    black_box(&data),
                    &order,
                )
                .expect("an epoch of valid data")
        })
    });
    group.finish();
    // The same epoch through `fit`, which then evaluates the training set (M examples
    // at a time), and that evaluation done by `train::evaluate` (one at a time).
    let mut group = c.benchmark_group("w3_fit_epoch");
    let fit = trainer.quiet();
    group.bench_function("backprop", |b| {
        b.iter(|| {
            fit.fit(
                &mut net,
                &SoftmaxCrossEntropy,
                &mut sgd,
                black_box(&data),
                None,
            )
            .expect("an epoch of valid data")
        })
    });
    group.finish();
    let mut group = c.benchmark_group("w3_evaluate");
    group.bench_function("backprop", |b| {
        b.iter(|| {
            backprop::train::evaluate(&net, &SoftmaxCrossEntropy, black_box(&data))
                .expect("valid data")
        })
    });
    group.finish();
    assert!(
        backprop::Parameters::is_finite(&net),
        "the benchmarked network diverged"
    );
}

/// The longest chain of dependent operations in one per-example SGD step of the seed
/// network, with one unit per layer (the other units' terms are constants, computed in
/// parallel in a real step): `z[1]`, ReLU, `z[2]`, ReLU, `z[3]`, `σ`, `δ[3]`, `δ[2]`,
/// `δ[1]`, the update of `W[1]`, and the next step's `z[1]`, which waits for it. No
/// implementation of the step can take less than this chain's latency (without changing
/// its arithmetic), so it bounds what `sgd_step` can reach: with glibc's `expf` in `σ`
/// (`sgd_chain_floor/glibc_sigmoid`) and with this crate's `sigmoid`
/// (`sgd_chain_floor/backprop_sigmoid`).
struct SgdChain {
    w1: [f32; 3],
    y: f32,
}

impl SgdChain {
    #[inline(always)]
    fn step(&mut self, x: &[f32; 3], sigma: impl Fn(f32) -> f32) {
        // Training drives z[3] to 0 (σ = ½, the mean of the alternating targets), which
        // these constants put at z[1] ≈ 1.2: both ReLUs stay active, so the chain is never
        // cut short by a zero δ that the processor could predict instead of waiting for.
        const B1: f32 = 1.0;
        const C2: f32 = 0.5;
        const C3: f32 = -1.2;
        const W2: f32 = 0.7;
        const W3: f32 = 0.9;
        const LR: f32 = 0.001;
        self.y = 1.0 - self.y;
        let w1 = self.w1;
        let z1 = (w1[0] * x[0] + w1[1] * x[1]) + (w1[2] * x[2] + B1);
        let a1 = if z1 > 0.0 { z1 } else { 0.0 };
        let z2 = W2 * a1 + C2;
        let a2 = if z2 > 0.0 { z2 } else { 0.0 };
        let z3 = W3 * a2 + C3;
        let d3 = sigma(z3) - self.y;
        let d2 = if z2 > 0.0 { W3 * d3 } else { 0.0 };
        let d1 = if z1 > 0.0 { W2 * d2 } else { 0.0 };
        for (w, x) in self.w1.iter_mut().zip(x) {
            *w -= (LR * x) * d1;
        }
    }
}

fn sgd_chain_floor(c: &mut Criterion) {
    let mut group = c.benchmark_group("sgd_chain_floor");
    chain_floor(&mut group, "glibc_sigmoid", |z| 1.0 / (1.0 + (-z).exp()));
    chain_floor(
        &mut group,
        "backprop_sigmoid",
        backprop::activation::sigmoid,
    );
    group.finish();
}

/// One `sgd_chain_floor` benchmark, with `sigma` inlined into the chain.
fn chain_floor(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    sigma: impl Fn(f32) -> f32 + Copy,
) {
    let x = [0.3f32, -0.2, 0.5];
    let mut chain = SgdChain {
        w1: [0.4, 0.1, 0.2],
        y: 0.0,
    };
    group.bench_function(name, |b| b.iter(|| chain.step(black_box(&x), sigma)));
    let z1 = chain.w1.iter().zip(&x).map(|(w, x)| w * x).sum::<f32>() + 1.0;
    assert!(
        z1 > 0.5,
        "{name}: the chain's first ReLU died (z[1] = {z1})"
    );
}

criterion_group!(
    benches,
    seed,
    sgd_chain_floor,
    breast_cancer_epoch,
    epoch_scaling,
    large_network_step,
    large_layer_steps,
    w3_trainer_epoch
);
criterion_main!(benches);
