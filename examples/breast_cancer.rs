//! The crate's main example: a binary classifier for the Breast Cancer Wisconsin
//! (Diagnostic) data set, trained from scratch.
//!
//! It is the seed's architecture, widened: 30 → 16 → 8 → 1 with ReLU, ReLU and a
//! sigmoid output trained with cross-entropy (fused: `δ[3] = a[3] − y` [L3.6]). It
//!
//! 1. loads `examples/data/breast_cancer.csv` (455 examples, 30 features; see
//!    `examples/data/SOURCE.md`),
//! 2. splits it 80 / 20, stratified and seeded, and standardises both parts with the
//!    training part's mean and standard deviation,
//! 3. trains with mini-batches of 16 and Adam, printing progress every 2 epochs,
//! 4. prints the test accuracy and confusion matrix, and writes the learning curve (train
//!    and test cost per epoch) as an SVG,
//! 5. exits with an error if the test accuracy is below 95 %.
//!
//! ```sh
//! cargo run --release --example breast_cancer                # progress, results, SVG
//! cargo run --release --example breast_cancer -- --quiet     # results only
//! cargo run --release --example breast_cancer -- --svg curve.svg
//! ```

mod common;

use backprop::data::{CsvOptions, Dataset, Standardizer};
use backprop::optim::Adam;
use backprop::plot::{Series, learning_curve_svg};
use backprop::rng::Rng;
use backprop::train::{self, Trainer};
use backprop::{Dense, Identity, Relu, SigmoidCrossEntropy};
use std::process::ExitCode;
use std::time::Instant;

/// 30 → 16 → 8 → 1: ReLU, ReLU, then the logit z[3] (σ is applied by the loss).
type Network = (
    Dense<f64, 30, 16, Relu>,
    Dense<f64, 16, 8, Relu>,
    Dense<f64, 8, 1, Identity>,
);

const EPOCHS: usize = 20;
const TARGET_ACCURACY: f64 = 0.95;

fn main() -> ExitCode {
    common::exit_code(run())
}

fn run() -> backprop::Result<bool> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quiet = args.iter().any(|a| a == "--quiet");
    let svg_path = args
        .iter()
        .position(|a| a == "--svg")
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| "target/breast_cancer_learning_curve.svg".to_string());

    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/breast_cancer.csv"
    );
    let data: Dataset<f64> = Dataset::from_csv_path(path, &CsvOptions::new().binary(true))?;
    let (mut train_set, mut test_set) = data.stratified_split(0.2, 42)?;
    let scaler = Standardizer::fit(&train_set)?;
    scaler.apply(&mut train_set)?;
    scaler.apply(&mut test_set)?;
    println!(
        "breast cancer: {} examples, {} features; training on {}, testing on {}",
        data.len(),
        data.n_features(),
        train_set.len(),
        test_set.len()
    );

    let mut rng = Rng::new(2024);
    let mut net: Network = (
        Dense::init(&mut rng),
        Dense::init(&mut rng),
        Dense::init(&mut rng),
    );
    let loss = SigmoidCrossEntropy;
    let mut adam = Adam::new(0.003)?;
    let trainer = Trainer::<16>::mini_batch(EPOCHS)
        .seed(7)
        .report_every(if quiet { 0 } else { 2 });

    let start = Instant::now();
    let history = trainer.fit(&mut net, &loss, &mut adam, &train_set, Some(&test_set))?;
    let elapsed = start.elapsed();

    let last = history.test.last().copied().unwrap_or(train::Evaluation {
        cost: f64::NAN,
        accuracy: 0.0,
    });
    let predicted = train::predictions(&net, &loss, &test_set)?;
    let confusion =
        backprop::metrics::ConfusionMatrix::from_probabilities(&predicted, test_set.labels())?;
    println!(
        "trained {EPOCHS} epochs in {:.1} ms; test cost {:.4}, test accuracy {:.2} %",
        elapsed.as_secs_f64() * 1e3,
        last.cost,
        100.0 * last.accuracy
    );
    println!(
        "confusion matrix on the test set (positive = 1 = benign, negative = 0 = malignant):\n{confusion}"
    );
    let percent =
        |v: Option<f64>| v.map_or("undefined".to_string(), |v| format!("{:.2} %", 100.0 * v));
    println!(
        "precision {}, recall {}",
        percent(confusion.precision()),
        percent(confusion.recall())
    );

    let train_cost: Vec<f64> = history.train.iter().map(|e| e.cost).collect();
    let test_cost: Vec<f64> = history.test.iter().map(|e| e.cost).collect();
    let svg = learning_curve_svg(
        "breast cancer, 30 → 16 → 8 → 1: cross-entropy cost per epoch",
        &[
            Series {
                name: "train",
                values: &train_cost,
            },
            Series {
                name: "test",
                values: &test_cost,
            },
        ],
    );
    if let Some(dir) = std::path::Path::new(&svg_path).parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    std::fs::write(&svg_path, svg).map_err(|e| backprop::Error::Io {
        path: svg_path.clone(),
        message: e.to_string(),
    })?;
    println!("learning curve written to {svg_path}");

    if last.accuracy < TARGET_ACCURACY {
        eprintln!(
            "test accuracy {:.2} % is below the target of {:.0} %",
            100.0 * last.accuracy,
            100.0 * TARGET_ACCURACY
        );
        return Ok(false);
    }
    Ok(true)
}
