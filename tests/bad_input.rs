//! Bad input gets a clear error, never a silent wrong result: each test is the smallest
//! input that once gave a wrong answer, a non-finite number or a misleading message, and
//! proves that it now gives an `Err` that names the place and the cause (or the right
//! result, where there is one).
// Uses what needs the standard library (the `std` feature, on by default).
#![cfg(feature = "std")]

use backprop::data::{CsvOptions, Dataset, Standardizer};
use backprop::error::{QUOTE_LIMIT, quoted};
use backprop::optim::Sgd;
use backprop::train::Trainer;
use backprop::{
    CrossEntropy, Dense, Error, Identity, Loss, Matrix, Parameters, Relu, Sigmoid,
    SigmoidCrossEntropy, SoftmaxCrossEntropy, SquaredError,
};

/// The message of an `Err`, or a panic naming what came back instead.
fn message<T: std::fmt::Debug>(result: backprop::Result<T>) -> String {
    match result {
        Err(e) => e.to_string(),
        Ok(v) => panic!("expected an error, got Ok({v:?})"),
    }
}

/// Every parameter's bits, to show that a refused call changed nothing.
fn bits<N: Parameters<f64>>(net: &N) -> Vec<u64> {
    net.blocks().flatten().map(|v| v.to_bits()).collect()
}

// ----- Standardising far outside the training spread -----------------------------------

#[test]
fn standardizing_a_value_to_infinity_is_refused_naming_the_example_and_feature() {
    // Fitted on {0, 1e-300}: mean 5e-301, scale 5e-301; then 1e10 would become 2e310.
    let train = Dataset::from_parts(vec![0.0, 1e-300], vec![0.0, 1.0], 1).unwrap();
    let standardizer = Standardizer::fit(&train).unwrap();
    let mut test: Dataset<f64> =
        Dataset::from_parts(vec![0.5e-300, 1e10], vec![0.0, 1.0], 1).unwrap();
    let before: Vec<u64> = test
        .features_row_major()
        .iter()
        .map(|v| v.to_bits())
        .collect();
    let text = message(standardizer.apply(&mut test));
    assert!(text.contains("feature \"x1\" of example 1"), "{text}");
    assert!(text.contains("is not finite in f64"), "{text}");
    // Nothing was written, not even the first example, which was fine.
    let after: Vec<u64> = test
        .features_row_major()
        .iter()
        .map(|v| v.to_bits())
        .collect();
    assert_eq!(before, after);
    // One example alone: the same refusal.
    let mut row = [1e10];
    assert!(standardizer.apply_to_features(&mut row).is_err());
    assert_eq!(row, [1e10]);
}

// ----- Labels the loss cannot learn from -----------------------------------------------

/// Trains a 1 → 1 logit model for one epoch on two examples with the given labels.
fn fit_one_output<L: Loss<f64>>(loss: L, labels: Vec<f64>) -> backprop::Result<()> {
    let data = Dataset::from_parts(vec![-1.0, 1.0], labels, 1).unwrap();
    let mut net = Dense::<f64, 1, 1, Identity>::default();
    Trainer::<1>::mini_batch(1)
        .quiet()
        .fit(&mut net, &loss, &mut Sgd::new(0.1).unwrap(), &data, None)
        .map(|_| ())
}

#[test]
fn sigmoid_cross_entropy_refuses_labels_outside_0_1_for_one_output() {
    // Labels {0, 2} once trained to a negative cost with accuracy 1.0; {−1, 1} to −2e6.
    for labels in [vec![0.0, 2.0], vec![-1.0, 1.0]] {
        let text = message(fit_one_output(SigmoidCrossEntropy, labels.clone()));
        assert!(text.contains("is not in [0, 1]"), "{labels:?}: {text}");
        assert!(text.contains("example"), "{text}");
    }
    // The unfused CrossEntropy takes the same labels and refuses the same ones.
    let text = message(fit_one_output(CrossEntropy, vec![0.0, 2.0]));
    assert!(text.contains("example 1 of the training set"), "{text}");
    // Soft targets in [0, 1] and the usual 0/1 labels are accepted.
    fit_one_output(SigmoidCrossEntropy, vec![0.25, 1.0]).unwrap();
    fit_one_output(SigmoidCrossEntropy, vec![0.0, 1.0]).unwrap();
    // Squared error is a regression loss: any finite label is a target.
    fit_one_output(SquaredError, vec![-3.0, 7.5]).unwrap();
}

#[test]
fn softmax_cross_entropy_refuses_one_output_by_its_label_check() {
    // Softmax of one output is 1: the cost is 0 whatever the weights, and nothing trains.
    // Training such a network does not compile (a const assertion in the loss, shown by
    // the compile_fail example on `SoftmaxCrossEntropy`); the label check says the same
    // to a caller that asks at run time.
    let why = Loss::<f64>::check_label(&SoftmaxCrossEntropy, 0.0, 1).unwrap_err();
    assert!(why.contains("at least 2 outputs"), "{why}");
    assert!(Loss::<f64>::check_label(&SoftmaxCrossEntropy, 2.0, 3).is_ok());
    assert!(Loss::<f64>::check_label(&SoftmaxCrossEntropy, 3.0, 3).is_err());
}

// ----- The norm of large finite parameters ---------------------------------------------

#[test]
fn the_norm_of_finite_parameters_is_finite_and_scaled() {
    let mut layer = Dense::<f32, 2, 2, Relu>::default();
    layer.weights[(0, 0)] = 1e20; // (1e20)² overflows f32
    layer.weights[(1, 1)] = 1e20;
    let want = 1e20f32 * 2f32.sqrt();
    assert!(
        (layer.norm() - want).abs() <= 2.0 * f32::EPSILON * want,
        "{}",
        layer.norm()
    );
    assert!((layer.weights.norm() - want).abs() <= 2.0 * f32::EPSILON * want);
    // Tiny values do not underflow to 0 either.
    let tiny = Matrix::<f64, 1, 2>::from_rows([[3e-200, 4e-200]]);
    assert!((tiny.norm() - 5e-200).abs() <= 2.0 * f64::EPSILON * 5e-200);
    // Non-finite parameters give a non-finite norm.
    layer.bias[(0, 0)] = f32::NAN;
    assert!(layer.norm().is_nan());
    layer.bias[(0, 0)] = f32::INFINITY;
    assert_eq!(layer.norm(), f32::INFINITY);
}

// ----- Quoting fields in messages ------------------------------------------------------

#[test]
fn a_megabyte_number_gives_a_short_message() {
    let field = "9".repeat(1_000_000) + "x";
    let csv = format!("a,label\n{field},1\n");
    let text = message(Dataset::<f64>::from_csv_str(
        &csv,
        "big.csv",
        &CsvOptions::new(),
    ));
    assert!(text.len() < 300, "{} bytes: {}", text.len(), &text[..300]);
    assert!(text.starts_with("big.csv:2:1: "), "{text}");
    assert!(text.contains("(1000001 bytes)"), "{text}");
}

#[test]
fn invisible_characters_in_fields_are_escaped_in_messages() {
    // NUL, a byte-order mark inside a field, a no-break space: each shown as an escape.
    for (field, shown) in [
        ("1\u{0}", r"\0"),
        ("\u{feff}2x", r"\u{feff}"),
        ("3\u{a0}", r"\u{a0}"),
        ("4\u{200b}", r"\u{200b}"),
    ] {
        let csv = format!("a,label\n1,0\n{field},1\n");
        let text = message(Dataset::<f64>::from_csv_str(
            &csv,
            "odd.csv",
            &CsvOptions::new(),
        ));
        assert!(text.contains(shown), "{field:?}: {text}");
        assert!(!text.contains(field), "{field:?} printed raw: {text}");
    }
    assert_eq!(quoted("a\"b\\"), r#""a\"b\\""#);
    assert_eq!(
        quoted(&"é".repeat(QUOTE_LIMIT + 1)).chars().count(),
        QUOTE_LIMIT + 2 + " (82 bytes)".len() + 1
    );
}

#[test]
fn a_file_whose_lines_end_in_cr_alone_is_refused_with_that_cause() {
    let text = message(Dataset::<f64>::from_csv_str(
        "a,label\r1,0\r2,1\r",
        "mac.csv",
        &CsvOptions::new(),
    ));
    assert!(text.starts_with("mac.csv:1: "), "{text}");
    assert!(text.contains("end in CR alone"), "{text}");
    // CRLF files are read as before.
    let data =
        Dataset::<f64>::from_csv_str("a,label\r\n1,0\r\n2,1\r\n", "dos.csv", &CsvOptions::new());
    assert_eq!(data.unwrap().len(), 2);
}

// ----- A bad example order -------------------------------------------------------------

#[test]
fn an_epoch_with_a_bad_index_names_its_position_and_takes_no_step() {
    let features: Vec<f64> = (0..18).map(|k| k as f64 / 9.0 - 1.0).collect();
    let data = Dataset::from_parts(features, vec![0.0, 1.0, 0.0, 1.0, 0.0, 1.0], 3).unwrap();
    let mut net = backprop::network::seed_network::<f64>(&mut backprop::rng::Rng::new(3));
    let before = bits(&net);
    let mut sgd = Sgd::new(0.5).unwrap();
    let text = message(Trainer::<2>::mini_batch(1).epoch(
        &mut net,
        &SigmoidCrossEntropy,
        &mut sgd,
        &data,
        &[0, 1, 2, 3, 4, 99],
    ));
    assert!(
        text.contains("position 5 of the example order is index 99"),
        "{text}"
    );
    assert!(text.contains("has 6 examples"), "{text}");
    assert_eq!(bits(&net), before, "no step was taken");
}

// ----- What went non-finite ------------------------------------------------------------

#[test]
fn a_nan_weight_before_training_is_named_and_not_blamed_on_the_learning_rate() {
    let data = Dataset::from_parts(vec![-1.0, 1.0], vec![0.0, 1.0], 1).unwrap();
    let mut net = (
        Dense::<f64, 1, 2, Relu>::default(),
        Dense::<f64, 2, 1, Sigmoid>::default(),
    );
    net.0.weights[(1, 0)] = f64::NAN;
    let result = Trainer::<1>::mini_batch(1).quiet().fit(
        &mut net,
        &CrossEntropy,
        &mut Sgd::new(1e-9).unwrap(),
        &data,
        None,
    );
    let Err(error @ Error::Invalid { .. }) = result else {
        panic!("expected Error::Invalid, got {result:?}");
    };
    let text = error.to_string();
    assert!(
        text.contains("parameter W[1](2, 1) is NaN before training"),
        "{text}"
    );
    assert!(!text.contains("learning rate"), "{text}");
}
