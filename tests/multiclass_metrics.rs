//! `metrics::MulticlassConfusion` counts a K-class classifier's outcomes as a person
//! would, and its per-class precision, recall and F1 and their macro averages are the
//! fractions of those counts. Every expected value below was counted and reduced by hand
//! from the listed labels and predictions (the counting is written out beside it), and
//! F1 is checked twice: as `2·TP / (2·TP + FP + FN)` and as the harmonic mean of
//! precision and recall. With two classes it agrees with the binary `ConfusionMatrix`
//! count for count and ratio for ratio; the tables print the class names.
// Uses what needs the standard library (the `std` feature, on by default).
#![cfg(feature = "std")]

use backprop::metrics::{ConfusionMatrix, MulticlassConfusion};

// Ten examples of three classes, position by position:
//   labels:    0 0 0 0 1 1 1 2 2 2
//   predicted: 0 0 1 2 1 1 0 2 2 1
// Row a, column p counts the examples of class a predicted as p:
//   actual 0: 2 → 0, 1 → 1, 1 → 2   [2 1 1]   (4 examples)
//   actual 1: 1 → 0, 2 → 1, 0 → 2   [1 2 0]   (3 examples)
//   actual 2: 0 → 0, 1 → 1, 2 → 2   [0 1 2]   (3 examples)
// Column sums (predictions of each class): 2 + 1 + 0 = 3, 1 + 2 + 1 = 4, 1 + 0 + 2 = 3.
// Diagonal: 2 + 2 + 2 = 6 correct.
const LABELS: [f64; 10] = [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0];
const PREDICTED: [usize; 10] = [0, 0, 1, 2, 1, 1, 0, 2, 2, 1];

fn cm() -> MulticlassConfusion {
    MulticlassConfusion::from_classes(&PREDICTED, &LABELS, 3)
        .unwrap()
        .with_class_names(["setosa", "versicolor", "virginica"])
        .unwrap()
}

const TOLERANCE: f64 = 1e-15; // a few ulps of the sums of three ratios

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() <= TOLERANCE)
}

#[test]
fn the_counts_match_the_hand_count() {
    let cm = cm();
    let rows: Vec<[usize; 3]> = (0..3)
        .map(|a| [cm.count(a, 0), cm.count(a, 1), cm.count(a, 2)])
        .collect();
    assert_eq!(rows, [[2, 1, 1], [1, 2, 0], [0, 1, 2]]);
    assert_eq!(cm.total(), 10);
    assert_eq!((cm.support(0), cm.support(1), cm.support(2)), (4, 3, 3));
    assert_eq!(
        (cm.predicted(0), cm.predicted(1), cm.predicted(2)),
        (3, 4, 3)
    );
    assert_eq!(cm.count(3, 0), 0); // no class 3
}

#[test]
fn recording_one_by_one_gives_the_same_counts() {
    let mut counts = MulticlassConfusion::new(3).unwrap();
    for (&p, &y) in PREDICTED.iter().zip(&LABELS) {
        counts.record(y as usize, p).unwrap();
    }
    assert_eq!(
        counts,
        MulticlassConfusion::from_classes(&PREDICTED, &LABELS, 3).unwrap()
    );
    assert_eq!(counts.class_names(), ["0", "1", "2"]);
}

#[test]
fn accuracy_is_the_diagonal_over_the_total_six_of_ten() {
    assert_eq!(cm().accuracy(), Some(0.6));
}

#[test]
fn per_class_precision_and_recall_are_the_diagonal_over_column_and_row_sums() {
    let cm = cm();
    // Precision: 2/3, 2/4, 2/3 (column sums 3, 4, 3).
    assert_eq!(cm.precision(0), Some(2.0 / 3.0));
    assert_eq!(cm.precision(1), Some(0.5));
    assert_eq!(cm.precision(2), Some(2.0 / 3.0));
    // Recall: 2/4, 2/3, 2/3 (row sums 4, 3, 3).
    assert_eq!(cm.recall(0), Some(0.5));
    assert_eq!(cm.recall(1), Some(2.0 / 3.0));
    assert_eq!(cm.recall(2), Some(2.0 / 3.0));
}

#[test]
fn f1_is_two_tp_over_two_tp_plus_fp_plus_fn_and_the_harmonic_mean_of_p_and_r() {
    let cm = cm();
    // FP is the column sum minus the diagonal, FN the row sum minus the diagonal.
    // Class 0: TP 2, FP 1, FN 2: 4 / (4 + 1 + 2) = 4/7. Class 1: TP 2, FP 2, FN 1: 4/7.
    // Class 2: TP 2, FP 1, FN 1: 4/6 = 2/3.
    assert!(close(cm.f1(0), 4.0 / 7.0));
    assert!(close(cm.f1(1), 4.0 / 7.0));
    assert!(close(cm.f1(2), 2.0 / 3.0));
    for k in 0..3 {
        let (p, r) = (cm.precision(k).unwrap(), cm.recall(k).unwrap());
        assert!(close(cm.f1(k), 2.0 * p * r / (p + r)), "class {k}");
    }
}

#[test]
fn macro_averages_are_the_unweighted_means_over_classes() {
    let cm = cm();
    // Precision (2/3 + 1/2 + 2/3) / 3 = 11/18; recall (1/2 + 2/3 + 2/3) / 3 = 11/18;
    // F1 (4/7 + 4/7 + 2/3) / 3 = (12 + 12 + 14) / 63 = 38/63.
    assert!(close(cm.macro_precision(), 11.0 / 18.0));
    assert!(close(cm.macro_recall(), 11.0 / 18.0));
    assert!(close(cm.macro_f1(), 38.0 / 63.0));
}

#[test]
fn a_class_never_predicted_has_no_precision_and_no_macro_precision() {
    // Class 2 has an example but is never predicted: precision 0/0; recall 0/1 = 0.
    let cm = MulticlassConfusion::from_classes(&[0, 1, 1], &[0.0, 1.0, 2.0], 3).unwrap();
    assert_eq!(cm.precision(2), None);
    assert_eq!(cm.recall(2), Some(0.0));
    assert_eq!(cm.f1(2), Some(0.0)); // 0 / (0 + 0 + 1)
    assert_eq!(cm.macro_precision(), None);
    assert!(close(cm.macro_recall(), 2.0 / 3.0)); // (1 + 1 + 0) / 3
    // A class with neither examples nor predictions has no F1 either.
    let cm = MulticlassConfusion::from_classes(&[0, 1], &[0.0, 1.0], 3).unwrap();
    assert_eq!((cm.f1(2), cm.macro_f1()), (None, None));
    assert_eq!(MulticlassConfusion::new(2).unwrap().accuracy(), None);
}

#[test]
fn two_classes_agree_with_the_binary_confusion_matrix() {
    // tests/metrics.rs's eight examples: ŷ ≥ 0.5 predicts 1; TP 3, FP 1, TN 2, FN 2.
    let p = [0.9, 0.2, 0.6, 0.4, 0.5, 0.1, 0.8, 0.3];
    let y = [1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0];
    let binary = ConfusionMatrix::from_probabilities(&p, &y).unwrap();
    let predicted: Vec<usize> = p.iter().map(|&p| usize::from(p >= 0.5)).collect();
    let k = MulticlassConfusion::from_classes(&predicted, &y, 2).unwrap();
    assert_eq!(MulticlassConfusion::from(binary), k);
    assert_eq!(ConfusionMatrix::try_from(&k).unwrap(), binary);
    assert_eq!(
        (k.count(1, 1), k.count(0, 1), k.count(0, 0), k.count(1, 0)),
        (3, 1, 2, 2)
    );
    // Class 1 is the binary positive class; class 0 is the positive class once swapped.
    assert_eq!(k.precision(1), binary.precision());
    assert_eq!(k.recall(1), binary.recall());
    assert_eq!(k.f1(1), binary.f1());
    assert_eq!(k.precision(0), binary.swapped().precision());
    assert_eq!(k.recall(0), binary.specificity());
    assert_eq!(k.accuracy(), binary.accuracy());
}

#[test]
fn only_a_two_class_matrix_converts_to_the_binary_one() {
    let e = ConfusionMatrix::try_from(&cm()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "a binary confusion matrix needs 2 classes, but this one has 3"
    );
}

#[test]
fn display_prints_the_counts_under_the_class_names() {
    let expected = "\
actual \\ predicted  setosa  versicolor  virginica
setosa                   2           1          1
versicolor               1           2          0
virginica                0           1          2";
    assert_eq!(cm().to_string(), expected);
}

#[test]
fn the_report_prints_each_class_the_macro_averages_and_the_accuracy() {
    // 4/7 = 0.571428…, 11/18 = 0.61111…, 38/63 = 0.603174…
    let expected = "\
class       precision     recall         F1    support
setosa         0.6667     0.5000     0.5714          4
versicolor     0.5000     0.6667     0.5714          3
virginica      0.6667     0.6667     0.6667          3
macro avg      0.6111     0.6111     0.6032         10
accuracy                             0.6000         10";
    assert_eq!(cm().report().to_string(), expected);
    // Class 1 has neither examples nor predictions: all three ratios are 0/0.
    let undefined = MulticlassConfusion::from_classes(&[0], &[0.0], 2).unwrap();
    let report = undefined.report().to_string();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(
        lines[2],
        "1          undefined  undefined  undefined          0"
    );
    assert_eq!(
        lines[3],
        "macro avg  undefined  undefined  undefined          1"
    );
}

#[test]
fn malformed_inputs_are_errors_that_give_the_position() {
    let e = |r: backprop::Result<MulticlassConfusion>| r.unwrap_err().to_string();
    assert_eq!(
        e(MulticlassConfusion::new(0)),
        "a confusion matrix needs at least one class, but 0 were asked for"
    );
    assert_eq!(
        e(MulticlassConfusion::from_classes(&[0, 1], &[0.0], 2)),
        "there are 2 predicted classes but 1 labels; they must pair up"
    );
    assert_eq!(
        e(MulticlassConfusion::from_classes(&[0, 1], &[0.0, 2.0], 2)),
        "label 1 is 2, which is not a class index of 2 classes: the class indices are 0 and 1"
    );
    assert_eq!(
        e(MulticlassConfusion::from_classes(&[0, 5], &[0.0, 1.0], 3)),
        "predicted class 1 is 5, but there are only 3 classes (0 to 2)"
    );
    assert_eq!(
        e(cm().with_class_names(["a", "b"])),
        "the confusion matrix has 3 classes but 2 class names were given"
    );
    let mut counts = MulticlassConfusion::new(2).unwrap();
    assert_eq!(
        counts.record(0, 2).unwrap_err().to_string(),
        "cannot count class 0 predicted as 2: the confusion matrix has 2 classes (0 to 1)"
    );
    assert_eq!(counts.total(), 0); // nothing was counted
}
