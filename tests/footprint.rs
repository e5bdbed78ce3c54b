//! Proves what training the seed network costs in memory, for a device with no heap and
//! a small stack:
//!
//! - the bytes of the seed network (3 → 4 → 2 → 1, 29 parameters), its gradients, the
//!   state of each optimizer, and the values one training step keeps live (the forward
//!   pass's caches and one batch), by `size_of`; these are the numbers the crate's docs
//!   state (`train` module, "Training without an allocator");
//! - a whole training run, `Trainer::fit_examples` over a fixed array of examples, in a
//!   thread whose stack is 64 KiB, with zero heap allocations from the first line of the
//!   thread to the last, reaching more than 95 % accuracy on held-out points of a
//!   linearly separable toy set.
//!
//! The stack claim holds in every profile: CI runs this file in the test profile
//! (opt-level 1, where 16 KiB also pass) and at opt-level 0 (where 48 KiB pass).
//!
//! The allocation counter is `tests/common/counting.rs` (shared with
//! `tests/zero_alloc.rs`).

use backprop::network::{self, SeedLoss, SeedNetwork};
use backprop::optim::{Adam, Momentum, Sgd};
use backprop::rng::Rng;
use backprop::train::{self, Example, Trainer};
use backprop::{Layer, Matrix};
use std::mem::size_of;

#[path = "common/counting.rs"]
mod counting;
use counting::allocations_in;

/// The stack of the training thread.
const STACK: usize = 64 * 1024;

/// Training examples and held-out examples of the toy set.
const TRAIN: usize = 256;
const TEST: usize = 256;

/// A point of `[−1, 1)³` and its label: 1 when `x₀ − x₁ + ½ x₂ > 0` (a plane through
/// the origin, so the classes are linearly separable).
fn point(rng: &mut Rng) -> Example<f32, 3, 1> {
    let x = Matrix::from_fn(|_, _| rng.uniform(-1.0f32, 1.0));
    let side = x[(0, 0)] - x[(1, 0)] + 0.5 * x[(2, 0)];
    (x, Matrix::from_column([if side > 0.0 { 1.0 } else { 0.0 }]))
}

#[test]
fn the_seed_network_its_gradients_and_its_optimizers_take_these_bytes() {
    // 29 parameters of 4 bytes: the network, and its gradient, which has its type [M2].
    assert_eq!(size_of::<SeedNetwork<f32>>(), 29 * 4);
    assert_eq!(size_of::<SeedNetwork<f64>>(), 29 * 8);
    // SGD keeps its rate and weight decay; momentum one more network (the velocity);
    // Adam two more (the moments), the four constants, the decay and the step count.
    assert_eq!(size_of::<Sgd<f32>>(), 12);
    assert_eq!(size_of::<Momentum<f32, SeedNetwork<f32>>>(), 116 + 16);
    assert_eq!(size_of::<Adam<f32, SeedNetwork<f32>>>(), 2 * 116 + 28);
}

#[test]
fn one_training_step_keeps_under_half_a_kilobyte_live() {
    // A per-example step: the input and target columns, the forward pass's caches (the
    // z[l] and a[l] each layer's backward pass needs), and the gradients.
    type Cache1 = <SeedNetwork<f32> as Layer<f32, 1>>::Cache;
    let example = size_of::<Example<f32, 3, 1>>();
    let step = example + size_of::<Cache1>() + size_of::<SeedNetwork<f32>>();
    assert_eq!(example, 16);
    assert!(step < 512, "{step} bytes");
    // A mini-batch step of 8: the batch and the caches grow with M, the gradients do not.
    type Cache8 = <SeedNetwork<f32> as Layer<f32, 8>>::Cache;
    let batch = size_of::<Matrix<f32, 3, 8>>() + size_of::<Matrix<f32, 1, 8>>();
    assert_eq!(batch, 128);
    assert!(batch + size_of::<Cache8>() + size_of::<SeedNetwork<f32>>() < 2048);
}

/// Trains the seed network on `TRAIN` examples with `fit_examples` and returns the
/// held-out accuracy, everything on this thread's stack.
fn train_on_the_stack() -> f64 {
    let mut rng = Rng::new(2026);
    let mut train: [Example<f32, 3, 1>; TRAIN] = core::array::from_fn(|_| point(&mut rng));
    let test: [Example<f32, 3, 1>; TEST] = core::array::from_fn(|_| point(&mut rng));
    let mut net: SeedNetwork<f32> = network::seed_network(&mut rng);
    let mut adam = Adam::new(0.01).expect("a valid rate");
    let loss = SeedLoss::default();
    let fitted = Trainer::<8>::mini_batch(60)
        .seed(1)
        .evaluate_every(10)
        .fit_examples(&mut net, &loss, &mut adam, &mut train, None)
        .expect("training succeeds");
    assert_eq!(fitted.epochs_trained, 60);
    train::evaluate_examples(&net, &loss, &test)
        .expect("a non-empty test set")
        .accuracy
}

#[test]
fn the_seed_network_trains_above_95_percent_in_a_64_kib_stack_with_no_allocation() {
    let (accuracy, allocations) = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(|| {
            let mut accuracy = 0.0;
            let allocations = allocations_in(|| accuracy = train_on_the_stack());
            (accuracy, allocations)
        })
        .expect("a thread")
        .join()
        .expect("training does not overflow the stack");
    assert_eq!(allocations, 0, "training allocated");
    assert!(accuracy > 0.95, "held-out accuracy {accuracy}");
}

#[test]
fn the_counter_sees_an_allocation_in_the_small_thread() {
    // Without this, a counter that never counts would make the test above pass.
    let allocations = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(|| allocations_in(|| drop(std::hint::black_box(Box::new(1u8)))))
        .expect("a thread")
        .join()
        .expect("no overflow");
    assert_eq!(allocations, 1);
}
