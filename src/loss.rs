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

use crate::activation::{sigmoid, sigmoid_given_exp};
use crate::matrix::{Matrix, RowVector};
use crate::scalar::Scalar;
use core::fmt::Debug;

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

/// Squared error `L(ŷ, y) = ½ (ŷ − y)²` \[C1\], summed over the rows of a column.
///
/// The seed's first idea, set aside for classification because with a sigmoid output
/// the cost is non-convex and `δ[3] = (a[3] − y) a[3](1 − a[3])` vanishes when the
/// sigmoid saturates [L3.8]. Right for regression.
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
/// comes out directly. The value is computed from `z` in the stable form
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
        output.zip_map(target, |z, y| (sigmoid(z) - y) / m) // δ[3] = a[3] − y [L3.6]
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
            *g = (sigmoid_given_exp(z, e) - *y) / m; // δ[3] = a[3] − y [L3.6]
            *l = Self::loss(z, *y, e); //              L(ŷ, y)            [C2]
        }
        (losses.column_sums().sum() / m, grad)
    }
}

impl SigmoidCrossEntropy {
    /// `L = max(z, 0) − z y + log(1 + e)` given `e = e^(−|z|)` (in `(0, 1]`): the
    /// cross-entropy \[C2\] of `ŷ = σ(z)`.
    #[inline(always)]
    fn loss<T: Scalar>(z: T, y: T, e: T) -> T {
        z.max(T::ZERO) - z * y + e.ln_1p_unit()
    }
}

/// Softmax and categorical cross-entropy fused, on logits `z` (one row per class).
///
/// ```text
/// ŷ    = softmax(z),  ŷₖ = e^(zₖ) / Σⱼ e^(zⱼ)         (per column)
/// L    = −Σₖ yₖ log ŷₖ = Σₖ yₖ (logsumexp(z) − zₖ)
/// ∂L/∂z = ŷ Σₖ yₖ − y,  which is ŷ − y for a target that sums to 1 (one-hot)
/// ```
///
/// The same cancellation as [L3.6], for more than two classes. Every column is shifted
/// by its maximum before exponentiating, so nothing overflows and the loss is finite for
/// every finite input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SoftmaxCrossEntropy;

impl<T: Scalar> Loss<T> for SoftmaxCrossEntropy {
    #[inline(always)]
    fn predict<const N: usize, const M: usize>(&self, output: &Matrix<T, N, M>) -> Matrix<T, N, M> {
        softmax(output)
    }

    #[inline]
    fn losses<const N: usize, const M: usize>(
        &self,
        output: &Matrix<T, N, M>,
        target: &Matrix<T, N, M>,
    ) -> RowVector<T, M> {
        RowVector::from_fn(|_, j| {
            let (max, sum) = shifted_exp_sum(output, j);
            let log_sum_exp = max + sum.ln();
            let mut l = T::ZERO;
            for k in 0..N {
                l += target[(k, j)] * (log_sum_exp - output[(k, j)]);
            }
            l
        })
    }

    #[inline(always)]
    fn gradient<const N: usize, const M: usize>(
        &self,
        output: &Matrix<T, N, M>,
        target: &Matrix<T, N, M>,
    ) -> Matrix<T, N, M> {
        // ∂L/∂zₖ = softmax(z)ₖ Σⱼ yⱼ − yₖ, which is softmax(z) − y when the target sums to 1.
        let mut grad = softmax(output);
        let m = T::from_usize(M);
        for j in 0..M {
            let mut total = T::ZERO;
            for k in 0..N {
                total += target[(k, j)];
            }
            for k in 0..N {
                grad[(k, j)] = (grad[(k, j)] * total - target[(k, j)]) / m;
            }
        }
        grad
    }
}

/// The softmax of each column: `softmax(z)ₖ = e^(zₖ − max z) / Σⱼ e^(zⱼ − max z)`.
///
/// Shifting by the column's maximum leaves the result unchanged and keeps every
/// exponential in `(0, 1]`, so no column overflows; entries are in `[0, 1]` and each
/// column sums to 1 (up to rounding).
pub fn softmax<T: Scalar, const N: usize, const M: usize>(z: &Matrix<T, N, M>) -> Matrix<T, N, M> {
    let mut out = *z;
    for j in 0..M {
        let (max, sum) = shifted_exp_sum(z, j);
        for k in 0..N {
            out[(k, j)] = (z[(k, j)] - max).exp() / sum;
        }
    }
    out
}

/// For column `j`: its maximum and `Σₖ e^(zₖ − max)` (which is ≥ 1 when N ≥ 1).
fn shifted_exp_sum<T: Scalar, const N: usize, const M: usize>(
    z: &Matrix<T, N, M>,
    j: usize,
) -> (T, T) {
    let mut max = T::MIN;
    for k in 0..N {
        max = max.max(z[(k, j)]);
    }
    let mut sum = T::ZERO;
    for k in 0..N {
        sum += (z[(k, j)] - max).exp();
    }
    (max, sum)
}
