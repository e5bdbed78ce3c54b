//! `backprop::metrics` counts outcomes as a person would: every expected number below was
//! counted by hand from the listed probabilities and labels (the counting is written out
//! next to each example), with `ŷ ≥ 0.5` predicting class 1, so `ŷ = 0.5` counts as 1.
//! Undefined ratios are `None`, and malformed inputs are errors that give the position.
// Uses what needs the standard library (the `std` feature, on by default).
#![cfg(feature = "std")]

use backprop::metrics::{self, ConfusionMatrix, THRESHOLD, predicted_class};

// Eight examples. Predicted class (ŷ ≥ 0.5) against label, position by position:
//   0: 0.9 → 1, label 1: TP      4: 0.5 → 1, label 1: TP (the threshold itself)
//   1: 0.2 → 0, label 0: TN      5: 0.1 → 0, label 0: TN
//   2: 0.6 → 1, label 0: FP      6: 0.8 → 1, label 1: TP
//   3: 0.4 → 0, label 1: FN      7: 0.3 → 0, label 1: FN
// TP = 3, FP = 1, TN = 2, FN = 2.
const P: [f64; 8] = [0.9, 0.2, 0.6, 0.4, 0.5, 0.1, 0.8, 0.3];
const Y: [f64; 8] = [1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0];

fn counts() -> ConfusionMatrix {
    ConfusionMatrix {
        true_positives: 3,
        false_positives: 1,
        true_negatives: 2,
        false_negatives: 2,
    }
}

#[test]
fn the_confusion_matrix_matches_the_hand_count() {
    let cm = ConfusionMatrix::from_probabilities(&P, &Y).unwrap();
    assert_eq!(cm, counts());
    assert_eq!(cm.total(), 8);
    assert_eq!(metrics::confusion_matrix(&P, &Y).unwrap(), cm);
}

#[test]
fn f32_inputs_give_the_same_counts() {
    let p: Vec<f32> = P.iter().map(|&x| x as f32).collect();
    let y: Vec<f32> = Y.iter().map(|&x| x as f32).collect();
    assert_eq!(
        ConfusionMatrix::from_probabilities(&p, &y).unwrap(),
        counts()
    );
}

#[test]
fn accuracy_is_correct_predictions_over_all_five_of_eight() {
    // TP + TN = 3 + 2 = 5 correct of 8.
    assert_eq!(metrics::accuracy(&P, &Y).unwrap(), 5.0 / 8.0);
    assert_eq!(counts().accuracy(), Some(0.625));
}

#[test]
fn precision_is_tp_over_predicted_positives_three_of_four() {
    // Predicted 1 at positions 0, 2, 4, 6; of those, 0, 4, 6 have label 1.
    assert_eq!(metrics::precision(&P, &Y).unwrap(), Some(0.75));
}

#[test]
fn recall_is_tp_over_actual_positives_three_of_five() {
    // Label 1 at positions 0, 3, 4, 6, 7; of those, 0, 4, 6 are predicted 1.
    assert_eq!(metrics::recall(&P, &Y).unwrap(), Some(0.6));
}

#[test]
fn specificity_and_f1_follow_from_the_counts() {
    // Specificity TN / (TN + FP) = 2/3; F1 = 2·3 / (2·3 + 1 + 2) = 6/9, which is also
    // the harmonic mean of 0.75 and 0.6: 2·0.45 / 1.35 = 2/3.
    let cm = counts();
    assert_eq!(cm.specificity(), Some(2.0 / 3.0));
    assert_eq!(cm.f1(), Some(6.0 / 9.0));
    let (p, r) = (cm.precision().unwrap(), cm.recall().unwrap());
    assert!((cm.f1().unwrap() - 2.0 * p * r / (p + r)).abs() < 1e-15);
}

#[test]
fn swapping_the_classes_makes_class_0_positive() {
    // Class 0 positive: TP' = TN = 2, FP' = FN = 2, TN' = TP = 3, FN' = FP = 1;
    // precision' = 2/4, recall' = 2/3 (labels 0 at 1, 2, 5; predicted 0 at 1, 5).
    let s = counts().swapped();
    assert_eq!(
        s,
        ConfusionMatrix {
            true_positives: 2,
            false_positives: 2,
            true_negatives: 3,
            false_negatives: 1,
        }
    );
    assert_eq!(s.precision(), Some(0.5));
    assert_eq!(s.recall(), Some(2.0 / 3.0));
    assert_eq!(s.swapped(), counts());
    assert_eq!(s.accuracy(), counts().accuracy());
}

#[test]
fn the_threshold_half_predicts_class_1_and_just_below_predicts_0() {
    assert_eq!(THRESHOLD, 0.5);
    assert_eq!(predicted_class(0.5_f64), 1.0);
    assert_eq!(predicted_class(0.499_999_999_f64), 0.0);
    assert_eq!(predicted_class(0.5_f32), 1.0);
    assert_eq!(predicted_class(f64::NAN), 0.0);
}

#[test]
fn ratios_with_a_zero_denominator_are_none() {
    // All predicted 0: no positive predictions, so precision is undefined; recall is
    // 0 of 2 = 0.
    let cm = ConfusionMatrix::from_probabilities(&[0.1, 0.2, 0.3], &[1.0, 1.0, 0.0]).unwrap();
    assert_eq!(cm.precision(), None);
    assert_eq!(cm.recall(), Some(0.0));
    // All labels 0: recall undefined, specificity 1 of 2.
    let cm = ConfusionMatrix::from_probabilities(&[0.9, 0.1], &[0.0, 0.0]).unwrap();
    assert_eq!(cm.recall(), None);
    assert_eq!(cm.specificity(), Some(0.5));
    // Nothing at all.
    let empty = ConfusionMatrix::from_probabilities::<f64>(&[], &[]).unwrap();
    assert_eq!(empty, ConfusionMatrix::default());
    assert_eq!(
        (
            empty.accuracy(),
            empty.precision(),
            empty.recall(),
            empty.f1()
        ),
        (None, None, None, None)
    );
}

#[test]
fn accuracy_of_zero_examples_is_an_error() {
    let err = metrics::accuracy::<f64>(&[], &[]).unwrap_err();
    assert!(err.to_string().contains("zero examples"), "{err}");
}

#[test]
fn mismatched_lengths_are_an_error_giving_both_lengths() {
    let err = metrics::accuracy(&[0.5, 0.5], &[1.0]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "there are 2 predicted probabilities but 1 labels; they must pair up"
    );
}

#[test]
fn a_label_other_than_0_or_1_is_an_error_giving_its_position() {
    let err = metrics::recall(&[0.5, 0.5, 0.5], &[1.0, 0.0, 2.0]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "label 2 is 2; binary metrics need labels 0 or 1"
    );
}

#[test]
fn a_nan_or_out_of_range_probability_is_an_error_giving_its_position() {
    let err = metrics::precision(&[0.5, f64::NAN], &[1.0, 0.0]).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("predicted probability 1 is NaN"),
        "{err}"
    );
    let err = metrics::accuracy(&[2.3, 0.5], &[1.0, 0.0]).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("predicted probability 0 is 2.3"),
        "{err}"
    );
    let err = metrics::accuracy(&[0.5, -0.1], &[1.0, 0.0]).unwrap_err();
    assert!(err.to_string().contains("not in [0, 1]"), "{err}");
}

#[test]
fn display_prints_a_labelled_2_by_2_table() {
    let table = counts().to_string();
    let expected = [
        "          predicted 1  predicted 0",
        "actual 1            3            2",
        "actual 0            1            2",
    ]
    .join("\n");
    assert_eq!(table, expected);
}

#[test]
fn display_widens_the_columns_for_large_counts() {
    let cm = ConfusionMatrix {
        true_positives: 123_456_789_012,
        false_positives: 0,
        true_negatives: 5,
        false_negatives: 7,
    };
    let table = cm.to_string();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3);
    // Every line has the same width, and the columns line up at the right.
    assert!(lines.iter().all(|l| l.len() == lines[0].len()), "{table}");
    assert!(lines[1].contains("123456789012"));
    assert!(lines[0].ends_with(" predicted 0"));
}
