//! What a trained network predicts, in functions that say what they return: the
//! probabilities `ŷ` of one example ([`probabilities`]) or of every example of a data set
//! ([`probabilities_of`]), the predicted class of one example ([`class`]) or of each
//! ([`classes`]), the probability of class 1 of a binary classifier
//! ([`probability_of_one`]), and the confusion matrix on a data set ([`confusion`]).
//!
//! `ŷ` is the network's output passed through the loss's link:
//! `softmax(z)` for [`SoftmaxCrossEntropy`](crate::SoftmaxCrossEntropy), `σ(z)` for
//! [`SigmoidCrossEntropy`](crate::SigmoidCrossEntropy), the output itself for the losses
//! that take `ŷ` directly. The predicted class is
//!
//! ```text
//! K ≥ 2 outputs:  arg maxₖ ŷₖ       (the first, on ties)
//! one output:     1 if ŷ ≥ ½, else 0  (metrics::THRESHOLD, as the trainer's accuracy)
//! ```
//!
//! ```
//! use backprop::{Dense, Identity, Matrix, SoftmaxCrossEntropy};
//! use backprop::predict;
//!
//! // A 2 → 3 layer whose logits are (x₁, x₂, 0): class 1 wins when x₂ is the largest.
//! let net = Dense::<f64, 2, 3, Identity>::new(
//!     Matrix::from_row_major([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]),
//!     Matrix::zeros(),
//! );
//! let x = Matrix::from_column([-1.0, 2.0]);
//! let p = predict::probabilities(&net, &SoftmaxCrossEntropy, &x);
//! assert!((p.sum() - 1.0).abs() < 1e-15);
//! assert_eq!(predict::class(&net, &SoftmaxCrossEntropy, &x)?, 1);
//! # Ok::<(), backprop::Error>(())
//! ```

use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::layer::Layer;
use crate::loss::Loss;
use crate::matrix::{Matrix, Vector};
use crate::metrics::MulticlassConfusion;
use crate::scalar::Scalar;

/// The prediction `ŷ` for one example `x`: the network's output through the loss's link
/// (`softmax(z)`: the probability of each of the `O` classes; `σ(z)`: the probability of
/// class 1).
pub fn probabilities<T, N, L, const I: usize, const O: usize>(
    net: &N,
    loss: &L,
    x: &Vector<T, I>,
) -> Vector<T, O>
where
    T: Scalar,
    N: Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
    L: Loss<T>,
{
    loss.predict(&net.predict(x))
}

/// The class predicted for one example `x`: `arg maxₖ ŷₖ` for several outputs (the first
/// on ties), `1` if `ŷ ≥ ½` else `0` for one output.
///
/// # Errors
/// [`Error::Invalid`] if `ŷ` holds a NaN (parameters that diverged), so that no class
/// can be decided.
pub fn class<T, N, L, const I: usize, const O: usize>(
    net: &N,
    loss: &L,
    x: &Vector<T, I>,
) -> Result<usize>
where
    T: Scalar,
    N: Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
    L: Loss<T>,
{
    decide(&probabilities(net, loss, x))
        .map_err(|why| Error::invalid(format!("the prediction for this example {why}")))
}

/// The class predicted for each example of `data`, in order ([`class`]).
///
/// # Errors
/// [`Error::Invalid`] if the examples do not have `I` features, or if the prediction for
/// an example holds a NaN (the message names the example).
pub fn classes<T, N, L, const I: usize, const O: usize>(
    net: &N,
    loss: &L,
    data: &Dataset<T>,
) -> Result<Vec<usize>>
where
    T: Scalar,
    N: Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
    L: Loss<T>,
{
    data.check_features::<I>()?;
    let mut out = Vec::with_capacity(data.len());
    for i in 0..data.len() {
        let (x, _) = data.example::<I>(i)?;
        out.push(decide(&probabilities(net, loss, &x)).map_err(|why| {
            Error::invalid(format!(
                "{}: the prediction for example {i} {why}",
                data.name()
            ))
        })?);
    }
    Ok(out)
}

/// The prediction `ŷ` for each example of `data`, in order ([`probabilities`]).
///
/// # Errors
/// [`Error::Invalid`] if the examples do not have `I` features.
pub fn probabilities_of<T, N, L, const I: usize, const O: usize>(
    net: &N,
    loss: &L,
    data: &Dataset<T>,
) -> Result<Vec<Vector<T, O>>>
where
    T: Scalar,
    N: Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
    L: Loss<T>,
{
    data.check_features::<I>()?;
    (0..data.len())
        .map(|i| Ok(probabilities(net, loss, &data.example::<I>(i)?.0)))
        .collect()
}

/// The probability of class 1 for each example of `data`, from a network with one output
/// and a sigmoid loss: `ŷ = σ(z)`, what
/// [`ConfusionMatrix::from_probabilities`](crate::metrics::ConfusionMatrix::from_probabilities)
/// takes. A network with more than one output does not compile.
///
/// # Errors
/// [`Error::Invalid`] if the examples do not have `I` features.
pub fn probability_of_one<T, N, L, const I: usize, const O: usize>(
    net: &N,
    loss: &L,
    data: &Dataset<T>,
) -> Result<Vec<T>>
where
    T: Scalar,
    N: Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
    L: Loss<T>,
{
    const { assert!(O == 1, "probability_of_one needs a network with one output") };
    Ok(probabilities_of(net, loss, data)?
        .iter()
        .map(|p| p[(0, 0)])
        .collect())
}

/// The confusion matrix of the predicted [`classes`] against the labels of `data`, for
/// `K = O` classes (`K = 2` for one output), named as `data` names them
/// ([`Dataset::class_names`]) or by index.
///
/// # Errors
/// As [`classes`], and [`Error::Invalid`] if a label is not a class index below `K`, or if
/// `data` names a number of classes other than `K`.
pub fn confusion<T, N, L, const I: usize, const O: usize>(
    net: &N,
    loss: &L,
    data: &Dataset<T>,
) -> Result<MulticlassConfusion>
where
    T: Scalar,
    N: Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
    L: Loss<T>,
{
    let predicted = classes(net, loss, data)?;
    MulticlassConfusion::from_dataset(&predicted, data, O.max(2))
}

/// The class that `ŷ` predicts; the error completes "the prediction … ".
fn decide<T: Scalar, const O: usize>(y_hat: &Vector<T, O>) -> core::result::Result<usize, String> {
    if y_hat.iter().any(|v| v.is_nan()) {
        return Err("is NaN, so no class can be decided (did training diverge?)".to_string());
    }
    if O == 1 {
        Ok(usize::from(y_hat[(0, 0)] >= T::HALF))
    } else {
        Ok(y_hat.argmax().map_or(0, |(k, _)| k))
    }
}
