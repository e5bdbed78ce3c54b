//! Proves `Trainer::fit_examples`, the trainer that needs no allocator (it is what
//! `default-features = false` trains with):
//!
//! - it trains the same network, bit for bit, as `Trainer::fit` on a `Dataset` of the
//!   same examples, with the same seed: stochastic, mini-batch with a short last batch,
//!   batch descent, and early stopping (the tests that compare with `fit` need `std`);
//! - it refuses what `fit` refuses, naming the example: no examples, a non-finite
//!   feature or target, a label the loss cannot learn from, zero epochs;
//! - it stops with `Error::Diverged` when the steps diverge;
//! - without `std`, error messages are fixed-size and a long one is cut with `…`.

mod common;

use backprop::network::{self, SeedLoss, SeedNetwork};
use backprop::optim::{Adam, Sgd};
use backprop::rng::Rng;
use backprop::train::{Example, Trainer};
use backprop::{Dense, Error, Identity, Matrix, Relu};

/// `n` points of `[−1, 1)³` labelled by the side of a plane.
fn points(n: usize, seed: u64) -> [Example<f64, 3, 1>; 64] {
    let mut rng = Rng::new(seed);
    core::array::from_fn(|k| {
        let x = Matrix::from_fn(|_, _| rng.uniform(-1.0, 1.0));
        let label = if k < n && x[(0, 0)] - x[(1, 0)] > 0.0 {
            1.0
        } else {
            0.0
        };
        (x, Matrix::from_column([label]))
    })
}

#[test]
fn fit_examples_learns_a_separable_set() {
    let mut examples = points(64, 1);
    let mut net: SeedNetwork<f64> = network::seed_network(&mut Rng::new(2));
    let mut adam = Adam::new(0.02).unwrap();
    let fitted = Trainer::<8>::mini_batch(150)
        .fit_examples(
            &mut net,
            &SeedLoss::default(),
            &mut adam,
            &mut examples,
            None,
        )
        .unwrap();
    assert_eq!(fitted.epochs_trained, 150);
    assert_eq!(fitted.stopped_at, None);
    assert!(fitted.train.unwrap().accuracy > 0.95, "{fitted:?}");
}

#[test]
fn fit_examples_refuses_an_empty_slice() {
    let mut net = SeedNetwork::<f64>::default();
    let mut sgd = Sgd::new(0.1).unwrap();
    let error = Trainer::<1>::stochastic(1)
        .fit_examples(&mut net, &SeedLoss::default(), &mut sgd, &mut [], None)
        .unwrap_err();
    assert!(error.to_string().contains("no examples"), "{error}");
}

#[test]
fn fit_examples_names_the_example_with_a_non_finite_feature_or_target() {
    let mut net: SeedNetwork<f64> = network::seed_network(&mut Rng::new(1));
    let mut sgd = Sgd::new(0.1).unwrap();
    let mut examples = points(64, 1);
    examples[17].0[(2, 0)] = f64::NAN;
    let error = Trainer::<1>::stochastic(1)
        .fit_examples(
            &mut net,
            &SeedLoss::default(),
            &mut sgd,
            &mut examples,
            None,
        )
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("example 17 of the training set: feature 2 is NaN"),
        "{error}"
    );

    let mut examples = points(64, 1);
    examples[5].1[(0, 0)] = f64::INFINITY;
    let error = Trainer::<1>::stochastic(1)
        .fit_examples(
            &mut net,
            &SeedLoss::default(),
            &mut sgd,
            &mut examples,
            None,
        )
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("example 5 of the training set: target entry 0 is inf"),
        "{error}"
    );
}

#[test]
fn fit_examples_refuses_a_label_the_loss_cannot_learn_from() {
    let mut net: SeedNetwork<f64> = network::seed_network(&mut Rng::new(1));
    let mut sgd = Sgd::new(0.1).unwrap();
    let mut examples = points(64, 1);
    examples[3].1[(0, 0)] = 2.0; // a sigmoid cross-entropy learns a probability
    let error = Trainer::<1>::stochastic(1)
        .fit_examples(
            &mut net,
            &SeedLoss::default(),
            &mut sgd,
            &mut examples,
            None,
        )
        .unwrap_err();
    assert!(
        error.to_string().contains("example 3 of the training set"),
        "{error}"
    );
}

#[test]
fn fit_examples_refuses_zero_epochs_and_leaves_the_network_unchanged() {
    let mut net: SeedNetwork<f64> = network::seed_network(&mut Rng::new(1));
    let before = net;
    let mut sgd = Sgd::new(0.1).unwrap();
    let error = Trainer::<4>::mini_batch(0)
        .fit_examples(
            &mut net,
            &SeedLoss::default(),
            &mut sgd,
            &mut points(64, 1),
            None,
        )
        .unwrap_err();
    assert!(error.to_string().contains("epochs"), "{error}");
    assert_eq!(net, before);
}

#[test]
fn fit_examples_stops_with_diverged_when_the_steps_blow_up() {
    type Wide = (Dense<f64, 3, 16, Relu>, Dense<f64, 16, 1, Identity>);
    let mut net = Wide::default();
    backprop::Parameters::initialize(&mut net, &mut Rng::new(4));
    let mut examples = points(64, 3);
    for (x, _) in examples.iter_mut() {
        *x = x.map(|v| v * 1e150);
    }
    let mut sgd = Sgd::new(1e10).unwrap();
    let error = Trainer::<8>::mini_batch(50)
        .fit_examples(
            &mut net,
            &SeedLoss::default(),
            &mut sgd,
            &mut examples,
            None,
        )
        .unwrap_err();
    assert!(matches!(error, Error::Diverged { .. }), "{error}");
}

#[cfg(feature = "std")]
mod same_as_fit {
    //! `fit_examples` and `fit` on the same examples train the same network bit for bit.
    use super::*;
    use backprop::Parameters;
    use backprop::data::Dataset;
    use backprop::optim::Optimizer;

    fn dataset(examples: &[Example<f64, 3, 1>]) -> Dataset<f64> {
        common::dataset_of(examples)
    }

    fn bits(net: &SeedNetwork<f64>) -> Vec<u64> {
        net.blocks().flatten().map(|v| v.to_bits()).collect()
    }

    /// Trains a fresh seed network both ways with `trainer` and an optimizer from
    /// `optimizer`, on `n` examples, and asserts the same bits.
    fn both_ways<const M: usize, P: Optimizer<f64, SeedNetwork<f64>>>(
        trainer: Trainer<M>,
        n: usize,
        optimizer: impl Fn() -> P,
    ) {
        let all = points(64, 9);
        let mut examples = all[..n].to_vec();
        let data = dataset(&examples);
        let start: SeedNetwork<f64> = network::seed_network(&mut Rng::new(5));
        let loss = SeedLoss::default();

        let mut by_fit = start;
        let history = trainer
            .quiet()
            .fit(&mut by_fit, &loss, &mut optimizer(), &data, None)
            .unwrap();
        let mut by_examples = start;
        let fitted = trainer
            .fit_examples(
                &mut by_examples,
                &loss,
                &mut optimizer(),
                &mut examples,
                None,
            )
            .unwrap();
        assert_eq!(bits(&by_examples), bits(&by_fit));
        assert_eq!(fitted.epochs_trained, history.epochs_trained());
        // The evaluations sum the same costs, in the shuffled order here and in the data
        // set's order there: the same accuracy, and costs equal to rounding.
        let (ours, theirs) = (fitted.train.unwrap(), *history.train.last().unwrap());
        assert_eq!(ours.accuracy, theirs.accuracy);
        assert!((ours.cost - theirs.cost).abs() <= 1e-12 * theirs.cost.abs());
    }

    #[test]
    fn stochastic_descent_trains_the_same_bits_as_fit() {
        both_ways(Trainer::<1>::stochastic(5).seed(3), 40, || {
            Sgd::new(0.1).unwrap()
        });
    }

    #[test]
    fn mini_batch_descent_with_a_short_last_batch_trains_the_same_bits_as_fit() {
        // 43 = 5 · 8 + 3: the last batch is the mean of three single-example gradients.
        both_ways(Trainer::<8>::mini_batch(12).seed(7), 43, || {
            Adam::new(0.01).unwrap()
        });
    }

    #[test]
    fn batch_descent_trains_the_same_bits_as_fit() {
        both_ways(Trainer::<16>::batch(20).seed(1), 37, || {
            Sgd::new(0.5).unwrap()
        });
    }

    #[test]
    fn early_stopping_keeps_the_same_best_epoch_and_bits_as_fit() {
        let all = points(64, 11);
        let (mut train, test) = (all[..40].to_vec(), all[40..].to_vec());
        let (train_data, test_data) = (dataset(&train), dataset(&test));
        let start: SeedNetwork<f64> = network::seed_network(&mut Rng::new(6));
        let loss = SeedLoss::default();
        let trainer = Trainer::<4>::mini_batch(300).seed(2).early_stopping(5);

        let mut by_fit = start;
        let history = trainer
            .quiet()
            .fit(
                &mut by_fit,
                &loss,
                &mut Sgd::new(0.5).unwrap(),
                &train_data,
                Some(&test_data),
            )
            .unwrap();
        let mut by_examples = start;
        let fitted = trainer
            .fit_examples(
                &mut by_examples,
                &loss,
                &mut Sgd::new(0.5).unwrap(),
                &mut train,
                Some(&test),
            )
            .unwrap();
        assert_eq!(fitted.best_epoch, history.best_epoch);
        assert_eq!(fitted.stopped_at, history.stopped_at);
        assert_eq!(bits(&by_examples), bits(&by_fit));
    }
}

#[cfg(not(feature = "std"))]
#[test]
fn without_std_a_long_error_message_is_cut_at_its_capacity_with_an_ellipsis() {
    use backprop::error::{FromArgs, TEXT_CAPACITY, Text};
    let long = Text::from_args(format_args!("{}", "λ".repeat(200)));
    assert!(long.len() <= TEXT_CAPACITY);
    assert!(long.ends_with('…'));
    assert!(long.trim_end_matches('…').chars().all(|c| c == 'λ'));
    // A short one is kept whole.
    assert_eq!(&*Text::from_args(format_args!("rate {}", 0.5)), "rate 0.5");
}
