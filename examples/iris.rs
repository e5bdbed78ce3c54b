//! A three-class classifier for Fisher's Iris data, end to end: class names read from
//! the CSV, a softmax output, and per-class metrics.
//!
//! The network is 4 → 8 → 3: a ReLU layer, then three logits `z` turned into class
//! probabilities `softmax(z)` by the loss, [`SoftmaxCrossEntropy`], whose gradient is
//! `softmax(z) − y` for a one-hot target `y`. The example
//!
//! 1. loads `examples/data/iris.csv` (150 examples, 4 measurements in cm, 50 of each
//!    species; see `examples/data/IRIS_SOURCE.md`), reading the species names as classes
//!    (`setosa` = 0, `versicolor` = 1, `virginica` = 2: sorted by name),
//! 2. splits it 80 / 20, stratified (10 test examples of each species), and standardises
//!    both parts with the training part's mean and standard deviation,
//! 3. trains 100 epochs of mini-batches of 8 with Adam,
//! 4. prints the confusion matrix and each species' precision, recall and F1 on the test
//!    set,
//! 5. exits with an error if the test accuracy is below 85 %. With the seeds 1 to 10 for
//!    the split and the initialisation, the test accuracy was 90 % to 100 % (mean 95.3 %,
//!    standard deviation 3.6 points): 0 to 3 errors of 30, nearly all between versicolor
//!    and virginica, whose measurements overlap (one split puts an atypical setosa with
//!    a narrow sepal in the test part, taken for versicolor). 85 % still passes four
//!    errors, one more than the worst seen, and fails a network that has not learnt to
//!    separate versicolor from virginica (about 67 %).
//!
//! ```sh
//! cargo run --release --example iris
//! cargo run --release --example iris -- --seed 3 --quiet   # another split and initialisation
//! ```

mod common;

use backprop::data::{CsvOptions, Dataset, Standardizer};
use backprop::optim::Adam;
use backprop::rng::Rng;
use backprop::train::Trainer;
use backprop::{Dense, Identity, Parameters, Relu, SoftmaxCrossEntropy, predict};
use std::process::ExitCode;

/// 4 → 8 → 3: ReLU, then the three logits (softmax is applied by the loss).
type Network = (Dense<f64, 4, 8, Relu>, Dense<f64, 8, 3, Identity>);

const EPOCHS: usize = 100;
const TARGET_ACCURACY: f64 = 0.85;

fn main() -> ExitCode {
    common::exit_code(run())
}

fn run() -> backprop::Result<bool> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quiet = args.iter().any(|a| a == "--quiet");
    let seed = match args.iter().position(|a| a == "--seed") {
        None => 1,
        Some(i) => args
            .get(i + 1)
            .and_then(|s| s.parse::<u64>().ok())
            .ok_or_else(|| backprop::Error::invalid("--seed needs a whole number after it"))?,
    };

    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/iris.csv");
    let data: Dataset<f64> = Dataset::from_csv_path(path, &CsvOptions::new().classes())?;
    let (mut train_set, mut test_set) = data.stratified_split(0.2, seed)?;
    let scaler = Standardizer::fit(&train_set)?;
    scaler.apply(&mut train_set)?;
    scaler.apply(&mut test_set)?;
    println!(
        "iris: {} examples, {} features, classes {:?}; training on {}, testing on {} (seed {seed})",
        data.len(),
        data.n_features(),
        data.class_names(),
        train_set.len(),
        test_set.len()
    );

    let mut net = Network::default();
    net.initialize(&mut Rng::new(seed)); // He for the ReLU layer, Xavier for the logits
    let loss = SoftmaxCrossEntropy;
    let mut adam = Adam::new(0.01)?;
    let history = Trainer::<8>::mini_batch(EPOCHS)
        .seed(seed)
        .report_every(if quiet { 0 } else { 10 })
        .fit(&mut net, &loss, &mut adam, &train_set, Some(&test_set))?;
    let train_accuracy = history.train.last().map_or(0.0, |e| e.accuracy);

    let confusion = predict::confusion(&net, &loss, &test_set)?;
    let accuracy = confusion.accuracy().unwrap_or(0.0);
    println!(
        "after {EPOCHS} epochs: training accuracy {:.2} %, test accuracy {:.2} %",
        100.0 * train_accuracy,
        100.0 * accuracy
    );
    if !quiet {
        println!("\nconfusion matrix on the test set:\n{confusion}\n");
        println!("{}", confusion.report());
    }

    if accuracy < TARGET_ACCURACY {
        eprintln!(
            "test accuracy {:.2} % is below the target of {:.0} %",
            100.0 * accuracy,
            100.0 * TARGET_ACCURACY
        );
        return Ok(false);
    }
    Ok(true)
}
