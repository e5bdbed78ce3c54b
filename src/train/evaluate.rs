//! Evaluation: the cost and accuracy of a network on a data set, and its predictions.

use crate::data::Dataset;
use crate::error::{Error, Result, invalid};
use crate::layer::Layer;
use crate::loss::Loss;
use crate::matrix::{Matrix, Vector};
use crate::network;
use crate::scalar::Scalar;

use super::Evaluation;
use super::examples::in_batches;

/// The data set must be non-empty, have `I` features, and labels that `loss` can learn
/// from with `O` outputs ([`Loss::check_label`]).
pub(super) fn check_data<T: Scalar, L: Loss<T>, const I: usize, const O: usize>(
    data: &Dataset<T>,
    loss: &L,
    which: &str,
) -> Result<()> {
    if data.is_empty() {
        return Err(Error::invalid(format!("the {which} set has no examples")));
    }
    data.check_features::<I>()?;
    for (i, &label) in data.labels().iter().enumerate() {
        loss.check_label(label.to_f64(), O).map_err(|why| {
            Error::invalid(format!(
                "example {i} of the {which} set ({}): {why} (loss {loss:?})",
                data.name()
            ))
        })?;
    }
    Ok(())
}

/// The target column of a label: the label itself for one output, the one-hot column of
/// class `label` for several.
fn target<T: Scalar, const O: usize>(label: T) -> Vector<T, O> {
    if O == 1 {
        Matrix::filled(label)
    } else {
        let class = label.to_f64() as usize;
        Matrix::from_fn(|k, _| if k == class { T::ONE } else { T::ZERO })
    }
}

/// Example `i` of `data`: its features, borrowed, and its target column.
pub(super) fn example<T: Scalar, const O: usize>(
    data: &Dataset<T>,
    i: usize,
) -> Result<(&[T], Vector<T, O>)> {
    let (x, label) = data
        .get(i)
        .ok_or_else(|| invalid!("example {i} of {}: out of range", data.name()))?;
    Ok((x, target(label)))
}

/// The cost and accuracy of `net` on every example of `data`.
///
/// # Errors
/// [`Error::Invalid`] if the data set is empty or does not have `I` features.
pub fn evaluate<T, N, L, const I: usize, const O: usize>(
    net: &N,
    loss: &L,
    data: &Dataset<T>,
) -> Result<Evaluation>
where
    T: Scalar,
    N: Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
    L: Loss<T>,
{
    check_data::<T, L, I, O>(data, loss, "evaluation")?;
    in_batches::<T, N, L, I, O, 1>(net, loss, data.len(), |i| example::<T, O>(data, i))
}

/// The network's prediction for each example of `data`: `ŷ` for one output (the
/// probability of class 1 with a sigmoid loss), the predicted class index for several.
///
/// # Errors
/// [`Error::Invalid`] if the data set does not have `I` features.
pub fn predictions<T, N, L, const I: usize, const O: usize>(
    net: &N,
    loss: &L,
    data: &Dataset<T>,
) -> Result<Vec<T>>
where
    T: Scalar,
    N: Layer<T, 1, Input = Matrix<T, I, 1>, Output = Matrix<T, O, 1>>,
    L: Loss<T>,
{
    data.check_features::<I>()?;
    let mut out = Vec::with_capacity(data.len());
    for i in 0..data.len() {
        let (x, _) = data.example::<I>(i)?;
        let y_hat = network::predict(net, loss, &x);
        out.push(if O == 1 {
            y_hat[(0, 0)]
        } else {
            T::from_usize(y_hat.argmax().map_or(0, |(k, _)| k))
        });
    }
    Ok(out)
}
