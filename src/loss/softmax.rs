//! Softmax and the categorical cross-entropy on logits, fused: the loss of a network
//! with `K ≥ 2` classes, and the same cancellation-free forms as [L3.6] for two.

use super::{Loss, check_label_default};
use crate::error::Text;
use crate::matrix::{Matrix, RowVector};
use crate::scalar::Scalar;

/// Softmax and categorical cross-entropy fused, on logits `z` (one row per class).
///
/// ```text
/// ŷ    = softmax(z),  ŷₖ = e^(zₖ) / Σⱼ e^(zⱼ)         (per column)
/// L    = −Σₖ yₖ log ŷₖ = Σₖ yₖ (logsumexp(z) − zₖ)
/// ∂L/∂z = ŷ Σₖ yₖ − y,  which is ŷ − y for a target that sums to 1 (one-hot)
/// ```
///
/// The same cancellation as [L3.6], for more than two classes. Both the value and the
/// gradient are computed so that nothing overflows and nothing cancels where the maths
/// does not. With `a` the column's arg max, `μ = z_a` its maximum, and
///
/// ```text
/// r = Σ_{j≠a} e^(zⱼ − μ)                (each term in [0, 1]: no overflow)
/// ```
///
/// the sum of exponentials is `e^μ (1 + r)`, so
///
/// ```text
/// logsumexp(z) − zₖ = (μ − zₖ) + ln_1p(r)     a sum of two numbers ≥ 0
/// ŷ_a − 1           = −r / (1 + r)            = −Σ_{k≠a} ŷₖ, no subtraction
/// ```
///
/// For a confidently classified example (`y` one-hot on `a`) the loss is `ln_1p(r)`
/// with a tiny `r`, exact to a few ulps relative, where the textbook
/// `max z + ln Σ e^(z − max) − z_y` is a difference of numbers near `max z` and keeps
/// only its absolute accuracy (about `1e-16 · |z|`: all of it noise for a loss of
/// `1e-15`). Likewise its gradient `ŷ_a − 1` is `−r/(1 + r)`, exact, where `ŷ_a − 1`
/// would be rounding noise. A gradient check, which divides differences of the cost by a
/// small step, needs exactly this.
///
/// Softmax over one output is always 1, so the cost would be 0 and nothing would train:
/// a network with one output and this loss does not compile (use
/// [`SigmoidCrossEntropy`](super::SigmoidCrossEntropy)).
///
/// ```compile_fail,E0080
/// use backprop::{Loss, Matrix, SoftmaxCrossEntropy};
/// let z = Matrix::<f64, 1, 1>::filled(2.0);
/// let _ = SoftmaxCrossEntropy.gradient(&z, &z); // one output: refused at compile time
/// ```
///
/// ```
/// # use backprop::{Loss, Matrix, SoftmaxCrossEntropy};
/// let z = Matrix::<f64, 2, 1>::from_column([2.0, 0.0]);
/// let y = Matrix::<f64, 2, 1>::from_column([1.0, 0.0]);
/// let _ = SoftmaxCrossEntropy.gradient(&z, &y); // two outputs: fine
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SoftmaxCrossEntropy;

impl<T: Scalar> Loss<T> for SoftmaxCrossEntropy {
    /// Softmax over one output is always 1, so its cost is 0 and nothing would train:
    /// one output is refused (use [`SigmoidCrossEntropy`](super::SigmoidCrossEntropy));
    /// with several, the label is a class index.
    fn check_label(&self, label: f64, outputs: usize) -> core::result::Result<(), Text> {
        if outputs == 1 {
            Err(
                "softmax cross-entropy needs at least 2 outputs: softmax over one output \
                 is always 1, so the cost is 0 and nothing trains (use \
                 SigmoidCrossEntropy for one output)"
                    .into(),
            )
        } else {
            check_label_default(label, outputs)
        }
    }

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
        const { assert!(N > 1, "softmax cross-entropy needs at least 2 outputs") };
        RowVector::from_fn(|_, j| ShiftedExpSum::of(output, j).loss(output, target, j))
    }

    #[inline(always)]
    fn gradient<const N: usize, const M: usize>(
        &self,
        output: &Matrix<T, N, M>,
        target: &Matrix<T, N, M>,
    ) -> Matrix<T, N, M> {
        const { assert!(N > 1, "softmax cross-entropy needs at least 2 outputs") };
        let mut grad = *output;
        for j in 0..M {
            ShiftedExpSum::of(output, j).gradient(target, &mut grad, j);
        }
        grad
    }

    /// [`cost`](Loss::cost) and [`gradient`](Loss::gradient) from one pass over each
    /// column: its maximum and exponentials are computed once for both (the separate
    /// methods compute them twice), with the same operations, so the bits are theirs.
    #[inline(always)]
    fn cost_and_gradient<const N: usize, const M: usize>(
        &self,
        output: &Matrix<T, N, M>,
        target: &Matrix<T, N, M>,
    ) -> (T, Matrix<T, N, M>) {
        const { assert!(N > 1, "softmax cross-entropy needs at least 2 outputs") };
        let mut grad = *output;
        let mut losses = RowVector::<T, M>::zeros();
        for j in 0..M {
            let column = ShiftedExpSum::of(output, j);
            losses[(0, j)] = column.loss(output, target, j);
            column.gradient(target, &mut grad, j);
        }
        (losses.sum() / T::from_usize(M), grad)
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
        let column = ShiftedExpSum::of(z, j);
        let sum = T::ONE + column.rest;
        for k in 0..N {
            out[(k, j)] = if k == column.argmax {
                T::ONE / sum
            } else {
                column.exps[k] / sum
            };
        }
    }
    out
}

/// One column of logits, shifted by its maximum: `Σₖ e^(zₖ − μ) = 1 + rest`.
struct ShiftedExpSum<T, const N: usize> {
    /// `a`, the row of the column's maximum (the first one, if tied).
    argmax: usize,
    /// `μ = z_a`.
    max: T,
    /// `r = Σ_{k≠a} e^(zₖ − μ)`, kept apart from the arg max's term `1` so that
    /// `ln(1 + r)` and `r / (1 + r)` are exact even when `r` is tiny.
    rest: T,
    /// `e^(zₖ − μ)` for `k ≠ a` (the arg max's entry is unused): the terms of `r`, which
    /// the gradient needs again.
    exps: [T; N],
}

impl<T: Scalar, const N: usize> ShiftedExpSum<T, N> {
    /// The arg max, maximum and `r` of column `j`. A NaN or infinite logit makes `r`
    /// NaN, and the loss and gradient with it: a NaN is never the maximum unless it is
    /// first, so its term `e^(NaN − μ)` is summed, and `r` starts from `0 · μ`, which is
    /// `±0` for a finite maximum and NaN for a NaN or infinite one.
    #[inline(always)]
    fn of<const M: usize>(z: &Matrix<T, N, M>, j: usize) -> Self {
        let mut exps = [T::ZERO; N];
        if N == 0 {
            let zero = T::ZERO;
            return ShiftedExpSum {
                argmax: 0,
                max: zero,
                rest: zero,
                exps,
            };
        }
        let (mut argmax, mut max) = (0, z[(0, j)]);
        for k in 1..N {
            if z[(k, j)] > max {
                (argmax, max) = (k, z[(k, j)]);
            }
        }
        let mut rest = T::ZERO * max; // 0 · μ: ±0, or NaN for μ = NaN or ±∞
        for (k, e) in exps.iter_mut().enumerate() {
            if k != argmax {
                *e = (z[(k, j)] - max).exp();
                rest += *e;
            }
        }
        ShiftedExpSum {
            argmax,
            max,
            rest,
            exps,
        }
    }

    /// The loss of column `j`: `Σₖ yₖ (logsumexp(z) − zₖ)`.
    #[inline(always)]
    fn loss<const M: usize>(&self, z: &Matrix<T, N, M>, target: &Matrix<T, N, M>, j: usize) -> T {
        let ln_sum = self.rest.ln_1p(); // ln(1 + r) = logsumexp(z) − μ
        let mut l = T::ZERO;
        for k in 0..N {
            // logsumexp(z) − zₖ = (μ − zₖ) + ln(1 + r); for k = a the first term is 0.
            let gap = if k == self.argmax {
                T::ZERO
            } else {
                self.max - z[(k, j)]
            };
            l += target[(k, j)] * (gap + ln_sum);
        }
        l
    }

    /// Writes column `j` of `∂J/∂z = (ŷ Σⱼ yⱼ − y) / m` into `grad`; `ŷ − y` when the
    /// target sums to 1.
    #[inline(always)]
    fn gradient<const M: usize>(
        &self,
        target: &Matrix<T, N, M>,
        grad: &mut Matrix<T, N, M>,
        j: usize,
    ) {
        let m = T::from_usize(M);
        let sum = T::ONE + self.rest;
        let mut total = T::ZERO;
        for k in 0..N {
            total += target[(k, j)];
        }
        for k in 0..N {
            let y = target[(k, j)];
            grad[(k, j)] = if k == self.argmax && y + y >= total {
                // Mostly the target's class: ŷ_a Σy − y_a = (Σy − y_a) − Σy (1 − ŷ_a),
                // with 1 − ŷ_a = r / (1 + r) computed without a subtraction.
                (total - y) - total * (self.rest / sum)
            } else if k == self.argmax {
                total / sum - y // ŷ_a = 1 / (1 + r)
            } else {
                total * (self.exps[k] / sum) - y
            } / m;
        }
    }
}
