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
/// σ'(z) = σ(z) (1 − σ(z)) = σ(z) σ(−z)      [L3.3]
/// ```
///
/// Computed so that it never overflows and stays in `[0, 1]` for every finite input:
/// see [`sigmoid`]. The derivative is computed as `σ(z) σ(−z)`, because `1 − σ(z)`
/// cancels where the sigmoid saturates: at `z = 30`, `σ(z)` rounds to within one ulp of
/// 1, so `1 − σ(z)` keeps only a few correct bits, while `σ(−z) = e^(−30) / (1 + e^(−30))`
/// is correct to the last bit. With `e = e^(−|z|)` both forms are `e / (1 + e)²`,
/// symmetric in `z`, which is what the code computes.
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
        // σ(z) σ(−z) = [1 / (1 + e)] · [e / (1 + e)] with e = e^(−|z|): no 1 − σ(z).
        let e = (-z.abs()).exp();
        let s = T::ONE / (T::ONE + e);
        e * s * s
    }
}

/// The hyperbolic tangent.
///
/// ```text
/// g(z)  = tanh(z)
/// g'(z) = 1 − tanh(z)² = 4 e / (1 + e)²     with e = e^(−2|z|)
/// ```
///
/// The derivative is computed in the second form: `1 − tanh(z)²` cancels once `tanh(z)`
/// is close to ±1 (at `z = 10` its relative error is about 1e-8, half of `f64`'s digits lost; beyond `z ≈ 19.1`
/// it is exactly 0 while the truth is about `4 e^(−2|z|)`), whereas `4e / (1 + e)²` is a
/// product and a quotient of positive numbers, correct to a few ulps everywhere.
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
        // 1 − tanh² = sech² = 4 e / (1 + e)² with e = e^(−2|z|) ∈ (0, 1]: no cancellation.
        let e = (-(z.abs() + z.abs())).exp();
        let s = T::ONE / (T::ONE + e);
        (T::TWO * T::TWO) * e * s * s
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
    sigmoid_pair_given_exp(z, e).0
}

/// `(σ(z), σ(−z))` \[N5\] given `e = e^(−|z|)`: one is `1/(1 + e)`, the other `e/(1 + e)`.
/// Both are correct to the last bits even where one of them rounds to 1, which is why
/// `σ(−z)` is computed this way and never as `1 − σ(z)` (that subtraction cancels where
/// the sigmoid saturates; see [`Sigmoid`]).
#[inline(always)]
pub(crate) fn sigmoid_pair_given_exp<T: Scalar>(z: T, e: T) -> (T, T) {
    let s = T::ONE / (T::ONE + e);
    let es = e * s;
    if z >= T::ZERO { (s, es) } else { (es, s) }
}
