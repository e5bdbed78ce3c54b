//! Activation functions `g(z)` and their derivatives `g'(z)`, applied elementwise.
//!
//! Each activation is a small value type (most are zero-sized) implementing
//! [`Activation`]: `value` is `g`, `derivative` is `g'`, side by side so that a reader
//! sees each local derivative right under its function \[N5\].
//!
//! Because `g` acts on each entry alone, its Jacobian `∂a/∂z` is diagonal,
//! `diag(g'(z))` [L2.3], and a backward pass multiplies by it as a Hadamard product:
//! `δ = ∂J/∂a ⊙ g'(z)` [L2.7, S4].

use crate::scalar::Scalar;
use core::fmt::Debug;

/// An elementwise activation function `g` with its derivative `g'`.
pub trait Activation<T: Scalar>: Copy + Debug + Default + PartialEq {
    /// A short name, for messages and saved files (`"relu"`, `"sigmoid"` …).
    const NAME: &'static str;

    /// `g(z)`.
    fn value(&self, z: T) -> T;

    /// `g'(z)`, the diagonal entry of `∂a/∂z = diag(g'(z))` [L2.3].
    fn derivative(&self, z: T) -> T;
}

/// The rectified linear unit `g(z) = max(0, z)` \[N5\].
///
/// ```text
/// g(z)  = max(0, z)
/// g'(z) = 1 for z > 0, 0 for z ≤ 0          [L2.4]
/// ```
///
/// `g'` is undefined at `0` (left limit 0, right limit 1); this crate picks the left
/// limit, `g'(0) = 0` [L2.4], as the seed's peers do. A NaN input stays NaN, so a
/// diverging network is noticed rather than hidden behind a 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Relu;

impl<T: Scalar> Activation<T> for Relu {
    const NAME: &'static str = "relu";
    #[inline(always)]
    fn value(&self, z: T) -> T {
        // `z < 0` is false for NaN, which is passed through.
        if z < T::ZERO { T::ZERO } else { z }
    }
    #[inline(always)]
    fn derivative(&self, z: T) -> T {
        if z > T::ZERO { T::ONE } else { T::ZERO }
    }
}

/// The leaky ReLU `g(z) = z` for `z > 0`, `slope · z` otherwise.
///
/// ```text
/// g(z)  = z          for z > 0,   slope · z for z ≤ 0
/// g'(z) = 1          for z > 0,   slope     for z ≤ 0   (left limit at 0, as for ReLU [L2.4])
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeakyRelu<T> {
    /// The slope for negative inputs (default `0.01`).
    pub slope: T,
}

impl<T: Scalar> Default for LeakyRelu<T> {
    /// A slope of `0.01`.
    fn default() -> Self {
        LeakyRelu {
            slope: T::from_f64(0.01),
        }
    }
}

impl<T: Scalar> Activation<T> for LeakyRelu<T> {
    const NAME: &'static str = "leaky_relu";
    #[inline(always)]
    fn value(&self, z: T) -> T {
        if z > T::ZERO { z } else { self.slope * z }
    }
    #[inline(always)]
    fn derivative(&self, z: T) -> T {
        if z > T::ZERO { T::ONE } else { self.slope }
    }
}

/// The logistic sigmoid `σ(z) = 1 / (1 + e^(−z))` \[N5\].
///
/// ```text
/// σ(z)  = 1 / (1 + e^(−z))
/// σ'(z) = σ(z) (1 − σ(z))                   [L3.3]
/// ```
///
/// Computed so that it never overflows and stays in `[0, 1]` for every finite input:
/// see [`sigmoid`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sigmoid;

impl<T: Scalar> Activation<T> for Sigmoid {
    const NAME: &'static str = "sigmoid";
    #[inline(always)]
    fn value(&self, z: T) -> T {
        sigmoid(z)
    }
    #[inline(always)]
    fn derivative(&self, z: T) -> T {
        let s = sigmoid(z);
        s * (T::ONE - s)
    }
}

/// The hyperbolic tangent.
///
/// ```text
/// g(z)  = tanh(z)
/// g'(z) = 1 − tanh(z)²
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tanh;

impl<T: Scalar> Activation<T> for Tanh {
    const NAME: &'static str = "tanh";
    #[inline(always)]
    fn value(&self, z: T) -> T {
        z.tanh()
    }
    #[inline(always)]
    fn derivative(&self, z: T) -> T {
        let t = z.tanh();
        T::ONE - t * t
    }
}

/// The identity `g(z) = z`, `g'(z) = 1`: a layer that outputs its pre-activation `z`.
///
/// The last layer of a network trained with a fused loss on logits
/// ([`SigmoidCrossEntropy`](crate::loss::SigmoidCrossEntropy),
/// [`SoftmaxCrossEntropy`](crate::loss::SoftmaxCrossEntropy)) uses it: the loss applies
/// σ or softmax itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Identity;

impl<T: Scalar> Activation<T> for Identity {
    const NAME: &'static str = "identity";
    #[inline(always)]
    fn value(&self, z: T) -> T {
        z
    }
    #[inline(always)]
    fn derivative(&self, _z: T) -> T {
        T::ONE
    }
}

/// `σ(z) = 1 / (1 + e^(−z))`, computed without overflow for any finite `z` \[N5\].
///
/// With `e = e^(−|z|)`, which is in `(0, 1]` and so never overflows,
///
/// ```text
/// σ(z) = 1 / (1 + e)          for z ≥ 0
/// σ(z) = e / (1 + e)          for z < 0    (the same value: multiply by e^z / e^z)
/// ```
///
/// One exponential and a select, with no branch, so a batch of sigmoids vectorises.
/// The result is in `[0, 1]` for every finite input (it rounds to exactly `0` or `1`
/// beyond about ±37 in `f64`, ±17 in `f32`). NaN stays NaN.
#[inline(always)]
pub fn sigmoid<T: Scalar>(z: T) -> T {
    sigmoid_given_exp(z, (-z.abs()).exp())
}

/// `σ(z)` \[N5\] given `e = e^(−|z|)`: `1/(1 + e)` for `z ≥ 0`, `e/(1 + e)` below. A caller
/// that needs `e` for something else too (the cross-entropy of the logit, whose gradient
/// is `σ(z) − y` [L3.6]) computes it once.
#[inline(always)]
pub(crate) fn sigmoid_given_exp<T: Scalar>(z: T, e: T) -> T {
    let s = T::ONE / (T::ONE + e);
    if z >= T::ZERO { s } else { e * s }
}
