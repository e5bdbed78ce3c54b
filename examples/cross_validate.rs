//! How the examples' recipes were judged: stratified 5-fold cross-validation on the
//! bundled data only, repeated over 10 seeds, with [`data::k_fold`].
//!
//! For each seed the folds, the initial weights and the shuffling change; each fold's
//! standardiser is fitted on its training part alone. The example prints the mean
//! accuracy over the 5 test folds for every seed, then the mean and the sample standard
//! deviation over the 10 seeds, and exits non-zero if a recipe's mean falls below its
//! floor:
//!
//! * breast cancer (`examples/breast_cancer.rs`: 30 → 8 → 1 tanh, Adam 0.003, batches of
//!   16, 15 epochs): 97.4 %, scikit-learn's level on this data;
//! * Iris (`examples/iris.rs`: 4 → 8 → 3 ReLU, softmax, Adam 0.01, batches of 8, 100
//!   epochs): 93 %.
//!
//! ```sh
//! cargo run --release --example cross_validate
//! ```
//!
//! [`data::k_fold`]: backprop::data::k_fold

mod common;

use backprop::data::{self, CsvOptions, Dataset, Standardizer};
use backprop::layer::Layer;
use backprop::loss::Loss;
use backprop::matrix::Matrix;
use backprop::optim::Adam;
use backprop::rng::Rng;
use backprop::train::{self, Trainer};
use backprop::{Dense, Identity, Parameters, Relu, SigmoidCrossEntropy, SoftmaxCrossEntropy, Tanh};
use std::process::ExitCode;

const FOLDS: usize = 5;
const SEEDS: u64 = 10;

fn main() -> ExitCode {
    common::exit_code(run())
}

fn run() -> backprop::Result<bool> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data");
    let cancer = Dataset::<f64>::from_csv_path(
        format!("{dir}/breast_cancer.csv"),
        &CsvOptions::new().binary(true),
    )?;
    let iris =
        Dataset::<f64>::from_csv_path(format!("{dir}/iris.csv"), &CsvOptions::new().classes())?;

    let cancer_ok = report(
        "breast cancer, 30 → 8 → 1 tanh, Adam 0.003, batch 16, 15 epochs",
        0.974,
        |seed| {
            cross_validate::<(Dense<f64, 30, 8, Tanh>, Dense<f64, 8, 1, Identity>), _, 30, 1, 16>(
                &cancer,
                &SigmoidCrossEntropy,
                0.003,
                15,
                seed,
            )
        },
    )?;
    let iris_ok = report(
        "Iris, 4 → 8 → 3 ReLU + softmax, Adam 0.01, batch 8, 100 epochs",
        0.93,
        |seed| {
            cross_validate::<(Dense<f64, 4, 8, Relu>, Dense<f64, 8, 3, Identity>), _, 4, 3, 8>(
                &iris,
                &SoftmaxCrossEntropy,
                0.01,
                100,
                seed,
            )
        },
    )?;
    Ok(cancer_ok && iris_ok)
}

/// Runs `accuracy(seed)` for seeds 0 … 9, prints each and their mean and spread, and says
/// whether the mean reaches `floor`.
fn report(
    recipe: &str,
    floor: f64,
    accuracy: impl Fn(u64) -> backprop::Result<f64>,
) -> backprop::Result<bool> {
    let runs = (0..SEEDS)
        .map(&accuracy)
        .collect::<backprop::Result<Vec<f64>>>()?;
    let n = runs.len() as f64;
    let mean = runs.iter().sum::<f64>() / n;
    let spread = (runs.iter().map(|a| (a - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let each: Vec<String> = runs.iter().map(|a| format!("{:.2}", 100.0 * a)).collect();
    println!(
        "{recipe}\n  {FOLDS}-fold accuracy, seeds 0–{}: {} %",
        SEEDS - 1,
        each.join(" ")
    );
    println!(
        "  mean {:.2} % ± {:.2} (sample standard deviation); floor {:.1} %",
        100.0 * mean,
        100.0 * spread,
        100.0 * floor
    );
    if mean < floor {
        println!("  below the floor");
    }
    Ok(mean >= floor)
}

/// The mean test accuracy over the `FOLDS` folds of `data` for one seed: each fold's
/// training part standardised and trained on from a fresh initialisation.
fn cross_validate<N, L, const I: usize, const O: usize, const M: usize>(
    data: &Dataset<f64>,
    loss: &L,
    learning_rate: f64,
    epochs: usize,
    seed: u64,
) -> backprop::Result<f64>
where
    N: Parameters<f64>
        + Layer<f64, M, Input = Matrix<f64, I, M>, Output = Matrix<f64, O, M>>
        + Layer<f64, 1, Input = Matrix<f64, I, 1>, Output = Matrix<f64, O, 1>>,
    L: Loss<f64>,
{
    let mut total = 0.0;
    for (mut train_part, mut test_part) in data::k_fold(data, FOLDS, seed)? {
        let scaler = Standardizer::fit(&train_part)?;
        scaler.apply(&mut train_part)?;
        scaler.apply(&mut test_part)?;
        let mut net = N::default();
        net.initialize(&mut Rng::new(seed));
        Trainer::<M>::mini_batch(epochs)
            .seed(seed)
            .evaluate_never()
            .quiet()
            .fit(
                &mut net,
                loss,
                &mut Adam::new(learning_rate)?,
                &train_part,
                None,
            )?;
        total += train::evaluate::<f64, N, L, I, O>(&net, loss, &test_part)?.accuracy;
    }
    Ok(total / FOLDS as f64)
}
