//! Gradient checking: backpropagation's gradients against central finite differences.
//!
//! For every parameter θₖ of any network, the numerical estimate is
//!
//! ```text
//! ĝₖ = (J(θ + ε eₖ) − J(θ − ε eₖ)) / 2ε
//! ```
//!
//! and the check reports `‖g − ĝ‖₂ / (‖g‖₂ + ‖ĝ‖₂)` over all parameters, as the check is
//! usually taught: in `f64` with `ε = 1e-7`, a value above
//! [`RELATIVE_ERROR_THRESHOLD`] (`2e-7`) flags a wrong gradient. It also names the worst
//! single parameter, so a failure points at the line of the derivation that is wrong.
//!
//! Central differences have error `O(ε²)` for smooth functions; ReLU has a kink at 0, so
//! check at inputs whose pre-activations stay farther than `ε` from 0.

use crate::layer::Layer;
use crate::loss::Loss;
use crate::matrix::Matrix;
use crate::network;
use crate::params::Parameters;
use crate::scalar::Scalar;

/// The relative error above which the check flags a gradient (in `f64`, `ε = 1e-7`).
pub const RELATIVE_ERROR_THRESHOLD: f64 = 2e-7;

/// The outcome of [`check`].
#[derive(Clone, Debug, PartialEq)]
pub struct GradientCheck {
    /// `‖g − ĝ‖₂ / (‖g‖₂ + ‖ĝ‖₂)`, and `0` when both gradients are exactly zero.
    pub relative_error: f64,
    /// The index (across all blocks, in order) of the parameter whose `|gₖ − ĝₖ|` is largest.
    pub worst_index: usize,
    /// The seed's name of that parameter, such as `W[2](1, 3)`.
    pub worst_name: String,
    /// Backpropagation's `gₖ` for that parameter.
    pub worst_analytic: f64,
    /// The finite-difference `ĝₖ` for that parameter.
    pub worst_numeric: f64,
}

impl GradientCheck {
    /// `true` if the relative error is at most `tolerance`.
    pub fn passes(&self, tolerance: f64) -> bool {
        self.relative_error <= tolerance
    }
}

impl core::fmt::Display for GradientCheck {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "relative error {:.3e}; worst parameter {} (#{}): backprop {:.9e}, finite differences {:.9e}",
            self.relative_error,
            self.worst_name,
            self.worst_index,
            self.worst_analytic,
            self.worst_numeric
        )
    }
}

/// Central finite differences of the cost for every parameter, shaped like the network:
/// `ĝₖ = (J(θ + ε eₖ) − J(θ − ε eₖ)) / 2ε`.
pub fn numerical_gradients<T, N, L, const I: usize, const O: usize, const M: usize>(
    net: &N,
    loss: &L,
    x: &Matrix<T, I, M>,
    y: &Matrix<T, O, M>,
    epsilon: T,
) -> N
where
    T: Scalar,
    N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>,
    L: Loss<T>,
{
    let mut probe = net.clone();
    let mut estimate = N::default();
    for k in 0..net.parameter_count() {
        let theta = net.parameter(k).unwrap_or(T::ZERO);
        probe.set_parameter(k, theta + epsilon);
        let plus = network::cost(&probe, loss, x, y);
        probe.set_parameter(k, theta - epsilon);
        let minus = network::cost(&probe, loss, x, y);
        probe.set_parameter(k, theta);
        estimate.set_parameter(k, (plus - minus) / (T::TWO * epsilon));
    }
    estimate
}

/// Compares backpropagation's gradients with central finite differences over every
/// parameter of `net`, for the batch `(x, y)`.
///
/// ```
/// use backprop::gradcheck::{self, RELATIVE_ERROR_THRESHOLD};
/// use backprop::network::SeedNetwork;
/// use backprop::{Matrix, SigmoidCrossEntropy};
///
/// let mut net = SeedNetwork::<f64>::default();
/// net.0.weights = Matrix::from_fn(|i, j| 0.3 + 0.1 * i as f64 - 0.05 * j as f64);
/// net.1.weights = Matrix::from_fn(|i, j| 0.2 - 0.1 * i as f64 + 0.07 * j as f64);
/// net.2.weights = Matrix::from_rows([[0.5, -0.4]]);
/// let x = Matrix::from_column([1.0, 2.0, 3.0]);
/// let y = Matrix::from_column([1.0]);
/// let report = gradcheck::check(&net, &SigmoidCrossEntropy, &x, &y, 1e-7);
/// assert!(report.passes(RELATIVE_ERROR_THRESHOLD), "{report}");
/// ```
pub fn check<T, N, L, const I: usize, const O: usize, const M: usize>(
    net: &N,
    loss: &L,
    x: &Matrix<T, I, M>,
    y: &Matrix<T, O, M>,
    epsilon: T,
) -> GradientCheck
where
    T: Scalar,
    N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>,
    L: Loss<T>,
{
    let mut analytic = N::default();
    network::gradients(net, loss, x, y, &mut analytic);
    let numeric = numerical_gradients(net, loss, x, y, epsilon);
    compare(&analytic, &numeric)
}

/// The relative error and worst parameter between two gradients of the same network.
pub fn compare<T: Scalar, N: Parameters<T>>(analytic: &N, numeric: &N) -> GradientCheck {
    let (mut diff2, mut a2, mut n2) = (0.0f64, 0.0f64, 0.0f64);
    let (mut worst_index, mut worst_abs) = (0usize, -1.0f64);
    let (mut worst_analytic, mut worst_numeric) = (0.0, 0.0);
    let values = analytic.blocks().flatten().zip(numeric.blocks().flatten());
    for (k, (a, n)) in values.enumerate() {
        let (a, n) = (a.to_f64(), n.to_f64());
        diff2 += (a - n) * (a - n);
        a2 += a * a;
        n2 += n * n;
        // A NaN difference is always reported as the worst (once it is, nothing beats it).
        let error = (a - n).abs();
        if (error > worst_abs || error.is_nan()) && !worst_abs.is_nan() {
            (worst_index, worst_abs, worst_analytic, worst_numeric) = (k, error, a, n);
        }
    }
    let denominator = a2.sqrt() + n2.sqrt();
    let relative_error = if denominator == 0.0 && diff2 == 0.0 {
        0.0
    } else {
        diff2.sqrt() / denominator
    };
    GradientCheck {
        relative_error,
        worst_index,
        worst_name: analytic.parameter_name(worst_index).unwrap_or_default(),
        worst_analytic,
        worst_numeric,
    }
}
