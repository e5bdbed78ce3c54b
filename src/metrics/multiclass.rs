//! The confusion matrix of a K-class classifier, with per-class precision, recall and F1
//! and their macro averages.

use super::{ConfusionMatrix, ratio};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::scalar::Scalar;
use core::fmt;

/// The counts of a K-class classifier's outcomes: `count(a, p)` examples of class `a`
/// were predicted as class `p`, with a name for each class.
///
/// ```text
///                  predicted 0   predicted 1   …   predicted K − 1
/// actual 0         n₀₀           n₀₁           …   n₀,ₖ₋₁
/// actual 1         n₁₀           n₁₁           …
/// …
/// ```
///
/// The diagonal holds the correct predictions. For class `k`, the examples of class `k`
/// predicted as `k` are its true positives `TPₖ = nₖₖ`; the others in its row are its
/// false negatives (`FNₖ = Σ_{p≠k} nₖₚ`) and the others in its column its false positives
/// (`FPₖ = Σ_{a≠k} nₐₖ`). With two classes, class 1 being positive, this is the
/// [`ConfusionMatrix`] (the two convert into each other, and the binary one counts with
/// this one).
///
/// A ratio whose denominator is 0 is undefined and returned as `None`, as in the binary
/// case; a macro average is `None` if the value of any class is.
///
/// ```
/// use backprop::metrics::MulticlassConfusion;
///
/// // Actual classes and predictions of six examples of three classes.
/// let labels = [0.0, 0.0, 1.0, 1.0, 2.0, 2.0];
/// let predicted = [0, 1, 1, 1, 2, 0];
/// let cm = MulticlassConfusion::from_classes(&predicted, &labels, 3)?
///     .with_class_names(["cat", "dog", "fox"])?;
/// assert_eq!((cm.count(0, 1), cm.count(2, 0), cm.total()), (1, 1, 6));
/// assert_eq!(cm.precision(1), Some(2.0 / 3.0)); // dog predicted 3 times, 2 right
/// assert_eq!(cm.recall(1), Some(1.0));          // both dogs found
/// println!("{cm}\n{}", cm.report());
/// # Ok::<(), backprop::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MulticlassConfusion {
    /// `K × K` counts, row-major: `counts[a·K + p]` is `count(a, p)`.
    counts: Vec<usize>,
    /// One name per class.
    class_names: Vec<String>,
}

/// # Counting
impl MulticlassConfusion {
    /// An empty matrix of `n_classes` classes named by their indices `0, 1, …, K − 1`.
    ///
    /// # Errors
    /// [`Error::Invalid`] if `n_classes` is 0.
    pub fn new(n_classes: usize) -> Result<Self> {
        if n_classes == 0 {
            return Err(Error::invalid(
                "a confusion matrix needs at least one class, but 0 were asked for",
            ));
        }
        Ok(MulticlassConfusion {
            counts: vec![0; n_classes * n_classes],
            class_names: (0..n_classes).map(|k| k.to_string()).collect(),
        })
    }

    /// Counts each predicted class against the label at the same position, for
    /// `n_classes` classes named by their indices.
    ///
    /// # Errors
    /// [`Error::Invalid`] if `n_classes` is 0, if the slices differ in length, or if a
    /// label or a prediction is not a class index below `n_classes` (the message gives
    /// its position).
    pub fn from_classes<T: Scalar>(
        predicted: &[usize],
        labels: &[T],
        n_classes: usize,
    ) -> Result<Self> {
        let mut cm = Self::new(n_classes)?;
        if predicted.len() != labels.len() {
            return Err(Error::invalid(format!(
                "there are {} predicted classes but {} labels; they must pair up",
                predicted.len(),
                labels.len()
            )));
        }
        for (i, (&p, &y)) in predicted.iter().zip(labels).enumerate() {
            let actual = crate::data::class_index(y, n_classes)
                .map_err(|why| Error::invalid(format!("label {i} {why}")))?;
            if p >= n_classes {
                return Err(Error::invalid(format!(
                    "predicted class {i} is {p}, but there are only {n_classes} classes \
                     (0 to {})",
                    n_classes - 1
                )));
            }
            cm.counts[actual * n_classes + p] += 1;
        }
        Ok(cm)
    }

    /// [`from_classes`](Self::from_classes) for the examples of `data`, with its class
    /// names if it has them ([`Dataset::class_names`]), else named by index.
    ///
    /// # Errors
    /// As [`from_classes`](Self::from_classes), and [`Error::Invalid`] if `data` names a
    /// number of classes other than `n_classes`.
    pub fn from_dataset<T: Scalar>(
        predicted: &[usize],
        data: &Dataset<T>,
        n_classes: usize,
    ) -> Result<Self> {
        let names = data.class_names();
        if !names.is_empty() && names.len() != n_classes {
            return Err(Error::invalid(format!(
                "{} names {} classes, but the predictions are for {n_classes} classes",
                data.name(),
                names.len()
            )));
        }
        let cm = Self::from_classes(predicted, data.labels(), n_classes)?;
        if names.is_empty() {
            Ok(cm)
        } else {
            cm.with_class_names(names)
        }
    }

    /// The same counts with other class names, `names[k]` for class `k`.
    ///
    /// # Errors
    /// [`Error::Invalid`] if there is not one name per class.
    pub fn with_class_names<S: AsRef<str>>(
        mut self,
        names: impl IntoIterator<Item = S>,
    ) -> Result<Self> {
        let names: Vec<String> = names.into_iter().map(|n| n.as_ref().to_string()).collect();
        if names.len() != self.n_classes() {
            return Err(Error::invalid(format!(
                "the confusion matrix has {} classes but {} class names were given",
                self.n_classes(),
                names.len()
            )));
        }
        self.class_names = names;
        Ok(self)
    }

    /// Adds one example of class `actual` predicted as `predicted`.
    ///
    /// # Errors
    /// [`Error::Invalid`] if either is not a class index.
    pub fn record(&mut self, actual: usize, predicted: usize) -> Result<()> {
        let k = self.n_classes();
        if actual >= k || predicted >= k {
            return Err(Error::invalid(format!(
                "cannot count class {actual} predicted as {predicted}: the confusion matrix \
                 has {k} classes (0 to {})",
                k - 1
            )));
        }
        self.counts[actual * k + predicted] += 1;
        Ok(())
    }
}

/// # Counts
impl MulticlassConfusion {
    /// The number of classes `K`.
    pub fn n_classes(&self) -> usize {
        self.class_names.len()
    }

    /// The class names, `class_names()[k]` for class `k`.
    pub fn class_names(&self) -> &[String] {
        &self.class_names
    }

    /// The number of examples of class `actual` predicted as `predicted` (0 for an index
    /// past the last class).
    pub fn count(&self, actual: usize, predicted: usize) -> usize {
        let k = self.n_classes();
        if actual < k && predicted < k {
            self.counts[actual * k + predicted]
        } else {
            0
        }
    }

    /// The number of examples counted.
    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }

    /// The number of examples of class `k` (its row sum, `TPₖ + FNₖ`).
    pub fn support(&self, k: usize) -> usize {
        (0..self.n_classes()).map(|p| self.count(k, p)).sum()
    }

    /// The number of examples predicted as class `k` (its column sum, `TPₖ + FPₖ`).
    pub fn predicted(&self, k: usize) -> usize {
        (0..self.n_classes()).map(|a| self.count(a, k)).sum()
    }
}

/// # Metrics
impl MulticlassConfusion {
    /// The fraction of correct predictions, `Σₖ nₖₖ / total`, or `None` for no examples.
    pub fn accuracy(&self) -> Option<f64> {
        let correct = (0..self.n_classes()).map(|k| self.count(k, k)).sum();
        ratio(correct, self.total())
    }

    /// The fraction of predictions of class `k` that are right, `TPₖ / (TPₖ + FPₖ)`, or
    /// `None` if nothing was predicted as `k` (or `k` is not a class).
    pub fn precision(&self, k: usize) -> Option<f64> {
        ratio(self.count(k, k), self.predicted(k))
    }

    /// The fraction of the examples of class `k` found, `TPₖ / (TPₖ + FNₖ)`, or `None` if
    /// there are no examples of class `k`.
    pub fn recall(&self, k: usize) -> Option<f64> {
        ratio(self.count(k, k), self.support(k))
    }

    /// The harmonic mean of class `k`'s precision and recall, `2·TPₖ / (2·TPₖ + FPₖ +
    /// FNₖ)`, or `None` if class `k` has neither examples nor predictions.
    pub fn f1(&self, k: usize) -> Option<f64> {
        let tp = self.count(k, k);
        ratio(2 * tp, self.predicted(k) + self.support(k))
    }

    /// The mean of the per-class precisions, `(1/K) Σₖ precisionₖ`, or `None` if any is
    /// undefined.
    pub fn macro_precision(&self) -> Option<f64> {
        self.macro_average(Self::precision)
    }

    /// The mean of the per-class recalls, `(1/K) Σₖ recallₖ`, or `None` if any is
    /// undefined.
    pub fn macro_recall(&self) -> Option<f64> {
        self.macro_average(Self::recall)
    }

    /// The mean of the per-class F1 scores, `(1/K) Σₖ F1ₖ`, or `None` if any is undefined.
    pub fn macro_f1(&self) -> Option<f64> {
        self.macro_average(Self::f1)
    }

    fn macro_average(&self, metric: fn(&Self, usize) -> Option<f64>) -> Option<f64> {
        let k = self.n_classes();
        let sum = (0..k).map(|c| metric(self, c)).sum::<Option<f64>>()?;
        Some(sum / k as f64)
    }

    /// A table of each class's precision, recall, F1 and support, their macro averages,
    /// and the accuracy; see [`ClassificationReport`].
    pub fn report(&self) -> ClassificationReport<'_> {
        ClassificationReport(self)
    }
}

impl fmt::Display for MulticlassConfusion {
    /// The counts as a table, rows the actual classes and columns the predicted ones,
    /// both by name, without a trailing newline:
    ///
    /// ```text
    /// actual \ predicted  setosa  versicolor  virginica
    /// setosa                  10           0          0
    /// versicolor               0           9          1
    /// virginica                0           1          9
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let corner = "actual \\ predicted";
        let first = self
            .class_names
            .iter()
            .map(|n| n.chars().count())
            .chain([corner.len()])
            .max()
            .unwrap_or(0);
        let digits = self.total().to_string().len();
        let widths: Vec<usize> = self
            .class_names
            .iter()
            .map(|n| n.chars().count().max(digits))
            .collect();
        write!(f, "{corner:first$}")?;
        for (name, &w) in self.class_names.iter().zip(&widths) {
            write!(f, "  {name:>w$}")?;
        }
        for (a, name) in self.class_names.iter().enumerate() {
            write!(f, "\n{name:first$}")?;
            for (p, &w) in widths.iter().enumerate() {
                write!(f, "  {:>w$}", self.count(a, p))?;
            }
        }
        Ok(())
    }
}

/// Each class's precision, recall, F1 and support (its number of examples), then their
/// macro averages and the accuracy, as a table ([`MulticlassConfusion::report`]); an
/// undefined value prints as `undefined`. Without a trailing newline:
///
/// ```text
/// class         precision     recall         F1    support
/// setosa           1.0000     1.0000     1.0000         10
/// versicolor       0.9000     0.9000     0.9000         10
/// virginica        0.9000     0.9000     0.9000         10
/// macro avg        0.9333     0.9333     0.9333         30
/// accuracy                               0.9333         30
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ClassificationReport<'a>(pub &'a MulticlassConfusion);

impl fmt::Display for ClassificationReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cm = self.0;
        let value = |v: Option<f64>| v.map_or("undefined".to_string(), |v| format!("{v:.4}"));
        let first = cm
            .class_names
            .iter()
            .map(|n| n.chars().count())
            .chain(["macro avg".len()])
            .max()
            .unwrap_or(0);
        write!(
            f,
            "{:first$}  {:>9}  {:>9}  {:>9}  {:>9}",
            "class", "precision", "recall", "F1", "support"
        )?;
        for (k, name) in cm.class_names.iter().enumerate() {
            write!(
                f,
                "\n{name:first$}  {:>9}  {:>9}  {:>9}  {:>9}",
                value(cm.precision(k)),
                value(cm.recall(k)),
                value(cm.f1(k)),
                cm.support(k)
            )?;
        }
        write!(
            f,
            "\n{:first$}  {:>9}  {:>9}  {:>9}  {:>9}",
            "macro avg",
            value(cm.macro_precision()),
            value(cm.macro_recall()),
            value(cm.macro_f1()),
            cm.total()
        )?;
        write!(
            f,
            "\n{:first$}  {:>9}  {:>9}  {:>9}  {:>9}",
            "accuracy",
            "",
            "",
            value(cm.accuracy()),
            cm.total()
        )
    }
}

impl From<ConfusionMatrix> for MulticlassConfusion {
    /// The two-class matrix with classes `0` and `1` (class 1 the positive one):
    /// `[[TN, FP], [FN, TP]]`.
    fn from(cm: ConfusionMatrix) -> Self {
        MulticlassConfusion {
            counts: vec![
                cm.true_negatives,
                cm.false_positives,
                cm.false_negatives,
                cm.true_positives,
            ],
            class_names: vec!["0".to_string(), "1".to_string()],
        }
    }
}

impl TryFrom<&MulticlassConfusion> for ConfusionMatrix {
    type Error = Error;

    /// The binary counts of a two-class matrix, class 1 being positive.
    ///
    /// # Errors
    /// [`Error::Invalid`] if the matrix does not have exactly two classes.
    fn try_from(cm: &MulticlassConfusion) -> Result<Self> {
        if cm.n_classes() != 2 {
            return Err(Error::invalid(format!(
                "a binary confusion matrix needs 2 classes, but this one has {}",
                cm.n_classes()
            )));
        }
        Ok(ConfusionMatrix {
            true_positives: cm.count(1, 1),
            false_positives: cm.count(0, 1),
            true_negatives: cm.count(0, 0),
            false_negatives: cm.count(1, 0),
        })
    }
}
