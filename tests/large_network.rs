//! A network of MNIST's size, 784 → 128 → 10 (ReLU, then logits for
//! `SoftmaxCrossEntropy`; 101 770 parameters, about 400 KB in f32), can be built, trained
//! with Adam (whose two moments are two more copies of it) and dropped inside a thread
//! with a 2 MiB stack, as a user writes it: network and optimizer in a `Box`.
//!
//! Everything is a fixed-size array inside the types, so each value is as large as its
//! parameters; the point of the test is that no step of building, training or dropping
//! puts such values on the stack beyond what a spawned thread's default 2 MiB can hold.
//! It also checks that the few steps taken lower the training cost.
//!
//! The same run with SGD, which keeps no state, is checked too: it isolates the network,
//! the data and the training loop from the optimizer's state.
//!
//! Where the stack went before the crate was fixed for this (test profile, opt-level 1;
//! the least stack each step ran in, found by bisecting the thread's stack size):
//!
//! ```text
//! Box::new((Dense::init(&mut rng), Dense::init(&mut rng)))   803 KiB  W[1] twice, by value
//! Box::new(Adam::new(α).unwrap())                           1595 KiB  m and v, twice, by value
//! Box::new(Momentum::new(α, β).unwrap())                     803 KiB  the velocity, twice
//! Trainer::fit (any schedule)                                475 KiB  dW[1] = δ a_prevᵀ, a
//!                                                                     by-value temporary
//! ```
//!
//! The whole Adam run needed about 2071 KiB and overflowed. Now the optimizers keep
//! their state in `Box`es built in place, backward writes `dW` straight into the
//! gradient (`mul_tr_to`), and the network is built as `Box::default()` and initialised
//! in place with `Parameters::initialize` (11 KiB), so both runs fit in 2 MiB.

use backprop::data::Dataset;
use backprop::optim::{Adam, Optimizer, Sgd};
use backprop::rng::Rng;
use backprop::train::{self, Trainer};
use backprop::{Dense, Identity, Parameters, Relu, SoftmaxCrossEntropy};

/// The classic MNIST multilayer perceptron.
type Mnist = (Dense<f32, 784, 128, Relu>, Dense<f32, 128, 10, Identity>);

/// The stack of the thread the network lives in: 2 MiB, the default of spawned threads.
const STACK: usize = 2 * 1024 * 1024;

/// What a run reports: the parameter count, the training cost before training, and the
/// training cost after each epoch.
struct Run {
    parameters: usize,
    before: f64,
    after: Vec<f64>,
}

/// Builds the data, the network and (with `make_optimizer`) its optimizer, trains for 2
/// epochs of 4 mini-batches of 8, and drops everything: all inside a thread with a
/// [`STACK`]-byte stack.
fn in_small_stack<P: Optimizer<f32, Mnist> + 'static>(make_optimizer: fn() -> Box<P>) -> Run {
    let handle = std::thread::Builder::new()
        .name("large network".into())
        .stack_size(STACK)
        .spawn(move || {
            // 32 random "images" of 784 pixels in [0, 1), with random labels 0..9.
            let mut rng = Rng::new(1);
            let mut pixels = vec![0.0f32; 32 * 784];
            rng.fill_uniform(&mut pixels, 0.0, 1.0);
            let labels = (0..32).map(|_| rng.below(10) as f32).collect();
            let data = Dataset::from_parts(pixels, labels, 784).unwrap();

            // The network and its optimizer on the heap, as a user would put them.
            let mut net: Box<Mnist> = Box::default();
            net.initialize(&mut rng);
            let mut optimizer = make_optimizer();

            let loss = SoftmaxCrossEntropy;
            let before = train::evaluate(&*net, &loss, &data).unwrap().cost;
            let history = Trainer::<8>::mini_batch(2)
                .seed(2)
                .quiet()
                .fit(&mut *net, &loss, &mut *optimizer, &data, None)
                .unwrap();
            let parameters = net.parameter_count();
            drop(optimizer);
            drop(net);
            Run {
                parameters,
                before,
                after: history.train.iter().map(|e| e.cost).collect(),
            }
        })
        .unwrap();
    handle
        .join()
        .expect("the thread finished without panicking")
}

/// The claims about a run: the right size, a start near chance, and a cost that falls
/// with each epoch (on 32 examples the network starts to memorise them).
fn check(run: &Run) {
    assert_eq!(run.parameters, 784 * 128 + 128 + 128 * 10 + 10); // 101 770
    // A fresh network guesses: the cost starts near log 10 ≈ 2.30.
    assert!(
        (run.before - 10f64.ln()).abs() < 1.0,
        "initial cost {}",
        run.before
    );
    assert_eq!(run.after.len(), 2);
    assert!(
        run.after[0] < run.before && run.after[1] < run.after[0],
        "cost {} → {:?}",
        run.before,
        run.after
    );
}

#[test]
fn a_784_128_10_network_with_adam_trains_in_a_thread_with_a_2_mib_stack() {
    check(&in_small_stack(|| Box::new(Adam::new(1e-3).unwrap())));
}

#[test]
fn a_784_128_10_network_with_sgd_trains_in_a_thread_with_a_2_mib_stack() {
    check(&in_small_stack(|| Box::new(Sgd::new(0.01).unwrap())));
}
