//! One-hot targets: class indices turned into the columns a K-output network is trained
//! against.

use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::scalar::Scalar;

/// The one-hot targets of `M` labels for `K` classes: column `j` is `e_(labels[j])`,
/// the unit vector with a 1 in the row of the class and 0 elsewhere.
///
/// ```text
/// labels = [2, 0, 1]   →   [ 0  1  0 ]
///                          [ 0  0  1 ]    (K × M = 3 × 3)
///                          [ 1  0  0 ]
/// ```
///
/// With `M = 1` it is one example's target vector. These are the targets that
/// [`SoftmaxCrossEntropy`](crate::SoftmaxCrossEntropy) compares with `softmax(z)`; the
/// trainer builds them itself, but [`gradcheck`](crate::gradcheck) and
/// [`network`](crate::network)'s functions take the target matrix:
///
/// ```
/// use backprop::data::{Dataset, one_hot};
/// use backprop::Matrix;
///
/// let y: Matrix<f64, 3, 2> = one_hot(&[2.0, 0.0])?;
/// assert_eq!(y, Matrix::from_row_major([0.0, 1.0, 0.0, 0.0, 1.0, 0.0]));
///
/// // A batch of a data set: its labels row, then one-hot.
/// let data = Dataset::from_parts(vec![0.1, 0.2, 0.3], vec![1.0, 2.0, 0.0], 1)?;
/// let (x, labels) = data.batch::<1, 3>(&[0, 1, 2])?;
/// let y: Matrix<f64, 3, 3> = one_hot(labels.as_slice())?;
/// assert_eq!(y.column(1).to_column(), [0.0, 0.0, 1.0]);
/// # Ok::<(), backprop::Error>(())
/// ```
///
/// # Errors
/// [`Error::Invalid`] if there are not exactly `M` labels, or if a label is not a class
/// index `0, 1, …, K − 1` (a fraction, a negative number, `K` or more); the message
/// gives its position.
pub fn one_hot<T: Scalar, const K: usize, const M: usize>(labels: &[T]) -> Result<Matrix<T, K, M>> {
    if labels.len() != M {
        return Err(Error::invalid(format!(
            "one-hot targets of {M} columns need {M} labels, but {} were given",
            labels.len()
        )));
    }
    let mut targets = Matrix::zeros();
    for (j, &label) in labels.iter().enumerate() {
        let k = class_index(label, K).map_err(|why| Error::invalid(format!("label {j} {why}")))?;
        targets[(k, j)] = T::ONE;
    }
    Ok(targets)
}

/// The class index that `label` stands for, if it is one of `0, 1, …, n_classes − 1`;
/// the error completes a sentence that starts with the label's description ("label 3
/// …"), e.g. "is 2.5, which is not a class index: …".
pub(crate) fn class_index<T: Scalar>(
    label: T,
    n_classes: usize,
) -> core::result::Result<usize, String> {
    let v = label.to_f64();
    if v >= 0.0 && v < n_classes as f64 && v.fract() == 0.0 {
        Ok(v as usize)
    } else {
        let indices = match n_classes {
            0 => "there are no classes".to_string(),
            1 => "the only class index is 0".to_string(),
            2 => "the class indices are 0 and 1".to_string(),
            k => format!("the class indices are 0, 1, …, {}", k - 1),
        };
        Err(format!(
            "is {label}, which is not a class index of {n_classes} classes: {indices}"
        ))
    }
}
