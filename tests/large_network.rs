//! A network of MNIST's size in `f64`, 784 → 128 → 10 (ReLU, then logits for
//! `SoftmaxCrossEntropy`; 101 770 parameters, 0.78 MiB), goes through everything a user
//! does with it inside a thread with a 2 MiB stack, the default of spawned threads: it is
//! built and initialised, trained for one epoch with SGD, with momentum and with Adam
//! (whose state is one and two more copies of it), saved, loaded into an existing
//! network and into a `Box`, and asked for predictions.
//!
//! It is built of `HeapDense` layers, whose parameters live on the heap, so that no step
//! puts a network-sized value on the stack in any build profile: the tests pass in the
//! test profile (opt-level 1), with `cargo test --release`, and at opt-level 0
//! (`CARGO_PROFILE_TEST_OPT_LEVEL=0 cargo test --test large_network`). A stack overflow
//! aborts the whole test process, so a failure here shows as a crash, not a red test.
//!
//! Why not `Dense`: a network of stack-sized layers is as large as its parameters, and
//! safe Rust cannot put it in a `Box` without building it on the stack first. The least
//! stack each step ran in, found by bisecting a spawned thread's stack size in steps of
//! 4 KiB, each step in a function of its own (opt-level 0 / 1 / 3; "≤ 8" is the
//! smallest stack a thread gets):
//!
//! ```text
//!                                              Dense layers          HeapDense layers
//! Box::<Net>::default(), then initialize       3959 / ≤ 8 / ≤ 8      35 / ≤ 8 / ≤ 8 (by value)
//! Momentum::new, Adam::new (Box::default())    3959 / ≤ 8 / ≤ 8      35 / ≤ 8 / ≤ 8
//! Box::new(persist::load::<f64, Net>(path)?)   6346 / 2395 / 2395    35 / ≤ 8 / ≤ 8
//! persist::save, persist::load_into            —                     35 / ≤ 8 / ≤ 8
//! Trainer::<8>::fit, one epoch, any optimizer  —                     271 / 107 / 111
//! train::predictions, Layer::predict           —                     91 / 47 / 39
//! ```
//!
//! (KiB.) With `Dense` layers, whether a step fits depends on the build profile and on
//! what the compiler inlines around it; with `HeapDense` layers what remains on the
//! stack is the batch, `Matrix<f64, 784, M>`, which the caller chooses (see the crate's
//! `layer::heap_dense` docs).
//!
//! Each run also checks what it computed: the right parameter count, a start near chance
//! (cost near ln 10), a cost that falls in one epoch, and a loaded network equal to the
//! saved one bit for bit, with the same predictions.
// Uses what needs the standard library (the `std` feature, on by default).
#![cfg(feature = "std")]

use backprop::data::Dataset;
use backprop::layer::HeapDense;
use backprop::optim::{Adam, Momentum, Optimizer, Sgd};
use backprop::rng::Rng;
use backprop::train::{self, Trainer};
use backprop::{Identity, Layer, Parameters, Relu, SoftmaxCrossEntropy, persist};

/// The classic MNIST multilayer perceptron, its parameters on the heap.
type Mnist = (
    HeapDense<f64, 784, 128, Relu>,
    HeapDense<f64, 128, 10, Identity>,
);

/// 784 · 128 + 128 + 128 · 10 + 10.
const PARAMETERS: usize = 101_770;

/// The stack of the thread the network lives in: 2 MiB, the default of spawned threads.
const STACK: usize = 2 * 1024 * 1024;

/// Runs `f` in a thread with a [`STACK`]-byte stack and returns what it returns.
fn in_small_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new()
        .name("large network".into())
        .stack_size(STACK)
        .spawn(f)
        .unwrap()
        .join()
        .expect("the thread finished without panicking")
}

/// 32 random "images" of 784 pixels in [0, 1), with random labels 0..9: enough for one
/// epoch of 4 mini-batches of 8, and small enough for an unoptimised build.
fn images(rng: &mut Rng) -> Dataset<f64> {
    let mut pixels = vec![0.0; 32 * 784];
    rng.fill_uniform(&mut pixels, 0.0, 1.0);
    let labels = (0..32).map(|_| rng.below(10) as f64).collect();
    Dataset::from_parts(pixels, labels, 784).unwrap()
}

/// A fresh network: zeros on the heap, then He (layer 1) and Xavier (layer 2) in place.
fn fresh(rng: &mut Rng) -> Mnist {
    let mut net = Mnist::default();
    net.initialize(rng);
    net
}

/// What a training run reports: the parameter count, the training cost before, and
/// after one epoch.
struct Run {
    parameters: usize,
    before: f64,
    after: f64,
}

/// Builds the data, the network and (with `make_optimizer`) its optimizer, and trains
/// for one epoch of 4 mini-batches of 8: all inside a 2 MiB thread.
fn train_one_epoch<P: Optimizer<f64, Mnist> + 'static>(make_optimizer: fn() -> P) -> Run {
    in_small_stack(move || {
        let mut rng = Rng::new(1);
        let data = images(&mut rng);
        let mut net = fresh(&mut rng);
        let mut optimizer = make_optimizer();
        let loss = SoftmaxCrossEntropy;
        let before = train::evaluate(&net, &loss, &data).unwrap().cost;
        let history = Trainer::<8>::mini_batch(1)
            .seed(2)
            .quiet()
            .fit(&mut net, &loss, &mut optimizer, &data, None)
            .unwrap();
        Run {
            parameters: net.parameter_count(),
            before,
            after: history.train[0].cost,
        }
    })
}

/// The claims about a run: the right size, a start near chance, a cost that falls.
fn check(run: &Run) {
    assert_eq!(run.parameters, PARAMETERS);
    // A fresh network guesses: the cost starts near ln 10 ≈ 2.30.
    assert!(
        (run.before - 10f64.ln()).abs() < 1.0,
        "initial cost {}",
        run.before
    );
    assert!(
        run.after < run.before,
        "cost {} → {}",
        run.before,
        run.after
    );
}

#[test]
fn a_784_128_10_network_of_heap_dense_layers_is_a_few_pointers_by_value() {
    // Two layers of two boxed matrices each (and zero-sized activations): what
    // `Mnist::default()`, an optimizer's `Box<Mnist>` and a gradient buffer put on the
    // stack.
    assert_eq!(
        size_of::<Mnist>(),
        4 * size_of::<Box<[f64; 1]>>(),
        "two layers, two pointers each"
    );
    let net = in_small_stack(|| {
        let net = fresh(&mut Rng::new(3));
        (net.parameter_count(), net.0.weights.as_slice().to_vec())
    });
    assert_eq!(net.0, PARAMETERS);
    // He initialisation: W[1] drawn from N(0, 2/784); over 100 352 draws the sample
    // variance is within 5 % of 2/784.
    let w = &net.1;
    let variance = w.iter().map(|v| v * v).sum::<f64>() / w.len() as f64;
    assert!((variance / (2.0 / 784.0) - 1.0).abs() < 0.05, "{variance}");
}

#[test]
fn a_784_128_10_network_trains_one_epoch_with_sgd_in_a_2_mib_stack() {
    check(&train_one_epoch(|| Sgd::new(0.01).unwrap()));
}

#[test]
fn a_784_128_10_network_trains_one_epoch_with_momentum_in_a_2_mib_stack() {
    check(&train_one_epoch(|| Momentum::new(0.01, 0.9).unwrap()));
}

#[test]
fn a_784_128_10_network_trains_one_epoch_with_adam_in_a_2_mib_stack() {
    check(&train_one_epoch(|| Adam::new(1e-3).unwrap()));
}

#[test]
fn a_784_128_10_network_is_saved_loaded_and_predicts_the_same_in_a_2_mib_stack() {
    let path =
        std::env::temp_dir().join(format!("backprop-large-network-{}.txt", std::process::id()));
    let file = path.clone();
    in_small_stack(move || {
        let mut rng = Rng::new(4);
        let data = images(&mut rng);
        let mut net = fresh(&mut rng);
        let mut adam = Adam::new(1e-3).unwrap();
        let loss = SoftmaxCrossEntropy;
        Trainer::<8>::mini_batch(1)
            .quiet()
            .fit(&mut net, &loss, &mut adam, &data, None)
            .unwrap();
        persist::save(&net, &file).unwrap();

        // Into an existing network (another fresh one: every parameter is overwritten).
        let mut into = fresh(&mut rng);
        assert!(into != net);
        persist::load_into(&mut into, &file).unwrap();
        // Into a Box: `load` returns the network by value, which is a few pointers.
        let boxed: Box<Mnist> = Box::new(persist::load(&file).unwrap());

        let bits = |n: &Mnist| -> Vec<u64> { n.blocks().flatten().map(|v| v.to_bits()).collect() };
        assert_eq!(bits(&into), bits(&net));
        assert_eq!(bits(&boxed), bits(&net));

        // The same predictions: the class of every example, and the logits of one.
        let expected = train::predictions(&net, &loss, &data).unwrap();
        assert_eq!(train::predictions(&into, &loss, &data).unwrap(), expected);
        assert_eq!(train::predictions(&*boxed, &loss, &data).unwrap(), expected);
        let (x, _) = data.example::<784>(0).unwrap();
        let logits = Layer::<f64, 1>::predict(&*boxed, &x);
        assert_eq!(logits, Layer::<f64, 1>::predict(&net, &x));
        assert!(expected.iter().all(|&k| (0.0..10.0).contains(&k)));
    });
    std::fs::remove_file(&path).unwrap();
}
