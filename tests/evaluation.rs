//! Evaluation every `k` epochs or never, and the callback form of training.
//!
//! * `evaluate_every(k)` evaluates after epochs `k, 2k, …` and the last, and records
//!   them in `History::evaluated`; `evaluate_never` evaluates nothing; the default
//!   evaluates every epoch, so `history.train[e − 1]` is still the evaluation after
//!   epoch `e`;
//! * evaluation changes nothing of the training: the parameters are the same bits
//!   whatever the cadence, and the evaluations taken are those of an every-epoch run;
//! * with evaluation off the divergence guard still stops a diverging run, at the
//!   first epoch with a non-finite parameter, naming it, and the cost it reports is
//!   the training cost then;
//! * the trainer evaluates `M` examples at a time, and gets the bits of `train::evaluate`
//!   and `train::evaluate_examples`, which take one at a time, also where the batch's
//!   products are large enough for the blocked kernels and one example's are not;
//! * `fit_with`'s callback sees every epoch in order with that epoch's evaluations
//!   and rate; `Control::Stop` after epoch `s` leaves the network of a plain run of `s`
//!   epochs (bit for bit) and `History::stopped_at = Some(s)`; `fit` is `fit_with`
//!   with a callback that always continues.
// Uses what needs the standard library (the `std` feature, on by default).
#![cfg(feature = "std")]

mod common;

use backprop::data::Dataset;
use backprop::network::{self, SeedLoss, SeedNetwork};
use backprop::optim::Sgd;
use backprop::rng::Rng;
use backprop::train::{self, Control, Example, History, Trainer};
use backprop::{
    Dense, Error, Identity, Matrix, Parameters, Relu, Scalar, SigmoidCrossEntropy, SquaredError,
};
use common::dataset_of;

/// Every parameter of `p`, in block order, as raw bits.
fn bits<T: Scalar, P: Parameters<T>>(p: &P) -> Vec<u64> {
    p.blocks().flatten().map(|v| v.to_bits_u64()).collect()
}

/// `n` examples of 3 features uniform in `[−2, 2)`, labelled 1 when `x₁ + x₂ − x₃ > 0`.
fn separable(n: usize, seed: u64) -> Dataset<f64> {
    let mut rng = Rng::new(seed);
    let mut features = vec![0.0; 3 * n];
    rng.fill_uniform(&mut features, -2.0, 2.0);
    let labels = features
        .chunks(3)
        .map(|x| f64::from(u8::from(x[0] + x[1] - x[2] > 0.0)))
        .collect();
    Dataset::from_parts(features, labels, 3).unwrap()
}

/// Trains the seed network from a fixed start with `trainer` (10 epochs planned by the
/// caller), validating on a second set: the network and the history.
fn run(trainer: Trainer<8>) -> (SeedNetwork<f64>, History) {
    let (train_set, test_set) = (separable(60, 1), separable(30, 2));
    let mut net = network::seed_network::<f64>(&mut Rng::new(3));
    let history = trainer
        .seed(4)
        .quiet()
        .fit(
            &mut net,
            &SeedLoss::default(),
            &mut Sgd::new(0.2).unwrap(),
            &train_set,
            Some(&test_set),
        )
        .unwrap();
    (net, history)
}

#[test]
fn by_default_every_epoch_is_evaluated_and_train_e_minus_one_is_epoch_e() {
    let (net, history) = run(Trainer::mini_batch(10));
    assert_eq!(history.evaluated, (1..=10).collect::<Vec<_>>());
    assert_eq!((history.train.len(), history.test.len()), (10, 10));
    assert_eq!(history.epochs_trained(), 10);
    assert_eq!(history.stopped_at, None);
    assert_eq!(history.best_epoch, None);
    // The last entry is the trained network's evaluation, computed a second way.
    let last = train::evaluate(&net, &SeedLoss::default(), &separable(60, 1)).unwrap();
    assert_eq!(*history.train.last().unwrap(), last);
    assert_eq!(history.at(10).unwrap().0, last);
}

/// 30 → 16 → 8 → 1: on a batch of 32 its first product is 15 360 multiply-adds, which
/// run the blocked kernels; on one example it is 480, which run the small ones.
type Wide = (
    Dense<f64, 30, 16, Relu>,
    Dense<f64, 16, 8, Relu>,
    Dense<f64, 8, 1, Identity>,
);

/// `n` examples of 30 features uniform in `[−1, 1)`, labelled 1 when the first three sum
/// to more than 0.
fn wide_examples(n: usize, seed: u64) -> Vec<Example<f64, 30, 1>> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            let x: Matrix<f64, 30, 1> = Matrix::from_fn(|_, _| rng.uniform(-1.0, 1.0));
            let label = f64::from(u8::from(x[(0, 0)] + x[(1, 0)] + x[(2, 0)] > 0.0));
            (x, Matrix::filled(label))
        })
        .collect()
}

#[test]
fn the_trainer_evaluates_in_batches_with_the_bits_of_one_example_at_a_time() {
    // 70 and 45 examples: two full batches of 32 and 6 single examples; one and 13.
    let (mut train_set, test_set) = (wide_examples(70, 5), wide_examples(45, 6));
    let (train_data, test_data) = (dataset_of(&train_set), dataset_of(&test_set));
    let start = {
        let mut net = Wide::default();
        net.initialize(&mut Rng::new(7));
        net
    };
    let trainer = Trainer::<32>::mini_batch(3).seed(8).quiet();
    let loss = SigmoidCrossEntropy;

    let mut net = start;
    let sgd = &mut Sgd::new(0.1).unwrap();
    let history = trainer
        .fit(&mut net, &loss, sgd, &train_data, Some(&test_data))
        .unwrap();
    assert_eq!(
        *history.train.last().unwrap(),
        train::evaluate(&net, &loss, &train_data).unwrap()
    );
    assert_eq!(
        *history.test.last().unwrap(),
        train::evaluate(&net, &loss, &test_data).unwrap()
    );

    let mut on_slices = start;
    let sgd = &mut Sgd::new(0.1).unwrap();
    let fitted = trainer
        .fit_examples(&mut on_slices, &loss, sgd, &mut train_set, Some(&test_set))
        .unwrap();
    assert_eq!(bits(&on_slices), bits(&net));
    assert_eq!(
        fitted.train.unwrap(),
        train::evaluate_examples(&on_slices, &loss, &train_set).unwrap()
    );
    assert_eq!(
        fitted.test.unwrap(),
        train::evaluate_examples(&on_slices, &loss, &test_set).unwrap()
    );
}

#[test]
fn evaluate_every_k_evaluates_multiples_of_k_and_the_last_epoch_and_changes_no_bit() {
    let (every, all) = run(Trainer::mini_batch(10));
    let (sparse, some) = run(Trainer::mini_batch(10).evaluate_every(3));
    let (silent, none) = run(Trainer::mini_batch(10).evaluate_never());

    assert_eq!(some.evaluated, [3, 6, 9, 10]);
    assert_eq!((some.train.len(), some.test.len()), (4, 4));
    // Each evaluation taken is the every-epoch run's at that epoch.
    for (i, &e) in some.evaluated.iter().enumerate() {
        assert_eq!(some.train[i], all.train[e - 1], "epoch {e}");
        assert_eq!(some.test[i], all.test[e - 1], "epoch {e}");
        assert_eq!(some.at(e), all.at(e));
    }
    assert_eq!(some.at(4), None);

    assert!(none.evaluated.is_empty() && none.train.is_empty() && none.test.is_empty());
    assert_eq!(none.epochs_trained(), 10);
    // Training is the same, bit for bit, whatever is evaluated.
    assert_eq!(bits(&every), bits(&sparse));
    assert_eq!(bits(&every), bits(&silent));
    assert_eq!(all.learning_rates, none.learning_rates);
}

#[test]
fn with_evaluation_off_the_guard_still_stops_a_diverging_run_naming_a_parameter() {
    // A linear regression on unstandardised features (around 1000) at learning rate 1e6:
    // every step multiplies the error by about 1 − 10¹², so the weights overflow within a
    // few dozen epochs.
    let mut rng = Rng::new(60);
    let mut features = vec![0.0; 3 * 8];
    rng.fill_uniform(&mut features, 500.0, 1500.0);
    let labels = (0..8).map(|i| f64::from(i % 2)).collect();
    let data = Dataset::from_parts(features, labels, 3).unwrap();
    let mut model = Dense::<f64, 3, 1, Identity>::default();
    let err = Trainer::<4>::batch(1000)
        .quiet()
        .evaluate_never()
        .fit(
            &mut model,
            &SquaredError,
            &mut Sgd::new(1e6).unwrap(),
            &data,
            None,
        )
        .unwrap_err();
    let Error::Diverged {
        epoch,
        cost,
        ref parameter,
    } = err
    else {
        panic!("expected Error::Diverged, got {err:?}");
    };
    let (name, value) = parameter.clone().expect("a parameter went non-finite");
    assert!(!value.is_finite(), "{name} = {value}");
    assert!(
        !cost.is_finite(),
        "the cost of a non-finite model is {cost}"
    );
    // The first such epoch: one epoch fewer trains without error.
    let mut shorter = Dense::<f64, 3, 1, Identity>::default();
    let history = Trainer::<4>::batch(epoch - 1)
        .quiet()
        .evaluate_never()
        .fit(
            &mut shorter,
            &SquaredError,
            &mut Sgd::new(1e6).unwrap(),
            &data,
            None,
        )
        .unwrap();
    assert!(shorter.is_finite());
    assert_eq!(history.epochs_trained(), epoch - 1);
}

#[test]
fn the_callback_sees_every_epoch_in_order_with_its_evaluations_and_rate() {
    let (train_set, test_set) = (separable(60, 1), separable(30, 2));
    let mut net = network::seed_network::<f64>(&mut Rng::new(3));
    let mut seen = Vec::new();
    let history = Trainer::<8>::mini_batch(7)
        .seed(4)
        .quiet()
        .evaluate_every(2)
        .fit_with(
            &mut net,
            &SeedLoss::default(),
            &mut Sgd::new(0.2).unwrap(),
            &train_set,
            Some(&test_set),
            |report| {
                assert_eq!(report.epochs, 7);
                // The network in the report is the one just trained: its training cost
                // is the report's, where evaluated.
                if let Some(t) = report.train {
                    let again = train::evaluate(report.net, &SeedLoss::default(), &train_set);
                    assert_eq!(again.unwrap(), t);
                }
                seen.push((
                    report.epoch,
                    report.learning_rate,
                    report.train,
                    report.test,
                ));
                Control::Continue
            },
        )
        .unwrap();
    assert_eq!(
        seen.iter().map(|s| s.0).collect::<Vec<_>>(),
        (1..=7).collect::<Vec<_>>()
    );
    assert!(seen.iter().all(|s| s.1 == 0.2));
    for (epoch, _, train, test) in &seen {
        match history.at(*epoch) {
            Some((t, v)) => assert_eq!((Some(t), v), (*train, *test)),
            None => assert_eq!((train, test), (&None, &None), "epoch {epoch}"),
        }
    }
}

#[test]
fn stopping_from_the_callback_after_epoch_s_leaves_the_network_of_an_s_epoch_run() {
    let (train_set, test_set) = (separable(60, 1), separable(30, 2));
    let mut net = network::seed_network::<f64>(&mut Rng::new(3));
    let history = Trainer::<8>::mini_batch(10)
        .seed(4)
        .quiet()
        .fit_with(
            &mut net,
            &SeedLoss::default(),
            &mut Sgd::new(0.2).unwrap(),
            &train_set,
            Some(&test_set),
            |report| match report.epoch {
                4 => Control::Stop,
                _ => Control::Continue,
            },
        )
        .unwrap();
    assert_eq!(history.stopped_at, Some(4));
    assert_eq!(history.epochs_trained(), 4);
    assert_eq!(history.train.len(), 4);
    let (four, _) = run(Trainer::mini_batch(4));
    assert_eq!(bits(&net), bits(&four));
}

#[test]
fn fit_is_fit_with_a_callback_that_always_continues() {
    let (train_set, test_set) = (separable(60, 1), separable(30, 2));
    let mut net = network::seed_network::<f64>(&mut Rng::new(3));
    let history = Trainer::<8>::mini_batch(10)
        .seed(4)
        .quiet()
        .fit_with(
            &mut net,
            &SeedLoss::default(),
            &mut Sgd::new(0.2).unwrap(),
            &train_set,
            Some(&test_set),
            |_| Control::Continue,
        )
        .unwrap();
    let (by_fit, fit_history) = run(Trainer::mini_batch(10));
    assert_eq!(bits(&net), bits(&by_fit));
    assert_eq!(history, fit_history);
}
