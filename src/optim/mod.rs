//! Optimizers: how a gradient becomes an update of the parameters.
//!
//! Every optimizer works on any network through [`Parameters`]: it zips the network's
//! blocks with the gradient's (same type, same shapes \[M2\]) and with its own state, which
//! has the network's type too and so is shaped like it.
//!
//! | optimizer | update, for each parameter θ with gradient dθ |
//! |---|---|
//! | [`Sgd`] | `θ := θ − α dθ` \[C7\] |
//! | [`Momentum`] | `v := β v + dθ`, `θ := θ − α v` |
//! | [`Adam`] | `m := β₁ m + (1 − β₁) dθ`, `v := β₂ v + (1 − β₂) dθ²`, `θ := θ − α m̂ / (√v̂ + ε)` |
//!
//! One optimizer per file (`optim/sgd.rs`, `optim/momentum.rs`, `optim/adam.rs`); this
//! file holds what they share: the [`Optimizer`] trait and [`WeightDecay`].
//!
//! # Weight decay
//!
//! Each optimizer can also shrink the weights towards zero, which keeps them small and
//! the network smoother (scikit-learn's `alpha`, PyTorch's `weight_decay`). L2
//! regularisation adds half the squared norm of the weights to the cost, and so `λ W` to
//! their gradient:
//!
//! ```text
//! J_λ = J + (λ/2) Σ W²          summed over every weight of every layer
//! ∂J_λ/∂W = dW + λ W            ∂J_λ/∂b = db    (biases are not decayed)
//! W := W − α (dW + λ W)         [C7] on J_λ
//! ```
//!
//! `Sgd::new(α)?.weight_decay(λ)?` (and the same on [`Momentum`] and [`Adam`]) feeds
//! `dW + λ W` to the optimizer in place of `dW`. With zero gradients an SGD step then
//! multiplies the weights by `1 − αλ`. Blocks are told apart by their place: block `2k`
//! is the weight matrix `W[k+1]`, block `2k + 1` its bias `b[k+1]`, the layout of
//! [`Parameters`] for stacks of dense layers ([`block_name`](crate::params::block_name)).
//!
//! For Adam there is a second kind, [`Adam::decoupled_weight_decay`] (AdamW, Loshchilov
//! and Hutter, 2019); see [`WeightDecay`] for the difference.
//!
//! A decay of 0 is no decay: the step takes the same path, and gives the same bits, as
//! an optimizer built without it. The kind of decay is chosen once per step, never per
//! parameter.

mod adam;
mod momentum;
mod sgd;

pub use adam::Adam;
pub use momentum::Momentum;
pub use sgd::Sgd;

use crate::error::{Result, invalid};
use crate::params::Parameters;
use crate::scalar::Scalar;

/// Something that updates a network's parameters from their gradients.
pub trait Optimizer<T: Scalar, N: Parameters<T>> {
    /// Applies one update to `net` given `grads = ∂J/∂θ` (same type and shapes as `net`).
    fn step(&mut self, net: &mut N, grads: &N);

    /// The learning rate `α` of the next step.
    fn learning_rate(&self) -> T;

    /// Sets the learning rate `α` of the steps to come; the optimizer's state (velocity,
    /// moments, step count) is kept. A [`Trainer`](crate::train::Trainer) with a
    /// [schedule](crate::schedule) calls it at the start of every epoch.
    ///
    /// Zero is accepted (a schedule may anneal to it; a step then changes nothing, and
    /// neither does decoupled weight decay, which is scaled by `α` too), unlike in the
    /// constructors, where a zero rate is surely a mistake.
    ///
    /// # Errors
    /// [`Error::Invalid`](crate::Error::Invalid) unless `α` is finite and `≥ 0`; the rate is then unchanged.
    fn set_learning_rate(&mut self, learning_rate: T) -> Result<()>;
}

/// How an optimizer decays the weights (never the biases), with its strength `λ ≥ 0`.
///
/// ```text
/// None           the plain step
/// L2(λ)          the gradient becomes dW + λ W before the optimizer sees it:
///                  SGD       W := W − α (dW + λ W)
///                  Momentum  v := β v + (dW + λ W),  W := W − α v
///                  Adam      g = dW + λ W,  m and v from g,  W := W − α m̂ / (√v̂ + ε)
/// Decoupled(λ)   Adam only (AdamW): the moments see dW alone, and the decay is a
///                separate shrink by α λ W:
///                  W := W − α m̂ / (√v̂ + ε) − α λ W
/// ```
///
/// For SGD the two kinds are the same update. For Adam they differ: with L2 the decay
/// term passes through the moments and is divided by `√v̂` like the gradient, so weights
/// with large gradients are barely decayed and weights with tiny ones are decayed hard;
/// decoupled decay shrinks every weight by the same fraction `αλ` per step, whatever
/// its gradient, which is what "weight decay" means and usually regularises Adam better.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum WeightDecay<T> {
    /// No decay.
    #[default]
    None,
    /// L2 regularisation: `λ W` is added to the weights' gradient.
    L2(T),
    /// Decoupled weight decay (AdamW): `α λ W` is subtracted apart from the step.
    Decoupled(T),
}

impl<T: Scalar> WeightDecay<T> {
    /// The strength `λ`, 0 for [`WeightDecay::None`].
    pub fn lambda(&self) -> T {
        match *self {
            WeightDecay::None => T::ZERO,
            WeightDecay::L2(lambda) | WeightDecay::Decoupled(lambda) => lambda,
        }
    }

    /// `make(λ)` for a valid `λ > 0`, `None` for `λ = 0`, so that a zero decay takes the
    /// plain step.
    fn checked(lambda: T, make: fn(T) -> Self) -> Result<Self> {
        if !(lambda.is_finite() && lambda >= T::ZERO) {
            Err(invalid!(
                "the weight decay λ must be finite and ≥ 0, got {lambda}"
            ))
        } else if lambda == T::ZERO {
            Ok(WeightDecay::None)
        } else {
            Ok(make(lambda))
        }
    }
}

/// `true` for the blocks that are weight matrices: block `2k` is `W[k+1]`, block
/// `2k + 1` is `b[k+1]` (the layout of [`Parameters`] for stacks of dense layers).
fn is_weight_block(block: usize) -> bool {
    block % 2 == 0
}

fn check_rate<T: Scalar>(name: &str, value: T) -> Result<T> {
    if value.is_finite() && value > T::ZERO {
        Ok(value)
    } else {
        Err(invalid!("{name} must be positive and finite, got {value}"))
    }
}

/// The check of [`Optimizer::set_learning_rate`]: finite and `≥ 0`.
fn check_new_rate<T: Scalar>(value: T) -> Result<T> {
    if value.is_finite() && value >= T::ZERO {
        Ok(value)
    } else {
        Err(invalid!(
            "the learning rate must be finite and ≥ 0, got {value}"
        ))
    }
}

fn check_decay<T: Scalar>(name: &str, value: T) -> Result<T> {
    if value >= T::ZERO && value < T::ONE {
        Ok(value)
    } else {
        Err(invalid!("{name} must be in [0, 1), got {value}"))
    }
}
