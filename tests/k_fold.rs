//! `data::k_fold` splits a data set into k folds for cross-validation, and the breast
//! cancer recipe holds up under it.
//!
//! * The test folds partition the examples: each example is in exactly one test fold,
//!   and each training part is every other example, in order (for any size, k and
//!   labels).
//! * Fold sizes differ by at most one, and so do each class's counts across the folds:
//!   the class proportions of the whole set are kept.
//! * The same seed gives the same folds; k < 2 and k > n are refused, naming k and n.
//! * 5-fold cross-validation of the example's recipe on the bundled breast cancer data
//!   reaches the accuracy floor stated (and justified) at the test.
// Uses what needs the standard library (the `std` feature, on by default).
#![cfg(feature = "std")]

use backprop::data::{self, CsvOptions, Dataset, Standardizer};
use backprop::optim::Adam;
use backprop::rng::Rng;
use backprop::train::{self, Trainer};
use backprop::{Dense, Error, Identity, Parameters, SigmoidCrossEntropy, Tanh};
use proptest::prelude::*;

/// `n` examples whose one feature is the example's index, with the given labels.
fn indexed(labels: Vec<f64>) -> Dataset<f64> {
    let features = (0..labels.len()).map(|i| i as f64).collect();
    Dataset::from_parts(features, labels, 1).unwrap()
}

/// The original indices of a part of [`indexed`] data.
fn indices(part: &Dataset<f64>) -> Vec<usize> {
    part.iter().map(|(x, _)| x[0] as usize).collect()
}

fn labels_strategy() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(0u8..3, 2..80).prop_map(|v| v.into_iter().map(f64::from).collect())
}

proptest! {
    #[test]
    fn test_folds_partition_the_examples_and_training_parts_are_the_rest(
        labels in labels_strategy(),
        k in 2usize..10,
        seed in any::<u64>(),
    ) {
        let data = indexed(labels);
        let n = data.len();
        prop_assume!(k <= n);
        let folds = data::k_fold(&data, k, seed).unwrap();
        prop_assert_eq!(folds.len(), k);
        let mut seen = vec![0; n];
        for (train, test) in &folds {
            let test_indices = indices(test);
            for &i in &test_indices {
                seen[i] += 1;
            }
            let rest: Vec<usize> = (0..n).filter(|i| !test_indices.contains(i)).collect();
            prop_assert_eq!(indices(train), rest);
            // Labels travel with their examples.
            for (x, y) in train.iter().chain(test.iter()) {
                prop_assert_eq!(y, data.label(x[0] as usize));
            }
        }
        prop_assert!(seen.iter().all(|&c| c == 1), "each example in exactly one test fold");
        prop_assert_eq!(data::k_fold_indices(&data, k, seed).unwrap().concat().len(), n);
    }

    #[test]
    fn folds_and_each_class_in_them_differ_in_size_by_at_most_one(
        labels in labels_strategy(),
        k in 2usize..10,
        seed in any::<u64>(),
    ) {
        let data = indexed(labels);
        prop_assume!(k <= data.len());
        let folds = data::k_fold_indices(&data, k, seed).unwrap();
        let sizes: Vec<usize> = folds.iter().map(Vec::len).collect();
        prop_assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1);
        for (class, n_c) in data.class_counts() {
            let counts: Vec<usize> = folds
                .iter()
                .map(|f| f.iter().filter(|&&i| data.label(i) == class).count())
                .collect();
            prop_assert_eq!(counts.iter().sum::<usize>(), n_c);
            prop_assert!(counts.iter().max().unwrap() - counts.iter().min().unwrap() <= 1);
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_folds_and_another_seed_other_folds() {
    let data = indexed((0..60).map(|i| f64::from(i % 2)).collect());
    let a = data::k_fold_indices(&data, 5, 11).unwrap();
    assert_eq!(a, data::k_fold_indices(&data, 5, 11).unwrap());
    assert_ne!(a, data::k_fold_indices(&data, 5, 12).unwrap());
}

#[test]
fn fewer_than_two_folds_or_more_folds_than_examples_are_refused() {
    let data = indexed(vec![0.0, 1.0, 0.0]);
    for (k, expected) in [
        (1, "k-fold cross-validation needs k ≥ 2 folds, but k is 1"),
        (0, "k-fold cross-validation needs k ≥ 2 folds, but k is 0"),
        (
            4,
            "k-fold cross-validation of synthetic data (3 examples) into k = 4 folds would \
             leave a fold empty: k must be at most 3",
        ),
    ] {
        match data::k_fold(&data, k, 0) {
            Err(Error::Invalid { message }) => assert_eq!(message, expected),
            other => panic!("k = {k}: expected an error, got {other:?}"),
        }
    }
    assert_eq!(data::k_fold(&data, 3, 0).unwrap().len(), 3); // k = n: leave one out
}

#[test]
fn folds_are_named_after_the_data_set() {
    let data = indexed(vec![0.0, 1.0, 0.0, 1.0]).with_name("toy.csv");
    let folds = data::k_fold(&data, 2, 0).unwrap();
    assert_eq!(folds[1].0.name(), "toy.csv (fold 2 of 2, training part)");
    assert_eq!(folds[1].1.name(), "toy.csv (fold 2 of 2, test part)");
}

/// The example's network: 30 → 8 → 1, tanh, then the logit.
type Network = (Dense<f64, 30, 8, Tanh>, Dense<f64, 8, 1, Identity>);

/// 5-fold cross-validation of the breast cancer example's recipe (Adam 0.003, batches
/// of 16, 15 epochs), standardising each training part on its own, with one seed.
///
/// The floor: over 20 seed sets (folds, initialisation and shuffles all seeded; seeds
/// 0–9 and 100–109) this recipe's cross-validated accuracy had mean 97.8 % and ranged
/// from 97.1 % to 98.2 %. Each of the 455 examples is 0.22 %, so 96.5 % leaves three
/// more mistakes than the worst seed made: room for a change in rounding (a reordered
/// sum) to move a few borderline examples, but not for a change that breaks training,
/// which also drops below the 97.3 % of the example's previous, wider recipe.
#[test]
fn cross_validated_accuracy_of_the_breast_cancer_recipe_is_at_least_96_5_percent() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/breast_cancer.csv"
    );
    let data: Dataset<f64> = Dataset::from_csv_path(path, &CsvOptions::new().binary(true)).unwrap();
    assert_eq!(data.len(), 455);
    let mut correct = 0.0;
    for (j, (mut train_part, mut test_part)) in
        data::k_fold(&data, 5, 0).unwrap().into_iter().enumerate()
    {
        let scaler = Standardizer::fit(&train_part).unwrap();
        scaler.apply(&mut train_part).unwrap();
        scaler.apply(&mut test_part).unwrap();
        let mut net = Network::default();
        net.initialize(&mut Rng::new(j as u64));
        let mut adam = Adam::new(0.003).unwrap();
        Trainer::<16>::mini_batch(15)
            .seed(j as u64)
            .quiet()
            .fit(&mut net, &SigmoidCrossEntropy, &mut adam, &train_part, None)
            .unwrap();
        let on_test = train::evaluate(&net, &SigmoidCrossEntropy, &test_part).unwrap();
        correct += on_test.accuracy * test_part.len() as f64;
    }
    let accuracy = correct / data.len() as f64;
    assert!(
        accuracy >= 0.965,
        "cross-validated accuracy {:.2} % is below 96.5 %",
        100.0 * accuracy
    );
}
