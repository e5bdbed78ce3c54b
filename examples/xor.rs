//! XOR: the classic problem no single layer can solve, solved by a hidden layer.
//!
//! `(0,0) → 0, (0,1) → 1, (1,0) → 1, (1,1) → 0` is not linearly separable: no line splits
//! the two classes, so logistic regression fails. A 2 → 4 → 1 network with tanh hidden
//! units and a sigmoid output (fused with cross-entropy [L3.6]) learns it with batch
//! gradient descent [C6].
//!
//! ```sh
//! cargo run --release --example xor
//! ```

mod common;

use backprop::data::Dataset;
use backprop::optim::Adam;
use backprop::rng::Rng;
use backprop::train::{self, Trainer};
use backprop::{Dense, Identity, SigmoidCrossEntropy, Tanh};
use std::process::ExitCode;

type Network = (Dense<f64, 2, 4, Tanh>, Dense<f64, 4, 1, Identity>);

fn main() -> ExitCode {
    common::exit_code(run())
}

fn run() -> backprop::Result<bool> {
    let xor = Dataset::from_parts(
        vec![0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0],
        vec![0.0, 1.0, 1.0, 0.0],
        2,
    )?;
    let mut rng = Rng::new(1);
    let mut net: Network = (Dense::init(&mut rng), Dense::init(&mut rng));
    let loss = SigmoidCrossEntropy;
    let mut adam = Adam::new(0.05)?;
    let history = Trainer::<4>::batch(500)
        .report_every(100)
        .fit(&mut net, &loss, &mut adam, &xor, None)?;

    let predicted = train::predictions(&net, &loss, &xor)?;
    println!("\n x₁ x₂ | y | ŷ");
    for (i, y_hat) in predicted.iter().enumerate() {
        let x = xor.features(i);
        println!("  {}  {} | {} | {y_hat:.4}", x[0], x[1], xor.label(i));
    }
    let accuracy = history.train.last().map_or(0.0, |e| e.accuracy);
    if accuracy < 1.0 {
        eprintln!("XOR not solved: accuracy {:.0} %", 100.0 * accuracy);
        return Ok(false);
    }
    println!("solved: all four cases right");
    Ok(true)
}
