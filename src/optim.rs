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

use crate::error::{Error, Result};
use crate::params::Parameters;
use crate::scalar::Scalar;

/// Something that updates a network's parameters from their gradients.
pub trait Optimizer<T: Scalar, N: Parameters<T>> {
    /// Applies one update to `net` given `grads = ∂J/∂θ` (same type and shapes as `net`).
    fn step(&mut self, net: &mut N, grads: &N);
}

fn check_rate<T: Scalar>(name: &str, value: T) -> Result<T> {
    if value.is_finite() && value > T::ZERO {
        Ok(value)
    } else {
        Err(Error::invalid(format!(
            "{name} must be positive and finite, got {value}"
        )))
    }
}

fn check_decay<T: Scalar>(name: &str, value: T) -> Result<T> {
    if value >= T::ZERO && value < T::ONE {
        Ok(value)
    } else {
        Err(Error::invalid(format!(
            "{name} must be in [0, 1), got {value}"
        )))
    }
}

/// Plain gradient descent: `W := W − α dW`, `b := b − α db` \[C7\].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sgd<T> {
    learning_rate: T,
}

impl<T: Scalar> Sgd<T> {
    /// Gradient descent with learning rate `α`.
    ///
    /// # Errors
    /// [`Error::Invalid`] unless `α` is positive and finite.
    pub fn new(learning_rate: T) -> Result<Self> {
        Ok(Sgd {
            learning_rate: check_rate("the learning rate", learning_rate)?,
        })
    }

    /// The learning rate `α`.
    pub fn learning_rate(&self) -> T {
        self.learning_rate
    }
}

impl<T: Scalar, N: Parameters<T>> Optimizer<T, N> for Sgd<T> {
    #[inline]
    fn step(&mut self, net: &mut N, grads: &N) {
        net.add_scaled(-self.learning_rate, grads); // θ := θ − α dθ [C7]
    }
}

/// Gradient descent with momentum: `v := β v + dθ`, `θ := θ − α v`.
///
/// The velocity `v` has the network's type, starts at zero, and lives here in a `Box`.
/// `Box::default()` builds `N::default()` and moves it to the heap, so the state of a
/// network of [`HeapDense`](crate::layer::HeapDense) layers (a few pointers by value,
/// its matrices allocated on the heap) never passes through the stack, while that of a
/// large network of [`Dense`](crate::Dense) layers may, in a debug build (see [Large
/// networks](crate::layer::heap_dense#large-networks)).
#[derive(Clone, Debug, PartialEq)]
pub struct Momentum<T, N> {
    learning_rate: T,
    momentum: T,
    velocity: Box<N>,
}

impl<T: Scalar, N: Parameters<T>> Momentum<T, N> {
    /// Momentum with learning rate `α` and momentum `β` (commonly 0.9).
    ///
    /// # Errors
    /// [`Error::Invalid`] unless `α` is positive and finite and `β` is in `[0, 1)`.
    pub fn new(learning_rate: T, momentum: T) -> Result<Self> {
        Ok(Momentum {
            learning_rate: check_rate("the learning rate", learning_rate)?,
            momentum: check_decay("the momentum", momentum)?,
            velocity: Box::default(),
        })
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
        for ((theta, d), v) in blocks {
            for ((theta, d), v) in theta.iter_mut().zip(d).zip(v.iter_mut()) {
                *v = beta * *v + *d; //     v := β v + dθ
                *theta -= alpha * *v; //    θ := θ − α v
            }
        }
    }
}

/// Adam (Kingma and Ba, 2015): per-parameter steps scaled by running moments of the
/// gradient, with bias correction.
///
/// The moments `m` and `v` have the network's type and live in `Box`es, like
/// [`Momentum`]'s velocity (and with the same caveat for large [`Dense`](crate::Dense)
/// networks).
///
/// ```text
/// m := β₁ m + (1 − β₁) dθ          first moment
/// v := β₂ v + (1 − β₂) dθ²         second moment
/// m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)     (t = steps taken, from 1)
/// θ := θ − α m̂ / (√v̂ + ε)
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Adam<T, N> {
    learning_rate: T,
    beta1: T,
    beta2: T,
    epsilon: T,
    steps: i32,
    m: Box<N>,
    v: Box<N>,
}

impl<T: Scalar, N: Parameters<T>> Adam<T, N> {
    /// Adam with learning rate `α` and the usual `β₁ = 0.9`, `β₂ = 0.999`, `ε = 1e-8`.
    ///
    /// # Errors
    /// [`Error::Invalid`] unless `α` is positive and finite.
    pub fn new(learning_rate: T) -> Result<Self> {
        Self::with(
            learning_rate,
            T::from_f64(0.9),
            T::from_f64(0.999),
            T::from_f64(1e-8),
        )
    }

    /// Adam with every constant given.
    ///
    /// # Errors
    /// [`Error::Invalid`] unless `α` and `ε` are positive and finite and `β₁`, `β₂` are in
    /// `[0, 1)`.
    pub fn with(learning_rate: T, beta1: T, beta2: T, epsilon: T) -> Result<Self> {
        Ok(Adam {
            learning_rate: check_rate("the learning rate", learning_rate)?,
            beta1: check_decay("β₁", beta1)?,
            beta2: check_decay("β₂", beta2)?,
            epsilon: check_rate("ε", epsilon)?,
            steps: 0,
            m: Box::default(),
            v: Box::default(),
        })
    }

    /// The number of steps taken, `t`.
    pub fn steps(&self) -> i32 {
        self.steps
    }

    /// The first moment `m`, shaped like the network.
    pub fn first_moment(&self) -> &N {
        &self.m
    }

    /// The second moment `v`, shaped like the network.
    pub fn second_moment(&self) -> &N {
        &self.v
    }
}

impl<T: Scalar, N: Parameters<T>> Optimizer<T, N> for Adam<T, N> {
    fn step(&mut self, net: &mut N, grads: &N) {
        self.steps = self.steps.saturating_add(1);
        let (b1, b2, eps) = (self.beta1, self.beta2, self.epsilon);
        let correction1 = T::ONE - b1.powi(self.steps); // 1 − β₁ᵗ
        let correction2 = T::ONE - b2.powi(self.steps); // 1 − β₂ᵗ
        let alpha = self.learning_rate;
        let blocks = net
            .blocks_mut()
            .zip(grads.blocks())
            .zip(self.m.blocks_mut())
            .zip(self.v.blocks_mut());
        for (((theta, d), m), v) in blocks {
            let entries = theta.iter_mut().zip(d).zip(m.iter_mut()).zip(v.iter_mut());
            for (((theta, d), m), v) in entries {
                *m = b1 * *m + (T::ONE - b1) * *d; //        m := β₁ m + (1 − β₁) dθ
                *v = b2 * *v + (T::ONE - b2) * *d * *d; //   v := β₂ v + (1 − β₂) dθ²
                let m_hat = *m / correction1;
                let v_hat = *v / correction2;
                *theta -= alpha * m_hat / (v_hat.sqrt() + eps); // θ := θ − α m̂ / (√v̂ + ε)
            }
        }
    }
}
