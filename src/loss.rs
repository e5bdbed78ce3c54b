//! Losses `L(ŷ, y)` with their gradients, and the cost `J` over a batch \[C\].
//!
//! A loss compares the network's output with the target, column by column (columns are
//! examples). The cost over a batch of `m` columns is the mean of the per-example
//! losses, `J = (1/m) Σᵢ L(ŷ(i), y(i))` \[C6\]; with `m = 1` it is the loss of one
//! example, the stochastic case \[C5\].
//!
//! [`Loss::gradient`] returns `∂J/∂output`, an `(N, M)` matrix that already carries
//! the `1/m` of the mean. Backward passes then need no `1/m` of their own: the seed's
//! `dW = (1/m) dZ Aᵀ` \[S5\] is `δ Aᵀ` with `δ = ∂J/∂Z`.
//!
//! | loss | output it takes | `L` | `∂J/∂output` (one example) |
//! |---|---|---|---|
//! | [`SquaredError`] | `ŷ` | `½ (ŷ − y)²` \[C1\] | `ŷ − y` |
//! | [`CrossEntropy`] | `ŷ = σ(z)` | `−(y log ŷ + (1 − y) log(1 − ŷ))` \[C2\] | `(ŷ − y) / (ŷ (1 − ŷ))` [L3.2] |
//! | [`SigmoidCrossEntropy`] | the logit `z` | the same, from `z` | `σ(z) − y` [L3.6] |
//! | [`SoftmaxCrossEntropy`] | logits `z` (K classes) | `−Σₖ yₖ log softmax(z)ₖ` | `softmax(z) − y` |

use crate::activation::{sigmoid, sigmoid_pair_given_exp};
use crate::error::{Text, text};
use crate::matrix::{Matrix, RowVector};
use crate::scalar::Scalar;
use core::fmt::Debug;

mod softmax;
pub use softmax::{SoftmaxCrossEntropy, softmax};

/// A loss `L(ŷ, y)`, its mean over a batch, and its gradient.
pub trait Loss<T: Scalar>: Copy + Debug + Default {
    /// The prediction `ŷ` that this loss compares with `y`, from the network's output:
    /// the output itself, or `σ(z)` / `softmax(z)` for the losses that take logits.
    fn predict<const N: usize, const M: usize>(&self, output: &Matrix<T, N, M>) -> Matrix<T, N, M>;

    /// The loss of each example (each column): `L(ŷ(i), y(i))`, summed over the rows.
    fn losses<const N: usize, const M: usize>(
        &self,
        output: &Matrix<T, N, M>,
        target: &Matrix<T, N, M>,
    ) -> RowVector<T, M>;

    /// `∂J/∂output` for the mean cost `J` \[C6\]: an `(N, M)` matrix carrying the `1/m`.
    fn gradient<const N: usize, const M: usize>(
        &self,
        output: &Matrix<T, N, M>,
        target: &Matrix<T, N, M>,
    ) -> Matrix<T, N, M>;

    /// The cost `J = (1/m) Σᵢ L(ŷ(i), y(i))` over the `m = M` columns [C5, C6].
    fn cost<const N: usize, const M: usize>(
        &self,
        output: &Matrix<T, N, M>,
        target: &Matrix<T, N, M>,
    ) -> T {
        self.losses(output, target).sum() / T::from_usize(M)
    }

    /// Checks that `label`, one example's label as a [`Dataset`](crate::data::Dataset)
    /// stores it, is a target this loss can learn from on a network with `outputs`
    /// outputs; `Err` says why not. The trainer calls it on every label before training.
    ///
    /// The default accepts any finite number for one output (a regression target) and a
    /// class index below `outputs` for several (the target is then one-hot).
    fn check_label(&self, label: f64, outputs: usize) -> core::result::Result<(), Text> {
        check_label_default(label, outputs)
    }

    /// The cost `J` \[C6\] and `∂J/∂output` at once: [`cost`](Loss::cost) and
    /// [`gradient`](Loss::gradient), equal to each bit for bit. A loss whose value and
    /// gradient share work overrides it ([`SigmoidCrossEntropy`] computes `e^(−|z|)` once
    /// for both).
    fn cost_and_gradient<const N: usize, const M: usize>(
        &self,
        output: &Matrix<T, N, M>,
        target: &Matrix<T, N, M>,
    ) -> (T, Matrix<T, N, M>) {
        (self.cost(output, target), self.gradient(output, target))
    }
}

/// The default of [`Loss::check_label`]: any finite number for one output, a class
/// index below `outputs` for several.
fn check_label_default(label: f64, outputs: usize) -> core::result::Result<(), Text> {
    if outputs == 1 {
        if label.is_finite() {
            Ok(())
        } else {
            Err(text!("label {label} is not a finite number"))
        }
    } else if label >= 0.0 && label < outputs as f64 && label == (label as u64) as f64 {
        Ok(())
    } else {
        Err(text!(
            "label {label} is not a class index below the network's {outputs} outputs"
        ))
    }
}

/// [`Loss::check_label`] for the cross-entropies of a sigmoid output: with one output the
/// label is a probability, `0` or `1` (or a soft target in between); `−(y log ŷ + (1 − y)
/// log(1 − ŷ))` is unbounded below for any other `y`, so training would drive the cost
/// to `−∞` instead of fitting anything.
fn check_probability_label(label: f64, outputs: usize) -> core::result::Result<(), Text> {
    if outputs == 1 && !(0.0..=1.0).contains(&label) {
        Err(text!(
            "label {label} is not in [0, 1]: binary cross-entropy needs 0 or 1 (or a \
             probability) for its one output"
        ))
    } else {
        check_label_default(label, outputs)
    }
}

/// Squared error `L(ŷ, y) = ½ (ŷ − y)²` \[C1\], summed over the rows of a column.
///
/// The seed's first idea, set aside for classification because with a sigmoid output
/// the cost is non-convex and `δ[3] = (a[3] − y) a[3](1 − a[3])` vanishes when the
/// sigmoid saturates [L3.8]. Right for regression.
///
/// Its gradient `ŷ − y` is the difference of the two inputs themselves, one rounding
/// (exact when they are within a factor of 2, by Sterbenz's lemma): there is no stable
/// form to prefer, as there was for `σ(z) − y` [L3.6]. Behind a [`Sigmoid`] layer
/// (`δ[3] = (a[3] − y) a[3](1 − a[3])` [L3.8]), the sigmoid's derivative is computed as
/// `σ(z) σ(−z)`, without the cancellation of `1 − a[3]`.
///
/// [`Sigmoid`]: crate::Sigmoid
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SquaredError;

impl<T: Scalar> Loss<T> for SquaredError {
    #[inline(always)]
    fn predict<const N: usize, const M: usize>(&self, output: &Matrix<T, N, M>) -> Matrix<T, N, M> {
        *output
    }

    #[inline]
    fn losses<const N: usize, const M: usize>(
        &self,
        output: &Matrix<T, N, M>,
        target: &Matrix<T, N, M>,
    ) -> RowVector<T, M> {
        let diff = *output - *target;
        diff.hadamard(&diff).column_sums() * T::HALF
    }

    #[inline(always)]
    fn gradient<const N: usize, const M: usize>(
        &self,
        output: &Matrix<T, N, M>,
        target: &Matrix<T, N, M>,
    ) -> Matrix<T, N, M> {
        // ∂J/∂ŷ = (ŷ − y) / m
        (*output - *target) / T::from_usize(M)
    }
}

/// Binary cross-entropy on probabilities, `L(ŷ, y) = −(y log ŷ + (1 − y) log(1 − ŷ))` \[C2\].
///
/// This is the unfused form, for a last layer whose activation is already the sigmoid:
/// its gradient is `dJ/da[3] = (a[3] − y) / (a[3](1 − a[3]))` [L3.2], which the sigmoid's
/// derivative `a[3](1 − a[3])` [L3.3] then cancels in the backward pass. Prefer
/// [`SigmoidCrossEntropy`], which skips the division and the cancellation.
///
/// `ŷ` is clamped to `[ε, 1 − ε]` (ε the type's machine epsilon) in both the value and
/// the gradient, so the loss stays finite when `ŷ` rounds to exactly 0 or 1: at most
/// `−log ε ≈ 36` in `f64`, `16` in `f32`.
///
/// # Where it parts from the fused form
///
/// Behind a sigmoid, this loss sees only `ŷ = σ(z)` rounded, never `z`, and that costs
/// accuracy where the sigmoid saturates:
///
/// * `1 − ŷ` cancels once `ŷ` is near 1: the rounding of `ŷ` (up to `ε/2` absolute) is a
///   relative error of about `ε e^z / 2` in `1 − ŷ`, so `δ[3] = dJ/da[3] · a[3](1 − a[3])`
///   [L3.2, L3.3] loses `log₂ e^z` bits: about `1e-3` relative at `z = 30` in `f64`;
/// * once `ŷ` rounds to exactly 1 (`z > 36.7` in `f64`, `z > 16.6` in `f32`; or to 0 at the
///   other end, below `−745` and `−103`), the clamp replaces it by `1 − ε`, and the
///   gradient is no longer the cross-entropy's: at `z = 40`, `y = 0` the pair gives
///   `δ[3] ≈ 0.02` where the truth is `σ(40) ≈ 1` (and 0 with the unstable
///   `σ(1 − σ)`), so a confidently wrong example stops being corrected.
///
/// [`SigmoidCrossEntropy`] works on `z` and has neither problem: its `δ[3]` [L3.6] is
/// exact to a few ulps for every finite `z`. Use this unfused form to follow the seed's
/// [L3.2] step by step, and the fused one to train; `tests/losses.rs` shows where the two
/// part.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CrossEntropy;

impl CrossEntropy {
    #[inline(always)]
    fn clamp<T: Scalar>(p: T) -> T {
        // Comparisons with NaN are false, so a NaN probability stays NaN (a diverged
        // network's cost must not look finite).
        if p < T::EPSILON {
            T::EPSILON
        } else if p > T::ONE - T::EPSILON {
            T::ONE - T::EPSILON
        } else {
            p
        }
    }
}

impl<T: Scalar> Loss<T> for CrossEntropy {
    fn check_label(&self, label: f64, outputs: usize) -> core::result::Result<(), Text> {
        check_probability_label(label, outputs)
    }

    #[inline(always)]
    fn predict<const N: usize, const M: usize>(&self, output: &Matrix<T, N, M>) -> Matrix<T, N, M> {
        *output
    }

    #[inline]
    fn losses<const N: usize, const M: usize>(
        &self,
        output: &Matrix<T, N, M>,
        target: &Matrix<T, N, M>,
    ) -> RowVector<T, M> {
        output
            .zip_map(target, |p, y| {
                let p = Self::clamp(p);
                -(y * p.ln() + (T::ONE - y) * (T::ONE - p).ln()) // [C2]
            })
            .column_sums()
    }

    #[inline(always)]
    fn gradient<const N: usize, const M: usize>(
        &self,
        output: &Matrix<T, N, M>,
        target: &Matrix<T, N, M>,
    ) -> Matrix<T, N, M> {
        let m = T::from_usize(M);
        output.zip_map(target, |p, y| {
            let p = Self::clamp(p);
            (p - y) / (p * (T::ONE - p)) / m // dJ/da[3] [L3.2]
        })
    }
}

/// Sigmoid and binary cross-entropy fused, on the logit `z = z[3]` [L3.6].
///
/// The network's last layer outputs `z` (activation [`Identity`](crate::activation::Identity));
/// this loss applies `ŷ = σ(z)` itself. Multiplying `dJ/da[3]` [L3.2] by
/// `da[3]/dz[3] = a[3](1 − a[3])` [L3.3] cancels the sigmoid's derivative, so
///
/// ```text
/// δ[3] = ∂J/∂z[3] = a[3] − y = σ(z) − y           [L3.6, S1]
/// ```
///
/// comes out directly. It is computed as
///
/// ```text
/// δ[3] = (1 − y) σ(z) − y σ(−z)        (the same value: σ(−z) = 1 − σ(z))
/// ```
///
/// which for a label in `[0, 1]` never cancels where the sigmoid saturates: for `y = 1`
/// it is `−σ(−z)`, for `y = 0` it is `σ(z)`, both correct to the last bits, where
/// `σ(z) − 1` at `z = 30` keeps only a handful of correct bits. The value is computed from `z` in the stable form
///
/// ```text
/// L = max(z, 0) − z y + log(1 + e^(−|z|))
/// ```
///
/// (equal to C2 with `ŷ = σ(z)`), which is finite for every finite `z`, also where `σ(z)`
/// rounds to exactly 0 or 1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SigmoidCrossEntropy;

impl<T: Scalar> Loss<T> for SigmoidCrossEntropy {
    fn check_label(&self, label: f64, outputs: usize) -> core::result::Result<(), Text> {
        check_probability_label(label, outputs)
    }

    #[inline(always)]
    fn predict<const N: usize, const M: usize>(&self, output: &Matrix<T, N, M>) -> Matrix<T, N, M> {
        output.map(sigmoid)
    }

    #[inline]
    fn losses<const N: usize, const M: usize>(
        &self,
        output: &Matrix<T, N, M>,
        target: &Matrix<T, N, M>,
    ) -> RowVector<T, M> {
        output
            .zip_map(target, |z, y| Self::loss(z, y, (-z.abs()).exp()))
            .column_sums()
    }

    #[inline(always)]
    fn gradient<const N: usize, const M: usize>(
        &self,
        output: &Matrix<T, N, M>,
        target: &Matrix<T, N, M>,
    ) -> Matrix<T, N, M> {
        let m = T::from_usize(M);
        output.zip_map(target, |z, y| Self::delta(z, y, (-z.abs()).exp()) / m)
    }

    /// One `e = e^(−|z|)` per entry serves both `σ(z)` for the gradient [L3.6] and
    /// `log(1 + e)` for the loss \[C2\]: one exponential per entry, where calling `cost`
    /// and `gradient` takes two. The losses are then summed as `cost` sums them.
    #[inline(always)]
    fn cost_and_gradient<const N: usize, const M: usize>(
        &self,
        output: &Matrix<T, N, M>,
        target: &Matrix<T, N, M>,
    ) -> (T, Matrix<T, N, M>) {
        let m = T::from_usize(M);
        let mut grad = *output;
        let mut losses = *output;
        for ((g, l), y) in grad.iter_mut().zip(losses.iter_mut()).zip(target.iter()) {
            let z = *g;
            let e = (-z.abs()).exp();
            *g = Self::delta(z, *y, e) / m; // δ[3] = a[3] − y [L3.6]
            *l = Self::loss(z, *y, e); //     L(ŷ, y)          [C2]
        }
        (losses.column_sums().sum() / m, grad)
    }
}

impl SigmoidCrossEntropy {
    /// `δ = a[3] − y` [L3.6] for one example, given `e = e^(−|z|)`, computed as
    /// `(1 − y) σ(z) − y σ(−z)`: no `σ(z) − 1` cancels for `y` near 1.
    #[inline(always)]
    fn delta<T: Scalar>(z: T, y: T, e: T) -> T {
        let (p, q) = sigmoid_pair_given_exp(z, e); // σ(z), σ(−z)
        (T::ONE - y) * p - y * q
    }

    /// `L = max(z, 0) − z y + log(1 + e)` given `e = e^(−|z|)` (in `(0, 1]`): the
    /// cross-entropy \[C2\] of `ŷ = σ(z)`.
    #[inline(always)]
    fn loss<T: Scalar>(z: T, y: T, e: T) -> T {
        z.max(T::ZERO) - z * y + e.ln_1p_unit()
    }
}
