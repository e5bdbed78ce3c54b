//! Classification metrics: for K classes, the [`MulticlassConfusion`] matrix with each
//! class's precision, recall and F1 and their macro averages (printed with the class
//! names by its [`ClassificationReport`]); for two classes from predicted probabilities,
//! [`accuracy`], the binary [`ConfusionMatrix`], [`precision`] and [`recall`]. The binary
//! matrix is the two-class case of the K-class one: it counts with it, and
//! `MulticlassConfusion::from` and `ConfusionMatrix::try_from` convert between them.
//! [`predict::confusion`](crate::predict::confusion) builds either kind from a network
//! and a data set.
//!
//! A probability `ŷ` predicts class 1 when `ŷ ≥ 0.5` ([`THRESHOLD`]) and class 0
//! otherwise, the rule the trainer's accuracy uses too. Class 1 is the *positive* class;
//! for `examples/data/breast_cancer.csv` that is *benign*, so to measure how well
//! malignant tumours are found, use [`ConfusionMatrix::swapped`].
//!
//! A ratio whose denominator is 0 (precision with no positive predictions, recall with
//! no positive examples, anything on zero examples) is undefined and returned as `None`,
//! never as 0 or NaN.
//!
//! ```
//! use backprop::metrics::{self, ConfusionMatrix};
//!
//! let probabilities = [0.9, 0.2, 0.6, 0.4];
//! let labels = [1.0, 0.0, 0.0, 1.0];
//! let cm = ConfusionMatrix::from_probabilities(&probabilities, &labels)?;
//! assert_eq!((cm.true_positives, cm.false_positives), (1, 1));
//! assert_eq!((cm.true_negatives, cm.false_negatives), (1, 1));
//! assert_eq!(metrics::accuracy(&probabilities, &labels)?, 0.5);
//! assert_eq!(cm.precision(), Some(0.5));
//! # Ok::<(), backprop::Error>(())
//! ```

#[cfg(feature = "std")]
mod multiclass;

#[cfg(feature = "std")]
pub use multiclass::{ClassificationReport, MulticlassConfusion};

use crate::error::{Error, Result, invalid};
use crate::scalar::Scalar;
use core::fmt;

/// The decision threshold: a probability of at least `0.5` predicts class 1.
pub const THRESHOLD: f64 = 0.5;

/// The class (`0` or `1`) that a probability predicts: `1` if `probability ≥ 0.5`.
///
/// NaN predicts `0` here, because `NaN ≥ 0.5` is false; the functions that take slices
/// reject NaN instead.
pub fn predicted_class<T: Scalar>(probability: T) -> T {
    if probability >= T::HALF {
        T::ONE
    } else {
        T::ZERO
    }
}

/// The four counts of a binary classifier's outcomes, class 1 being positive.
///
/// ```text
///                 predicted 1       predicted 0
/// actual 1        true positive     false negative
/// actual 0        false positive    true negative
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConfusionMatrix {
    /// Examples of class 1 predicted as 1.
    pub true_positives: usize,
    /// Examples of class 0 predicted as 1.
    pub false_positives: usize,
    /// Examples of class 0 predicted as 0.
    pub true_negatives: usize,
    /// Examples of class 1 predicted as 0.
    pub false_negatives: usize,
}

impl ConfusionMatrix {
    /// Counts the outcomes of predicting class `ŷ ≥ 0.5` for each probability against the
    /// label at the same position.
    ///
    /// # Errors
    /// [`Error::Invalid`] if the slices differ in length, if a label is not exactly `0` or
    /// `1`, or if a probability is NaN or outside `[0, 1]` (as network outputs that were
    /// not passed through a sigmoid would be); the message gives the position.
    pub fn from_probabilities<T: Scalar>(probabilities: &[T], labels: &[T]) -> Result<Self> {
        if probabilities.len() != labels.len() {
            return Err(invalid!(
                "there are {} predicted probabilities but {} labels; they must pair up",
                probabilities.len(),
                labels.len()
            ));
        }
        let mut counts = ConfusionMatrix::default();
        for (i, (&p, &y)) in probabilities.iter().zip(labels).enumerate() {
            if p.is_nan() {
                return Err(invalid!(
                    "predicted probability {i} is NaN; its class cannot be decided"
                ));
            }
            if !(T::ZERO..=T::ONE).contains(&p) {
                return Err(invalid!(
                    "predicted probability {i} is {p}, which is not in [0, 1] (are these \
                     outputs before the sigmoid?)"
                ));
            }
            let actual = if y == T::ONE {
                1
            } else if y == T::ZERO {
                0
            } else {
                return Err(invalid!(
                    "label {i} is {y}; binary metrics need labels 0 or 1"
                ));
            };
            match (actual, p >= T::HALF) {
                (1, true) => counts.true_positives += 1,
                (1, false) => counts.false_negatives += 1,
                (_, true) => counts.false_positives += 1,
                (_, false) => counts.true_negatives += 1,
            }
        }
        Ok(counts)
    }

    /// The number of examples counted.
    pub fn total(&self) -> usize {
        self.true_positives + self.false_positives + self.true_negatives + self.false_negatives
    }

    /// The matrix with the roles of the classes exchanged (class 0 positive): true
    /// positives become true negatives, false positives false negatives, and back.
    pub fn swapped(&self) -> Self {
        ConfusionMatrix {
            true_positives: self.true_negatives,
            false_positives: self.false_negatives,
            true_negatives: self.true_positives,
            false_negatives: self.false_positives,
        }
    }

    /// The fraction of correct predictions, `(TP + TN) / total`, or `None` for no examples.
    pub fn accuracy(&self) -> Option<f64> {
        ratio(self.true_positives + self.true_negatives, self.total())
    }

    /// The fraction of positive predictions that are right, `TP / (TP + FP)`, or `None`
    /// if nothing was predicted positive.
    pub fn precision(&self) -> Option<f64> {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }

    /// The fraction of positive examples found, `TP / (TP + FN)` (sensitivity), or `None`
    /// if there are no positive examples.
    pub fn recall(&self) -> Option<f64> {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }

    /// The fraction of negative examples recognised, `TN / (TN + FP)`, or `None` if there
    /// are no negative examples.
    pub fn specificity(&self) -> Option<f64> {
        ratio(
            self.true_negatives,
            self.true_negatives + self.false_positives,
        )
    }

    /// The harmonic mean of precision and recall, `2·TP / (2·TP + FP + FN)`, or `None` if
    /// there are neither positive examples nor positive predictions.
    pub fn f1(&self) -> Option<f64> {
        ratio(
            2 * self.true_positives,
            2 * self.true_positives + self.false_positives + self.false_negatives,
        )
    }
}

/// `numerator / denominator`, or `None` when the denominator is 0.
fn ratio(numerator: usize, denominator: usize) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

/// How many decimal digits `n` prints with.
fn decimal_digits(n: usize) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

impl fmt::Display for ConfusionMatrix {
    /// A 2×2 table with labelled rows (actual class) and columns (predicted class),
    /// positive class first, without a trailing newline:
    ///
    /// ```text
    ///           predicted 1  predicted 0
    /// actual 1           57            0
    /// actual 0            2           32
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header = "predicted 1";
        let w = decimal_digits(self.total()).max(header.len());
        writeln!(f, "{:8}  {:>w$}  {:>w$}", "", header, "predicted 0")?;
        writeln!(
            f,
            "{:8}  {:>w$}  {:>w$}",
            "actual 1", self.true_positives, self.false_negatives
        )?;
        write!(
            f,
            "{:8}  {:>w$}  {:>w$}",
            "actual 0", self.false_positives, self.true_negatives
        )
    }
}

/// The confusion matrix of probabilities against labels:
/// [`ConfusionMatrix::from_probabilities`].
///
/// # Errors
/// As [`ConfusionMatrix::from_probabilities`].
pub fn confusion_matrix<T: Scalar>(probabilities: &[T], labels: &[T]) -> Result<ConfusionMatrix> {
    ConfusionMatrix::from_probabilities(probabilities, labels)
}

/// The fraction of examples whose predicted class (`ŷ ≥ 0.5`) equals the label.
///
/// # Errors
/// [`Error::Invalid`] if there are no examples (accuracy is undefined), or for any error
/// of [`ConfusionMatrix::from_probabilities`].
pub fn accuracy<T: Scalar>(probabilities: &[T], labels: &[T]) -> Result<f64> {
    ConfusionMatrix::from_probabilities(probabilities, labels)?
        .accuracy()
        .ok_or_else(|| Error::invalid("accuracy is undefined for zero examples"))
}

/// Precision, `TP / (TP + FP)`: `None` if no example is predicted positive.
///
/// # Errors
/// As [`ConfusionMatrix::from_probabilities`].
pub fn precision<T: Scalar>(probabilities: &[T], labels: &[T]) -> Result<Option<f64>> {
    Ok(ConfusionMatrix::from_probabilities(probabilities, labels)?.precision())
}

/// Recall, `TP / (TP + FN)`: `None` if no example is positive.
///
/// # Errors
/// As [`ConfusionMatrix::from_probabilities`].
pub fn recall<T: Scalar>(probabilities: &[T], labels: &[T]) -> Result<Option<f64>> {
    Ok(ConfusionMatrix::from_probabilities(probabilities, labels)?.recall())
}
