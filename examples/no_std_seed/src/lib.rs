//! Trains the seed network (3 → 4 → 2 → 1: ReLU, ReLU, sigmoid with cross-entropy) on a
//! fixed array of examples, with nothing but `core` and `backprop` built with
//! `default-features = false`: no standard library, no allocator, every value on the
//! stack. This library builds for a microcontroller as it is:
//!
//! ```sh
//! rustup target add thumbv7em-none-eabihf
//! cargo build --release --lib --target thumbv7em-none-eabihf
//! ```
//!
//! A firmware calls [`train`] from its entry point (with `cortex-m-rt`, say) and
//! provides its own panic handler; `src/main.rs` runs the same function on the host.
#![no_std]
#![forbid(unsafe_code)]

use backprop::network::{self, SeedLoss, SeedNetwork};
use backprop::optim::Adam;
use backprop::rng::Rng;
use backprop::train::{self, Example, Fitted, Trainer};
use backprop::{Error, Matrix};

/// Training examples; a device would read them from a sensor into this array.
pub const TRAIN: usize = 128;
/// Held-out examples, to measure the accuracy on points the network has not seen.
pub const TEST: usize = 128;

/// What a training run gives back: the trained network, how the run went, and its
/// accuracy on the held-out points.
pub struct Trained {
    /// The trained network: 29 `f32` parameters, 116 bytes.
    pub net: SeedNetwork<f32>,
    /// Epochs trained and the last evaluation on the training examples.
    pub fitted: Fitted,
    /// The fraction of held-out points classified right.
    pub test_accuracy: f64,
}

/// A point of `[−1, 1)³` labelled 1 when `x₀ − x₁ + ½ x₂ > 0` (two classes a plane
/// separates): a stand-in for data a device measures.
pub fn point(rng: &mut Rng) -> Example<f32, 3, 1> {
    let x = Matrix::from_fn(|_, _| rng.uniform(-1.0f32, 1.0));
    let side = x[(0, 0)] - x[(1, 0)] + 0.5 * x[(2, 0)];
    (x, Matrix::from_column([if side > 0.0 { 1.0 } else { 0.0 }]))
}

/// Trains the seed network from `seed`: Adam 0.01, mini-batches of 8, 60 epochs, on
/// [`TRAIN`] points, then evaluates it on [`TEST`] others.
///
/// # Errors
/// As [`Trainer::fit_examples`] (a diverging run, say); the message is a fixed-size
/// string, since there is no allocator.
pub fn train(seed: u64) -> Result<Trained, Error> {
    let mut rng = Rng::new(seed);
    let mut examples: [Example<f32, 3, 1>; TRAIN] = core::array::from_fn(|_| point(&mut rng));
    let held_out: [Example<f32, 3, 1>; TEST] = core::array::from_fn(|_| point(&mut rng));
    let mut net: SeedNetwork<f32> = network::seed_network(&mut rng);
    let mut adam = Adam::new(0.01)?;
    let loss = SeedLoss::default();
    let fitted = Trainer::<8>::mini_batch(60)
        .seed(seed)
        .evaluate_every(10)
        .fit_examples(&mut net, &loss, &mut adam, &mut examples, None)?;
    let test_accuracy = train::evaluate_examples(&net, &loss, &held_out)?.accuracy;
    Ok(Trained {
        net,
        fitted,
        test_accuracy,
    })
}
