//! `data::one_hot` turns class indices into the target columns a K-output network is
//! trained against: column `j` has a single 1, in the row of label `j` (checked entry by
//! entry and by its sums and arg max); the softmax cost against these targets is the
//! mean of `−ln` of each label's probability; labels that are not class indices below K
//! are errors giving their position.
// Uses what needs the standard library (the `std` feature, on by default).
#![cfg(feature = "std")]

use backprop::data::{Dataset, one_hot};
use backprop::{Loss, Matrix, SoftmaxCrossEntropy};

#[test]
fn each_column_is_the_unit_vector_of_its_label() {
    let y: Matrix<f64, 3, 4> = one_hot(&[2.0, 0.0, 1.0, 2.0]).unwrap();
    // Written out by hand: row k, column j is 1 exactly when label j is k.
    let expected = Matrix::from_row_major([
        0.0, 1.0, 0.0, 0.0, //
        0.0, 0.0, 1.0, 0.0, //
        1.0, 0.0, 0.0, 1.0,
    ]);
    assert_eq!(y, expected);
    // The second way: every column sums to 1, and its arg max is its label.
    assert_eq!(y.column_sums(), Matrix::ones());
    for (j, label) in [2, 0, 1, 2].into_iter().enumerate() {
        assert_eq!(y.column(j).argmax(), Some((label, 0)));
    }
}

#[test]
fn one_column_is_one_examples_target_in_f32_too() {
    let y: Matrix<f32, 4, 1> = one_hot(&[3.0]).unwrap();
    assert_eq!(y.to_column(), [0.0, 0.0, 0.0, 1.0]);
}

#[test]
fn softmax_cost_against_one_hot_targets_is_minus_log_of_the_label_probability() {
    // z = (0, ln 2, ln 3) gives softmax (1/6, 2/6, 3/6); labels 2 and 0 cost −ln(1/2)
    // and −ln(1/6), so J = (ln 2 + ln 6) / 2 = ln 12 / 2.
    let z = Matrix::<f64, 3, 2>::from_fn(|k, _| [0.0, 2f64.ln(), 3f64.ln()][k]);
    let y: Matrix<f64, 3, 2> = one_hot(&[2.0, 0.0]).unwrap();
    let cost = SoftmaxCrossEntropy.cost(&z, &y);
    assert!((cost - 12f64.ln() / 2.0).abs() < 1e-15, "{cost}");
}

#[test]
fn a_data_set_batch_becomes_one_hot_through_its_label_row() {
    let data = Dataset::from_parts(vec![0.1, 0.2, 0.3], vec![1.0, 2.0, 0.0], 1).unwrap();
    let (_, labels) = data.batch::<1, 3>(&[2, 0, 1]).unwrap();
    let y: Matrix<f64, 3, 3> = one_hot(labels.as_slice()).unwrap();
    // Examples 2, 0, 1 have labels 0, 1, 2: the identity.
    assert_eq!(y, Matrix::identity());
}

#[test]
fn labels_that_are_not_class_indices_are_errors_giving_their_position() {
    let err = |labels: &[f64]| one_hot::<f64, 3, 2>(labels).unwrap_err().to_string();
    let indices = "the class indices are 0, 1, …, 2";
    assert_eq!(
        err(&[0.0, 3.0]),
        format!("label 1 is 3, which is not a class index of 3 classes: {indices}")
    );
    assert_eq!(
        err(&[1.5, 0.0]),
        format!("label 0 is 1.5, which is not a class index of 3 classes: {indices}")
    );
    assert_eq!(
        err(&[0.0, -1.0]),
        format!("label 1 is -1, which is not a class index of 3 classes: {indices}")
    );
    assert!(err(&[f64::NAN, 0.0]).starts_with("label 0 is NaN"));
    assert_eq!(
        err(&[0.0]),
        "one-hot targets of 2 columns need 2 labels, but 1 were given"
    );
    let two = one_hot::<f64, 2, 1>(&[2.0]).unwrap_err().to_string();
    assert!(two.ends_with("the class indices are 0 and 1"), "{two}");
}
