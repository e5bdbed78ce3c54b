//! Plain gradient descent \[C7\], with optional L2 weight decay.

use super::{WeightDecay, check_new_rate, check_rate, is_weight_block};
use crate::error::Result;
use crate::optim::Optimizer;
use crate::params::Parameters;
use crate::scalar::Scalar;

/// Plain gradient descent: `W := W − α dW`, `b := b − α db` \[C7\].
///
/// With [`weight_decay`](Sgd::weight_decay) `λ`, the step on the weights is that of the
/// L2-regularised cost `J + (λ/2) Σ W²` (see [Weight decay](crate::optim#weight-decay)):
///
/// ```text
/// W := W − α (dW + λ W)        b := b − α db
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sgd<T> {
    learning_rate: T,
    decay: WeightDecay<T>,
}

impl<T: Scalar> Sgd<T> {
    /// Gradient descent with learning rate `α`.
    ///
    /// # Errors
    /// [`Error::Invalid`](crate::Error::Invalid) unless `α` is positive and finite.
    pub fn new(learning_rate: T) -> Result<Self> {
        Ok(Sgd {
            learning_rate: check_rate("the learning rate", learning_rate)?,
            decay: WeightDecay::None,
        })
    }

    /// The same optimizer with L2 weight decay `λ` on the weights (not the biases):
    /// `W := W − α (dW + λ W)`. `λ = 0` is no decay.
    ///
    /// ```
    /// use backprop::optim::{Optimizer, Sgd};
    /// use backprop::{Dense, Identity, Matrix};
    ///
    /// let mut layer = Dense::<f64, 1, 1, Identity>::new(Matrix::filled(2.0), Matrix::filled(3.0));
    /// let zero = Dense::<f64, 1, 1, Identity>::default(); // dW = db = 0
    /// Sgd::new(0.1)?.weight_decay(0.5)?.step(&mut layer, &zero);
    /// assert_eq!(layer.weights[(0, 0)], 2.0 - 0.1 * (0.0 + 0.5 * 2.0)); // (1 − αλ) W = 1.9
    /// assert_eq!(layer.bias[(0, 0)], 3.0); // biases are not decayed
    /// # Ok::<(), backprop::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`](crate::Error::Invalid) unless `λ` is finite and `≥ 0`.
    pub fn weight_decay(self, lambda: T) -> Result<Self> {
        Ok(Sgd {
            decay: WeightDecay::checked(lambda, WeightDecay::L2)?,
            ..self
        })
    }

    /// The learning rate `α`.
    pub fn learning_rate(&self) -> T {
        self.learning_rate
    }

    /// Sets the learning rate `α` (see [`Optimizer::set_learning_rate`]).
    ///
    /// # Errors
    /// [`Error::Invalid`](crate::Error::Invalid) unless `α` is finite and `≥ 0`.
    pub fn set_learning_rate(&mut self, learning_rate: T) -> Result<()> {
        self.learning_rate = check_new_rate(learning_rate)?;
        Ok(())
    }

    /// The weight decay: [`WeightDecay::None`] or [`WeightDecay::L2`].
    pub fn decay(&self) -> WeightDecay<T> {
        self.decay
    }
}

impl<T: Scalar, N: Parameters<T>> Optimizer<T, N> for Sgd<T> {
    // Inlined into the caller, so that a step which has just computed the gradient in
    // registers updates the weights from there instead of through memory.
    #[inline(always)]
    fn step(&mut self, net: &mut N, grads: &N) {
        match self.decay {
            WeightDecay::L2(lambda) => l2_step(self.learning_rate, lambda, net, grads),
            // Decoupled decay is not offered for SGD (it is the same update as L2), so
            // only `None` reaches here: the hot loop of every SGD step, matrix by matrix.
            WeightDecay::None | WeightDecay::Decoupled(_) => {
                net.add_scaled(-self.learning_rate, grads); // θ := θ − α dθ [C7]
            }
        }
    }

    fn learning_rate(&self) -> T {
        self.learning_rate
    }

    fn set_learning_rate(&mut self, learning_rate: T) -> Result<()> {
        Sgd::set_learning_rate(self, learning_rate)
    }
}

/// The SGD step with L2 weight decay `λ`: `W := W − α (dW + λ W)`, `b := b − α db`.
#[inline(never)]
fn l2_step<T: Scalar, N: Parameters<T>>(alpha: T, lambda: T, net: &mut N, grads: &N) {
    for (block, (theta, d)) in net.blocks_mut().zip(grads.blocks()).enumerate() {
        if is_weight_block(block) {
            for (w, d) in theta.iter_mut().zip(d) {
                *w -= alpha * (*d + lambda * *w); // W := W − α (dW + λ W)
            }
        } else {
            for (b, d) in theta.iter_mut().zip(d) {
                *b -= alpha * *d; //                 b := b − α db
            }
        }
    }
}
