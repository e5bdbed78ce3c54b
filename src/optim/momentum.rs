//! Gradient descent with momentum, with optional L2 weight decay.

use super::{WeightDecay, check_decay, check_new_rate, check_rate, is_weight_block};
use crate::error::Result;
use crate::optim::Optimizer;
use crate::params::Parameters;
use crate::scalar::Scalar;

/// Gradient descent with momentum: `v := β v + dθ`, `θ := θ − α v`.
///
/// The velocity `v` has the network's type, starts at zero, and is held by value, so
/// the optimizer needs no allocator: it can live on the stack or in a `static`, and
/// `size_of::<Momentum<T, N>>()` is the network's size plus a few scalars. For a network
/// of `HeapDense` layers (a few pointers by value, its matrices on the heap) the velocity
/// is on the heap too; a large network of [`Dense`](crate::Dense) layers is as large as
/// its parameters, and so is its optimizer (see the crate's `layer::heap_dense` docs on
/// large networks).
///
/// With [`weight_decay`](Momentum::weight_decay) `λ`, the velocity of the weights
/// accumulates the gradient of the L2-regularised cost (see [Weight
/// decay](crate::optim#weight-decay)):
///
/// ```text
/// v_W := β v_W + (dW + λ W),  W := W − α v_W        v_b := β v_b + db,  b := b − α v_b
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Momentum<T, N> {
    learning_rate: T,
    momentum: T,
    decay: WeightDecay<T>,
    velocity: N,
}

impl<T: Scalar, N: Parameters<T>> Momentum<T, N> {
    /// Momentum with learning rate `α` and momentum `β` (commonly 0.9).
    ///
    /// # Errors
    /// [`Error::Invalid`](crate::Error::Invalid) unless `α` is positive and finite and
    /// `β` is in `[0, 1)`.
    pub fn new(learning_rate: T, momentum: T) -> Result<Self> {
        Ok(Momentum {
            learning_rate: check_rate("the learning rate", learning_rate)?,
            momentum: check_decay("the momentum", momentum)?,
            decay: WeightDecay::None,
            velocity: N::default(),
        })
    }

    /// The same optimizer with L2 weight decay `λ` on the weights (not the biases): the
    /// velocity accumulates `dW + λ W`. `λ = 0` is no decay.
    ///
    /// # Errors
    /// [`Error::Invalid`](crate::Error::Invalid) unless `λ` is finite and `≥ 0`.
    pub fn weight_decay(self, lambda: T) -> Result<Self> {
        Ok(Momentum {
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

    /// The velocity `v`, shaped like the network.
    pub fn velocity(&self) -> &N {
        &self.velocity
    }
}

impl<T: Scalar, N: Parameters<T>> Optimizer<T, N> for Momentum<T, N> {
    fn step(&mut self, net: &mut N, grads: &N) {
        let (alpha, beta) = (self.learning_rate, self.momentum);
        let blocks = net
            .blocks_mut()
            .zip(grads.blocks())
            .zip(self.velocity.blocks_mut());
        // The kind of decay is matched once per step; λ = 0 is `None` and takes the
        // plain loop.
        let lambda = match self.decay {
            WeightDecay::L2(lambda) => Some(lambda),
            WeightDecay::None | WeightDecay::Decoupled(_) => None,
        };
        for (block, ((theta, d), v)) in blocks.enumerate() {
            let entries = theta.iter_mut().zip(d).zip(v.iter_mut());
            match lambda {
                Some(lambda) if is_weight_block(block) => {
                    for ((w, d), v) in entries {
                        *v = beta * *v + (*d + lambda * *w); // v := β v + (dW + λ W)
                        *w -= alpha * *v; //                    W := W − α v
                    }
                }
                _ => {
                    for ((theta, d), v) in entries {
                        *v = beta * *v + *d; //     v := β v + dθ
                        *theta -= alpha * *v; //    θ := θ − α v
                    }
                }
            }
        }
    }

    fn learning_rate(&self) -> T {
        self.learning_rate
    }

    fn set_learning_rate(&mut self, learning_rate: T) -> Result<()> {
        Momentum::set_learning_rate(self, learning_rate)
    }
}
