//! The seed's own network, 3 → 4 → 2 → 1 (ReLU, ReLU, sigmoid, cross-entropy), on a
//! small synthetic data set of "happy" (0) and "sad" (1) examples.
//!
//! 1. One backward pass: the 29 gradients [N4], each labelled with the tag of the
//!    derivation that gives it, checked against central finite differences.
//! 2. Training from the same start with the seed's three flavours of gradient descent:
//!    stochastic [C5], mini-batch and batch [C6], all with the update of [C7]; the three
//!    learning curves side by side.
//!
//! ```sh
//! cargo run --release --example seed_network
//! ```

mod common;

use backprop::data::Dataset;
use backprop::gradcheck;
use backprop::network::{self, SeedLoss, SeedNetwork};
use backprop::optim::Sgd;
use backprop::rng::Rng;
use backprop::train::{History, Trainer};
use backprop::{Matrix, Parameters};
use std::process::ExitCode;

const EXAMPLES: usize = 200;
const EPOCHS: usize = 30;

/// Two clouds in R³: happy (0) around (−1, −1, 1), sad (1) around (1, 1, −1).
fn happy_and_sad(rng: &mut Rng) -> backprop::Result<Dataset<f64>> {
    let mut features = Vec::with_capacity(3 * EXAMPLES);
    let mut labels = Vec::with_capacity(EXAMPLES);
    for i in 0..EXAMPLES {
        let sad = i % 2 == 1;
        let sign = if sad { 1.0 } else { -1.0 };
        for centre in [sign, sign, -sign] {
            features.push(centre + 0.8 * rng.normal::<f64>());
        }
        labels.push(if sad { 1.0 } else { 0.0 });
    }
    Dataset::from_parts(features, labels, 3)
}

fn main() -> ExitCode {
    common::exit_code(run())
}

fn run() -> backprop::Result<bool> {
    let mut rng = Rng::new(3);
    let data = happy_and_sad(&mut rng)?;
    let start: SeedNetwork<f64> = network::seed_network(&mut rng);
    let loss = SeedLoss::default();

    // 1. One backward pass on the first example.
    let (x, label) = data.example::<3>(0)?;
    let y = Matrix::from_column([label]);
    let mut grads = SeedNetwork::<f64>::default();
    let cost = network::cost_and_gradients(&start, &loss, &x, &y, &mut grads);
    println!(
        "one example: x = {:?}, y = {label}, cost J = L(ŷ, y) = {cost:.6} [C5]",
        x.to_column()
    );
    println!("its {} gradients [N4]:", grads.parameter_count());
    let tags = ["L1.4", "L1.4", "L2.8", "L2.9", "L3.7", "L3.7"];
    let mut k = 0;
    for (block, tag) in grads.blocks().zip(tags) {
        for value in block {
            let name = grads.parameter_name(k).unwrap_or_default();
            println!("  ∂J/∂{name:<10} = {value:>12.8}   [{tag}]");
            k += 1;
        }
    }
    let report = gradcheck::check(&start, &loss, &x, &y);
    println!("finite differences: {report}");
    if !report.passes() {
        eprintln!("gradient check failed");
        return Ok(false);
    }

    // 2. The three flavours, from the same start.
    let sgd = Sgd::new(0.05)?;
    let stochastic = train(start, Trainer::<1>::stochastic(EPOCHS), sgd, &data)?;
    let mini_batch = train(start, Trainer::<16>::mini_batch(EPOCHS), sgd, &data)?;
    let batch = train(start, Trainer::<16>::batch(EPOCHS), Sgd::new(1.0)?, &data)?;

    println!("\ncost J per epoch (accuracy) on {EXAMPLES} examples");
    println!("epoch   stochastic [C5]      mini-batch 16 [C6]   batch [C6]");
    for e in 0..EPOCHS {
        let cell = |h: &History| {
            format!(
                "{:.4} ({:5.1} %)",
                h.train[e].cost,
                100.0 * h.train[e].accuracy
            )
        };
        if e < 5 || (e + 1) % 5 == 0 {
            println!(
                "{:>5}   {:<20} {:<20} {}",
                e + 1,
                cell(&stochastic),
                cell(&mini_batch),
                cell(&batch)
            );
        }
    }
    let worst = [&stochastic, &mini_batch, &batch]
        .iter()
        .map(|h| h.train.last().map_or(0.0, |e| e.accuracy))
        .fold(1.0, f64::min);
    if worst < 0.9 {
        eprintln!(
            "a flavour ended below 90 % accuracy ({:.1} %)",
            100.0 * worst
        );
        return Ok(false);
    }
    println!(
        "\nall three flavours reach at least {:.1} % accuracy",
        100.0 * worst
    );
    Ok(true)
}

fn train<const M: usize>(
    start: SeedNetwork<f64>,
    trainer: Trainer<M>,
    mut sgd: Sgd<f64>,
    data: &Dataset<f64>,
) -> backprop::Result<History> {
    let mut net = start;
    trainer
        .quiet()
        .seed(11)
        .fit(&mut net, &SeedLoss::default(), &mut sgd, data, None)
}
