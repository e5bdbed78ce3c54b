//! Adam (Kingma and Ba, 2015), with optional L2 weight decay or decoupled weight decay
//! (AdamW, Loshchilov and Hutter, 2019).

use super::{WeightDecay, check_decay, check_new_rate, check_rate, is_weight_block};
use crate::error::Result;
use crate::optim::Optimizer;
use crate::params::Parameters;
use crate::scalar::Scalar;

/// Adam (Kingma and Ba, 2015): per-parameter steps scaled by running moments of the
/// gradient, with bias correction.
///
/// The moments `m` and `v` have the network's type and are held by value, like
/// [`Momentum`](crate::optim::Momentum)'s velocity: no allocation, and the same caveat
/// for large [`Dense`](crate::Dense) networks.
///
/// ```text
/// m := β₁ m + (1 − β₁) dθ          first moment
/// v := β₂ v + (1 − β₂) dθ²         second moment
/// m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)     (t = steps taken, from 1)
/// θ := θ − α m̂ / (√v̂ + ε)
/// ```
///
/// Weight decay comes in two kinds (the difference is explained at [`WeightDecay`]):
///
/// ```text
/// .weight_decay(λ)             L2:    dW is replaced by dW + λ W in both moments
/// .decoupled_weight_decay(λ)   AdamW: W := W − α m̂ / (√v̂ + ε) − α λ W
/// ```
///
/// ```
/// use backprop::optim::{Adam, WeightDecay};
/// use backprop::SeedNetwork;
///
/// let adamw = Adam::<f64, SeedNetwork<f64>>::new(1e-3)?.decoupled_weight_decay(1e-2)?;
/// assert_eq!(adamw.decay(), WeightDecay::Decoupled(1e-2));
/// # Ok::<(), backprop::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Adam<T, N> {
    learning_rate: T,
    beta1: T,
    beta2: T,
    epsilon: T,
    decay: WeightDecay<T>,
    steps: i32,
    m: N,
    v: N,
}

impl<T: Scalar, N: Parameters<T>> Adam<T, N> {
    /// Adam with learning rate `α` and the usual `β₁ = 0.9`, `β₂ = 0.999`, `ε = 1e-8`.
    ///
    /// # Errors
    /// [`Error::Invalid`](crate::Error::Invalid) unless `α` is positive and finite.
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
    /// [`Error::Invalid`](crate::Error::Invalid) unless `α` and `ε` are positive and
    /// finite and `β₁`, `β₂` are in `[0, 1)`.
    pub fn with(learning_rate: T, beta1: T, beta2: T, epsilon: T) -> Result<Self> {
        Ok(Adam {
            learning_rate: check_rate("the learning rate", learning_rate)?,
            beta1: check_decay("β₁", beta1)?,
            beta2: check_decay("β₂", beta2)?,
            epsilon: check_rate("ε", epsilon)?,
            decay: WeightDecay::None,
            steps: 0,
            m: N::default(),
            v: N::default(),
        })
    }

    /// The same optimizer with L2 weight decay `λ` on the weights (not the biases): the
    /// moments are built from `dW + λ W` (replacing any decay set before). `λ = 0` is no
    /// decay.
    ///
    /// # Errors
    /// [`Error::Invalid`](crate::Error::Invalid) unless `λ` is finite and `≥ 0`.
    pub fn weight_decay(self, lambda: T) -> Result<Self> {
        Ok(Adam {
            decay: WeightDecay::checked(lambda, WeightDecay::L2)?,
            ..self
        })
    }

    /// AdamW: the same optimizer with decoupled weight decay `λ` on the weights (not the
    /// biases), `W := W − α m̂ / (√v̂ + ε) − α λ W`, the moments seeing `dW` alone
    /// (replacing any decay set before). `λ = 0` is no decay.
    ///
    /// # Errors
    /// [`Error::Invalid`](crate::Error::Invalid) unless `λ` is finite and `≥ 0`.
    pub fn decoupled_weight_decay(self, lambda: T) -> Result<Self> {
        Ok(Adam {
            decay: WeightDecay::checked(lambda, WeightDecay::Decoupled)?,
            ..self
        })
    }

    /// The learning rate `α`.
    pub fn learning_rate(&self) -> T {
        self.learning_rate
    }

    /// Sets the learning rate `α` (see [`Optimizer::set_learning_rate`]); the moments
    /// and the step count are kept.
    ///
    /// # Errors
    /// [`Error::Invalid`](crate::Error::Invalid) unless `α` is finite and `≥ 0`.
    pub fn set_learning_rate(&mut self, learning_rate: T) -> Result<()> {
        self.learning_rate = check_new_rate(learning_rate)?;
        Ok(())
    }

    /// The weight decay: none, L2 or decoupled.
    pub fn decay(&self) -> WeightDecay<T> {
        self.decay
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

/// The constants of step `t`, shared by every parameter.
#[derive(Clone, Copy)]
struct Constants<T> {
    alpha: T,
    beta1: T,
    beta2: T,
    epsilon: T,
    correction1: T, // 1 − β₁ᵗ
    correction2: T, // 1 − β₂ᵗ
}

impl<T: Scalar> Constants<T> {
    /// Updates the moments of one parameter with gradient `g` and returns its step
    /// `α m̂ / (√v̂ + ε)`, to be subtracted from it.
    #[inline(always)]
    fn moments_and_step(&self, g: T, m: &mut T, v: &mut T) -> T {
        let (b1, b2) = (self.beta1, self.beta2);
        *m = b1 * *m + (T::ONE - b1) * g; //        m := β₁ m + (1 − β₁) g
        *v = b2 * *v + (T::ONE - b2) * g * g; //    v := β₂ v + (1 − β₂) g²
        let m_hat = *m / self.correction1;
        let v_hat = *v / self.correction2;
        self.alpha * m_hat / (v_hat.sqrt() + self.epsilon) // α m̂ / (√v̂ + ε)
    }
}

impl<T: Scalar, N: Parameters<T>> Optimizer<T, N> for Adam<T, N> {
    fn step(&mut self, net: &mut N, grads: &N) {
        self.steps = self.steps.saturating_add(1);
        let k = Constants {
            alpha: self.learning_rate,
            beta1: self.beta1,
            beta2: self.beta2,
            epsilon: self.epsilon,
            correction1: T::ONE - self.beta1.powi(self.steps),
            correction2: T::ONE - self.beta2.powi(self.steps),
        };
        let decay = self.decay;
        let blocks = net
            .blocks_mut()
            .zip(grads.blocks())
            .zip(self.m.blocks_mut())
            .zip(self.v.blocks_mut());
        for (block, (((theta, d), m), v)) in blocks.enumerate() {
            let entries = theta.iter_mut().zip(d).zip(m.iter_mut()).zip(v.iter_mut());
            // The kind of decay is matched once per block, never per parameter.
            match decay {
                WeightDecay::L2(lambda) if is_weight_block(block) => {
                    for (((w, d), m), v) in entries {
                        let g = *d + lambda * *w; //                   g = dW + λ W
                        *w -= k.moments_and_step(g, m, v); //          W := W − α m̂ / (√v̂ + ε)
                    }
                }
                WeightDecay::Decoupled(lambda) if is_weight_block(block) => {
                    for (((w, d), m), v) in entries {
                        let step = k.moments_and_step(*d, m, v);
                        *w = *w - step - k.alpha * lambda * *w; // W := W − α m̂ / (√v̂ + ε) − α λ W
                    }
                }
                _ => {
                    for (((theta, d), m), v) in entries {
                        *theta -= k.moments_and_step(*d, m, v); //     θ := θ − α m̂ / (√v̂ + ε)
                    }
                }
            }
        }
    }

    fn learning_rate(&self) -> T {
        self.learning_rate
    }

    fn set_learning_rate(&mut self, learning_rate: T) -> Result<()> {
        Adam::set_learning_rate(self, learning_rate)
    }
}
