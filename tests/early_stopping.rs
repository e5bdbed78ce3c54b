//! Early stopping stops when the validation cost stops improving and gives back exactly
//! the network of the best epoch.
//!
//! The setting overfits on purpose: a network with 16 hidden units learns 24 examples
//! whose labels are a third of them flipped, while the validation set follows the clean
//! rule, so the validation cost falls, then rises.
//!
//! * the best epoch is the one of lowest validation cost among those evaluated, and the
//!   run stops exactly `patience` epochs after it, with no lower cost in between;
//! * the network returned is, bit for bit, the network after a plain run of exactly
//!   `best` epochs with the same seed and start (shuffles and steps are those of the
//!   first `best` epochs), for SGD and for Adam;
//! * when the epochs run out before the patience, the network is still the best
//!   epoch's; with `evaluate_every(k)` the best is sought among the evaluated epochs;
//! * without a validation set, without evaluation or with a patience of 0, `fit`
//!   refuses, naming what is missing, before touching the network.
// Uses what needs the standard library (the `std` feature, on by default).
#![cfg(feature = "std")]

use backprop::data::Dataset;
use backprop::optim::{Adam, Optimizer, Sgd};
use backprop::rng::Rng;
use backprop::train::{History, Trainer};
use backprop::{Dense, Error, Parameters, Relu, Scalar, Sigmoid, SigmoidCrossEntropy};

type Net = (Dense<f64, 3, 16, Relu>, Dense<f64, 16, 1, Sigmoid>);

/// Every parameter of `p`, in block order, as raw bits.
fn bits<T: Scalar, P: Parameters<T>>(p: &P) -> Vec<u64> {
    p.blocks().flatten().map(|v| v.to_bits_u64()).collect()
}

/// The message of an [`Error::Invalid`]; panics on any other outcome.
fn invalid_message<X: core::fmt::Debug>(result: Result<X, Error>) -> String {
    match result {
        Err(Error::Invalid { message }) => message,
        other => panic!("expected Error::Invalid, got {other:?}"),
    }
}

/// `n` examples of 3 features uniform in `[−2, 2)`, labelled 1 when `x₁ + x₂ − x₃ > 0`,
/// with every `flip`-th label flipped (`flip = 0`: none).
fn data(n: usize, seed: u64, flip: usize) -> Dataset<f64> {
    let mut rng = Rng::new(seed);
    let mut features = vec![0.0; 3 * n];
    rng.fill_uniform(&mut features, -2.0, 2.0);
    let labels = features
        .chunks(3)
        .enumerate()
        .map(|(i, x)| {
            let clean = x[0] + x[1] - x[2] > 0.0;
            f64::from(u8::from(clean != (flip > 0 && i % flip == 0)))
        })
        .collect();
    Dataset::from_parts(features, labels, 3).unwrap()
}

fn start() -> Net {
    let mut net = Net::default();
    net.initialize(&mut Rng::new(1));
    net
}

/// Trains `start()` with `trainer` on the noisy training set, validating on the clean
/// one: the network and the history.
fn run<P: Optimizer<f64, Net>>(trainer: Trainer<4>, mut optimizer: P) -> (Net, History) {
    let (train, validation) = (data(24, 2, 3), data(200, 3, 0));
    let mut net = start();
    let history = trainer
        .fit(
            &mut net,
            &SigmoidCrossEntropy,
            &mut optimizer,
            &train,
            Some(&validation),
        )
        .unwrap();
    (net, history)
}

/// Checks the claims of early stopping on one optimizer.
fn check_restores_the_best_epoch<P: Optimizer<f64, Net>>(optimizer: impl Fn() -> P) {
    let patience = 15;
    let trainer = Trainer::<4>::mini_batch(1000).seed(5).quiet();
    let (net, history) = run(trainer.early_stopping(patience), optimizer());

    let best = history.best_epoch.expect("a best epoch");
    let stopped = history
        .stopped_at
        .expect("the validation cost rises: it stops");
    eprintln!("best epoch {best}, stopped after {stopped}");
    assert_eq!(stopped, best + patience);
    assert_eq!(history.epochs_trained(), stopped);
    assert_eq!(history.evaluated, (1..=stopped).collect::<Vec<_>>());
    // The best is the lowest validation cost, and nothing after it is lower.
    let costs: Vec<f64> = history.test.iter().map(|e| e.cost).collect();
    let lowest = costs.iter().copied().fold(f64::INFINITY, f64::min);
    assert_eq!(costs[best - 1], lowest);
    assert!(costs[best..].iter().all(|&c| c >= lowest));
    // It did overfit: the training cost went on falling after the best epoch.
    assert!(history.train[stopped - 1].cost < history.train[best - 1].cost);

    // A plain run of exactly `best` epochs, same seed, same start: the same bits.
    let (plain, plain_history) = run(Trainer::<4>::mini_batch(best).seed(5).quiet(), optimizer());
    assert_eq!(bits(&net), bits(&plain));
    assert_eq!(plain_history.test[best - 1], history.test[best - 1]);
    // And not those of the last epoch trained.
    let (last, _) = run(
        Trainer::<4>::mini_batch(stopped).seed(5).quiet(),
        optimizer(),
    );
    assert_ne!(bits(&net), bits(&last));
}

#[test]
fn early_stopping_with_sgd_returns_the_best_epochs_network_bit_for_bit() {
    check_restores_the_best_epoch(|| Sgd::new(0.3).unwrap());
}

#[test]
fn early_stopping_with_adam_returns_the_best_epochs_network_bit_for_bit() {
    check_restores_the_best_epoch(|| Adam::new(0.02).unwrap());
}

#[test]
fn when_the_epochs_run_out_first_the_network_is_still_the_best_epochs() {
    // Patience longer than the run: no stop, but the best is restored at the end.
    let (net, history) = run(
        Trainer::<4>::mini_batch(120)
            .seed(5)
            .quiet()
            .early_stopping(1000),
        Sgd::new(0.3).unwrap(),
    );
    assert_eq!(history.stopped_at, None);
    assert_eq!(history.epochs_trained(), 120);
    let best = history.best_epoch.unwrap();
    assert!(
        best < 120,
        "the validation cost rose before epoch 120 (best {best})"
    );
    let (plain, _) = run(
        Trainer::<4>::mini_batch(best).seed(5).quiet(),
        Sgd::new(0.3).unwrap(),
    );
    assert_eq!(bits(&net), bits(&plain));
}

#[test]
fn with_evaluate_every_k_the_best_is_an_evaluated_epoch_and_is_restored() {
    let (net, history) = run(
        Trainer::<4>::mini_batch(1000)
            .seed(5)
            .quiet()
            .evaluate_every(4)
            .early_stopping(12),
        Sgd::new(0.3).unwrap(),
    );
    let best = history.best_epoch.unwrap();
    let stopped = history.stopped_at.unwrap();
    assert_eq!(best % 4, 0);
    assert_eq!(stopped, best + 12);
    assert!(history.evaluated.iter().all(|e| e % 4 == 0));
    let (plain, _) = run(
        Trainer::<4>::mini_batch(best).seed(5).quiet(),
        Sgd::new(0.3).unwrap(),
    );
    assert_eq!(bits(&net), bits(&plain));
}

#[test]
fn early_stopping_without_validation_set_evaluation_or_patience_is_refused_untouched() {
    let train = data(24, 2, 3);
    let validation = data(50, 3, 0);
    let trainer = Trainer::<4>::mini_batch(10).quiet();
    let mut net = start();
    let mut sgd = Sgd::new(0.3).unwrap();
    let cases = [
        (trainer.early_stopping(5), None, "validation set"),
        (
            trainer.early_stopping(5).evaluate_never(),
            Some(&validation),
            "evaluation is off",
        ),
        (
            trainer.early_stopping(0),
            Some(&validation),
            "patience of at least 1",
        ),
    ];
    for (trainer, test, why) in cases {
        let message =
            invalid_message(trainer.fit(&mut net, &SigmoidCrossEntropy, &mut sgd, &train, test));
        assert!(message.contains(why), "{message}");
    }
    assert_eq!(bits(&net), bits(&start()));
}
