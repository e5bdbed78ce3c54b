//! `backprop::predict` returns what its names say: `probabilities` is `softmax(z)` or
//! `σ(z)` of the network's output, `class` its arg max (or `ŷ ≥ ½` for one output), and
//! the data-set forms apply them example by example. Every expected value is computed by
//! hand from a one-layer network whose logits are its input (`W = I`, `b = 0`), and the
//! data-set forms are checked a second way against `train::predictions` and
//! `train::evaluate`. A NaN prediction or a wrong feature count is an error naming the
//! example or the counts, never a silently chosen class.
// Uses what needs the standard library (the `std` feature, on by default).
#![cfg(feature = "std")]

use backprop::data::{CsvOptions, Dataset};
use backprop::metrics::ConfusionMatrix;
use backprop::rng::Rng;
use backprop::train;
use backprop::{
    Dense, Identity, Matrix, Parameters, Relu, SigmoidCrossEntropy, SoftmaxCrossEntropy, predict,
};

/// Logits equal to the input: `z = I x + 0`.
fn identity3() -> Dense<f64, 3, 3, Identity> {
    Dense::new(Matrix::identity(), Matrix::zeros())
}

/// The logit equal to the input: `z = 1·x + 0`.
fn identity1() -> Dense<f64, 1, 1, Identity> {
    Dense::new(Matrix::identity(), Matrix::zeros())
}

const TOLERANCE: f64 = 1e-15; // a few ulps of values below 1

#[test]
fn softmax_probabilities_are_the_normalised_exponentials_of_the_logits() {
    // z = (0, ln 2, ln 3): e^z = (1, 2, 3), sum 6, so ŷ = (1/6, 1/3, 1/2).
    let x = Matrix::from_column([0.0, 2f64.ln(), 3f64.ln()]);
    let p = predict::probabilities(&identity3(), &SoftmaxCrossEntropy, &x);
    let expected = Matrix::from_column([1.0 / 6.0, 1.0 / 3.0, 0.5]);
    assert!(p.max_abs_diff(&expected) <= TOLERANCE, "{p:?}");
    assert_eq!(
        predict::class(&identity3(), &SoftmaxCrossEntropy, &x).unwrap(),
        2
    );
}

#[test]
fn the_class_of_tied_logits_is_the_first() {
    let x = Matrix::from_column([1.0, 1.0, 0.0]);
    assert_eq!(
        predict::class(&identity3(), &SoftmaxCrossEntropy, &x).unwrap(),
        0
    );
}

#[test]
fn one_sigmoid_output_is_the_probability_of_class_1_with_threshold_one_half() {
    // σ(0) = 1/2 (class 1: the threshold counts as 1), σ(ln 3) = 3/4, σ(−ln 3) = 1/4.
    let net = identity1();
    let cases = [(0.0, 0.5, 1), (3f64.ln(), 0.75, 1), (-(3f64.ln()), 0.25, 0)];
    for (z, p, class) in cases {
        let x = Matrix::from_column([z]);
        let y_hat = predict::probabilities(&net, &SigmoidCrossEntropy, &x);
        assert!((y_hat[(0, 0)] - p).abs() <= TOLERANCE, "σ({z}) = {y_hat:?}");
        assert_eq!(
            predict::class(&net, &SigmoidCrossEntropy, &x).unwrap(),
            class
        );
    }
}

/// Four examples of 3 features whose arg max is 2, 0, 1, 1; labelled 2, 0, 1, 0.
fn three_class_data() -> Dataset<f64> {
    let features = vec![
        0.0, 1.0, 3.0, //
        2.0, 1.0, 0.0, //
        0.0, 5.0, 1.0, //
        0.0, 2.0, -1.0,
    ];
    Dataset::from_parts(features, vec![2.0, 0.0, 1.0, 0.0], 3)
        .unwrap()
        .with_class_names(vec!["a".into(), "b".into(), "c".into()])
        .unwrap()
}

#[test]
fn classes_of_a_data_set_are_each_examples_arg_max() {
    let data = three_class_data();
    let classes = predict::classes(&identity3(), &SoftmaxCrossEntropy, &data).unwrap();
    assert_eq!(classes, [2, 0, 1, 1]);
    // The second way: train::predictions gives the same indices, as numbers.
    let numbers = train::predictions(&identity3(), &SoftmaxCrossEntropy, &data).unwrap();
    assert_eq!(numbers, [2.0, 0.0, 1.0, 1.0]);
}

#[test]
fn probabilities_of_a_data_set_are_each_examples_probabilities() {
    let data = three_class_data();
    let all = predict::probabilities_of(&identity3(), &SoftmaxCrossEntropy, &data).unwrap();
    assert_eq!(all.len(), 4);
    for (i, p) in all.iter().enumerate() {
        let (x, _) = data.example::<3>(i).unwrap();
        assert_eq!(
            *p,
            predict::probabilities(&identity3(), &SoftmaxCrossEntropy, &x)
        );
        assert!((p.sum() - 1.0).abs() <= TOLERANCE);
    }
}

#[test]
fn the_confusion_matrix_counts_the_predicted_classes_with_the_data_sets_names() {
    // Predicted 2, 0, 1, 1 against labels 2, 0, 1, 0: three right, one 0 taken for 1.
    let cm = predict::confusion(&identity3(), &SoftmaxCrossEntropy, &three_class_data()).unwrap();
    assert_eq!(cm.class_names(), ["a", "b", "c"]);
    assert_eq!(
        (
            cm.count(0, 0),
            cm.count(0, 1),
            cm.count(1, 1),
            cm.count(2, 2)
        ),
        (1, 1, 1, 1)
    );
    assert_eq!(cm.accuracy(), Some(0.75));
}

#[test]
fn probability_of_one_feeds_the_binary_confusion_matrix() {
    // Logits 0, ln 3, −ln 3, −1 → ŷ 1/2, 3/4, 1/4, σ(−1) → classes 1, 1, 0, 0.
    let data = Dataset::from_parts(
        vec![0.0, 3f64.ln(), -(3f64.ln()), -1.0],
        vec![1.0, 0.0, 0.0, 1.0],
        1,
    )
    .unwrap();
    let p = predict::probability_of_one(&identity1(), &SigmoidCrossEntropy, &data).unwrap();
    assert_eq!(
        p,
        train::predictions(&identity1(), &SigmoidCrossEntropy, &data).unwrap()
    );
    let binary = ConfusionMatrix::from_probabilities(&p, data.labels()).unwrap();
    // Labels 1, 0, 0, 1 against 1, 1, 0, 0: TP 1, FP 1, TN 1, FN 1.
    assert_eq!(
        (
            binary.true_positives,
            binary.false_positives,
            binary.true_negatives,
            binary.false_negatives
        ),
        (1, 1, 1, 1)
    );
    let k = predict::confusion(&identity1(), &SigmoidCrossEntropy, &data).unwrap();
    assert_eq!(ConfusionMatrix::try_from(&k).unwrap(), binary);
}

#[test]
fn the_accuracy_of_the_confusion_matrix_is_the_trainers_accuracy() {
    // An untrained 4 → 8 → 3 network on Iris: whatever it predicts, both count alike.
    let path = format!("{}/examples/data/iris.csv", env!("CARGO_MANIFEST_DIR"));
    let data: Dataset<f64> = Dataset::from_csv_path(&path, &CsvOptions::new().classes()).unwrap();
    let mut net = <(Dense<f64, 4, 8, Relu>, Dense<f64, 8, 3, Identity>)>::default();
    net.initialize(&mut Rng::new(5));
    let cm = predict::confusion(&net, &SoftmaxCrossEntropy, &data).unwrap();
    let evaluation = train::evaluate(&net, &SoftmaxCrossEntropy, &data).unwrap();
    assert_eq!(cm.accuracy(), Some(evaluation.accuracy));
    assert_eq!(cm.class_names(), ["setosa", "versicolor", "virginica"]);
    assert_eq!(cm.total(), 150);
}

#[test]
fn a_nan_prediction_is_an_error_naming_the_example() {
    let mut net = identity3();
    net.weights[(1, 1)] = f64::NAN; // z₂ = NaN · x₂ is NaN, and softmax spreads it.
    let e = predict::classes(&net, &SoftmaxCrossEntropy, &three_class_data()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "synthetic data: the prediction for example 0 is NaN, so no class can be decided \
         (did training diverge?)"
    );
    let x = Matrix::from_column([0.0, 1.0, 0.0]);
    assert!(predict::class(&net, &SoftmaxCrossEntropy, &x).is_err());
}

#[test]
fn a_wrong_feature_count_or_class_count_is_an_error() {
    let two_features = Dataset::from_parts(vec![1.0, 2.0], vec![0.0], 2).unwrap();
    let e = predict::classes(&identity3(), &SoftmaxCrossEntropy, &two_features).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the network takes 3 inputs but synthetic data has 2 feature columns"
    );
    assert!(predict::probabilities_of(&identity3(), &SoftmaxCrossEntropy, &two_features).is_err());
    // Four class names for a network of three outputs.
    let four = Dataset::from_parts(vec![1.0, 2.0, 3.0], vec![3.0], 3)
        .unwrap()
        .with_class_names(vec!["a".into(), "b".into(), "c".into(), "d".into()])
        .unwrap();
    let e = predict::confusion(&identity3(), &SoftmaxCrossEntropy, &four).unwrap_err();
    assert_eq!(
        e.to_string(),
        "synthetic data names 4 classes, but the predictions are for 3 classes"
    );
    // A numeric label past the last output.
    let past = Dataset::from_parts(vec![1.0, 2.0, 3.0], vec![3.0], 3).unwrap();
    let e = predict::confusion(&identity3(), &SoftmaxCrossEntropy, &past).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("label 0 is 3, which is not a class index"),
        "{e}"
    );
}
