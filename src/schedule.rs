//! Learning-rate schedules: the rate of each epoch as a function of the base rate `α₀`
//! (the optimizer's rate when training starts) and the number of epochs completed `t`.
//!
//! A [`Trainer`](crate::train::Trainer) given a schedule
//! ([`Trainer::schedule`](crate::train::Trainer::schedule)) sets the optimizer's rate
//! ([`Optimizer::set_learning_rate`](crate::optim::Optimizer::set_learning_rate)) at the
//! start of every epoch, so the rate is constant within an epoch and changes between
//! epochs. The first epoch trains at `rate(α₀, 0)`, epoch `e` (counted from 1, as in
//! [`History`](crate::train::History)) at `rate(α₀, e − 1)`. When training ends the
//! optimizer gets `α₀` back.
//!
//! | schedule | `rate(α₀, t)` |
//! |---|---|
//! | [`Constant`] | `α₀` |
//! | [`StepDecay`] | `α₀ γ^⌊t / s⌋`: times `γ` every `s` epochs |
//! | [`Exponential`] | `α₀ γᵗ` |
//! | [`Cosine`] | `α_min + ½ (α₀ − α_min)(1 + cos(π min(t, T) / T))`: from `α₀` down to `α_min` over `T` epochs, then flat |
//!
//! Rates are computed in `f64` and rounded once to the network's scalar type, so the
//! same schedule gives the same rates, bit for bit, on every run.
//!
//! ```
//! use backprop::schedule::{Cosine, Schedule, StepDecay};
//!
//! let step = StepDecay::new(10, 0.5)?; // halve every 10 epochs
//! assert_eq!(step.rate(0.1, 0), 0.1);
//! assert_eq!(step.rate(0.1, 9), 0.1);
//! assert_eq!(step.rate(0.1, 10), 0.05);
//!
//! let cosine = Cosine::new(100, 0.0)?;
//! assert_eq!(cosine.rate(0.1, 0), 0.1);
//! assert_eq!(cosine.rate(0.1, 100), 0.0);
//! # Ok::<(), backprop::Error>(())
//! ```

use crate::error::{Error, Result, invalid};

/// The learning rate of each epoch.
pub trait Schedule {
    /// The rate of the epoch that follows `epoch` completed epochs (0 for the first),
    /// given the base rate `base = α₀`.
    fn rate(&self, base: f64, epoch: usize) -> f64;
}

/// `γⁿ`: the standard library's `powi`, or the same products without it.
fn powi(gamma: f64, n: i32) -> f64 {
    #[cfg(feature = "std")]
    return gamma.powi(n);
    #[cfg(not(feature = "std"))]
    return crate::scalar::math::powi_f64(gamma, n);
}

/// `cos x`: the standard library's, or [`cos_f64`](crate::scalar::math::cos_f64) (within
/// 2 ulp of it) without.
fn cos(x: f64) -> f64 {
    #[cfg(feature = "std")]
    return x.cos();
    #[cfg(not(feature = "std"))]
    return crate::scalar::math::cos_f64(x);
}

/// `t` as an exponent: epochs beyond `i32::MAX` are rounded down to it.
fn exponent(t: usize) -> i32 {
    i32::try_from(t).unwrap_or(i32::MAX)
}

fn check_factor(name: &str, gamma: f64) -> Result<f64> {
    if gamma.is_finite() && gamma > 0.0 {
        Ok(gamma)
    } else {
        Err(invalid!("{name} must be positive and finite, got {gamma}"))
    }
}

/// The base rate at every epoch: `rate(α₀, t) = α₀`. The default of a
/// [`Trainer`](crate::train::Trainer).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Constant;

impl Schedule for Constant {
    fn rate(&self, base: f64, _epoch: usize) -> f64 {
        base
    }
}

/// Step decay: the rate is multiplied by `γ` every `s` epochs.
///
/// ```text
/// rate(α₀, t) = α₀ γ^⌊t / s⌋
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepDecay {
    every: usize,
    gamma: f64,
}

impl StepDecay {
    /// Multiply the rate by `γ` (commonly 0.1 or 0.5) every `s` epochs.
    ///
    /// # Errors
    /// [`Error::Invalid`] unless `s ≥ 1` and `γ` is positive and finite.
    pub fn new(every: usize, gamma: f64) -> Result<Self> {
        if every == 0 {
            return Err(Error::invalid(
                "a step decay needs a period of at least 1 epoch, got 0",
            ));
        }
        Ok(StepDecay {
            every,
            gamma: check_factor("the step decay's factor γ", gamma)?,
        })
    }
}

impl Schedule for StepDecay {
    fn rate(&self, base: f64, epoch: usize) -> f64 {
        base * powi(self.gamma, exponent(epoch / self.every)) // α₀ γ^⌊t / s⌋
    }
}

/// Exponential decay: the rate is multiplied by `γ` every epoch.
///
/// ```text
/// rate(α₀, t) = α₀ γᵗ
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Exponential {
    gamma: f64,
}

impl Exponential {
    /// Multiply the rate by `γ` (commonly 0.9 to 0.99) every epoch.
    ///
    /// # Errors
    /// [`Error::Invalid`] unless `γ` is positive and finite.
    pub fn new(gamma: f64) -> Result<Self> {
        Ok(Exponential {
            gamma: check_factor("the exponential decay's factor γ", gamma)?,
        })
    }
}

impl Schedule for Exponential {
    fn rate(&self, base: f64, epoch: usize) -> f64 {
        base * powi(self.gamma, exponent(epoch)) // α₀ γᵗ
    }
}

/// Cosine annealing (Loshchilov and Hutter, 2017, without restarts): from `α₀` down to
/// `α_min` along half a cosine over `T` epochs, then `α_min`.
///
/// ```text
/// rate(α₀, t) = α_min + ½ (α₀ − α_min)(1 + cos(π min(t, T) / T))
/// ```
///
/// Training for exactly `T` epochs uses `t = 0 … T − 1`, so the last epoch's rate is just
/// above `α_min`; `α_min = 0` is allowed (an optimizer accepts a zero rate from a
/// schedule, and a step then changes nothing).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cosine {
    period: usize,
    min: f64,
}

impl Cosine {
    /// Anneal from the base rate to `α_min` over `T = period` epochs.
    ///
    /// # Errors
    /// [`Error::Invalid`] unless `T ≥ 1` and `α_min` is finite and `≥ 0`.
    pub fn new(period: usize, min: f64) -> Result<Self> {
        if period == 0 {
            return Err(Error::invalid(
                "cosine annealing needs a period of at least 1 epoch, got 0",
            ));
        }
        if !(min.is_finite() && min >= 0.0) {
            return Err(invalid!(
                "cosine annealing's smallest rate must be finite and ≥ 0, got {min}"
            ));
        }
        Ok(Cosine { period, min })
    }
}

impl Schedule for Cosine {
    fn rate(&self, base: f64, epoch: usize) -> f64 {
        let progress = epoch.min(self.period) as f64 / self.period as f64; // min(t, T) / T
        self.min + 0.5 * (base - self.min) * (1.0 + cos(core::f64::consts::PI * progress))
    }
}
