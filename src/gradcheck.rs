//! Gradient checking: backpropagation's gradients against central finite differences,
//! with a tolerance that knows how accurate the finite differences are.
//!
//! # What is compared
//!
//! For every parameter `θₖ` of a network, backpropagation gives `gₖ = ∂J/∂θₖ` and the
//! check estimates the same number from the cost alone, by the central difference
//!
//! ```text
//! ĝₖ = (J(θ + hₖ eₖ) − J(θ − hₖ eₖ)) / 2hₖ,      hₖ = ε · max(1, |θₖ|),   ε = ∛u
//! ```
//!
//! where `u` is the unit roundoff of the scalar type (`2⁻⁵³` for `f64`, so `ε ≈ 4.8e-6`;
//! `2⁻²⁴` for `f32`, so `ε ≈ 3.9e-3`). The step grows with `|θₖ|` so that `θₖ ± hₖ`
//! differs from `θₖ` in the same number of leading digits for every parameter, and the
//! quotient divides by the step as actually stored, `(θₖ + hₖ) − (θₖ − hₖ)` after rounding
//! to the scalar type, not by the `2hₖ` that was asked for.
//!
//! The report also gives the criterion usually taught (Andrew Ng's), over all parameters
//! as one vector with the Euclidean norm:
//!
//! ```text
//! relative error = ‖g − ĝ‖₂ / (‖g‖₂ + ‖ĝ‖₂)
//! ```
//!
//! # Why a fixed threshold on that number is wrong
//!
//! `ĝₖ` is not exact. Its error has two parts:
//!
//! ```text
//! truncation:  ĝₖ − gₖ ≈ hₖ² J'''/6                    (the Taylor series cut short)
//! rounding:    |e₊ − e₋| / 2hₖ                          (e± the rounding error of J(θ ± hₖ eₖ))
//! ```
//!
//! The rounding part does not shrink with the gradient. On a confidently classified
//! example the cost is tiny (say `1e-6`) and so are its partial derivatives (`1e-5`),
//! but computing the cost still rounds at the scale of the numbers it is made from
//! (logits of 10 or 20): `e± ≈ u · 20`, and `u · 20 / 2hₖ ≈ 2e-10` in `f64` — or far
//! more when the cost formula cancels. A fixed threshold such as `2e-7` on the relative
//! error then flags correct networks once they are trained, and in `f32` it flags every
//! network. So this check gives each parameter its own tolerance, built from what the
//! finite differences can resolve.
//!
//! # The tolerance of each parameter
//!
//! The check evaluates the cost at `θ`, at `θ ± hₖ eₖ` and at `θ ± 2hₖ eₖ` (four
//! evaluations per parameter), and accepts `gₖ` when
//!
//! ```text
//! |gₖ − ĝₖ| ≤ tolₖ = 2 · (E / 2hₖ + |ĝₖ(h) − ĝₖ(2h)| + 2 Kₖ) + r · (|gₖ| + |ĝₖ|)
//! ```
//!
//! term by term:
//!
//! * `E / 2hₖ`, **rounding**. `E` bounds `|e₊ − e₋|`, the difference of two rounding
//!   errors of `J`. It is the larger of a model and a measurement. The model is
//!   `E = 16 u · (|J| + Σᵢⱼ |outᵢⱼ| · (1/m + |∂J/∂outᵢⱼ|))`: a cost computed from the
//!   network's outputs rounds at the scale of those outputs (a loss that subtracts
//!   logits, like `max z + ln Σ e^(z − max z) − z_y`, loses `u · |z|`), and the forward
//!   pass's own rounding of the outputs reaches `J` through `∂J/∂out`. The measurement
//!   evaluates `J` at eight pairs `θ ± δ` where `δ` moves every parameter by one or two
//!   ulps: `J(θ + δ) + J(θ − δ) − 2J(θ)` is rounding error alone (its exact value is of
//!   second order in `δ`), and `E` is at least the largest of the eight. The measurement
//!   alone is not enough: a tiny cost computed as a difference of logits lies on a grid
//!   as coarse as `u · |z|` and can take the same value at all sixteen points; the model
//!   alone misses a loss that loses more than the scale of its inputs. The model's
//!   `|out|/m` term is what a cancelling loss needs; with a loss computed without
//!   cancellation it makes the tolerance larger than necessary, never smaller.
//! * `|ĝₖ(h) − ĝₖ(2h)|`, **truncation**. For a smooth cost the truncation error grows as
//!   `h²`, so the quotient with step `2h` is off by four times as much and the
//!   difference of the two is three times the truncation error of `ĝₖ(h)`.
//! * `2Kₖ`, **kinks**, with `Kₖ = |2(f₁ − b₁) − (f₂ − b₂)| / 4`, where `f₁, b₁` (`f₂, b₂`)
//!   are the one-sided quotients `(J(θ + h) − J(θ)) / h` and `(J(θ) − J(θ − h)) / h` (with
//!   `2h`). ReLU has a kink at `z = 0`; when a step moves a pre-activation across it, the
//!   cost is piecewise smooth in the window and a central difference measures neither
//!   one-sided derivative but a mix of the two. For a cost that is linear on each side of
//!   one kink inside `[θ − h, θ + h]`, a little algebra shows that
//!   `|ĝₖ(h) − ĝₖ(2h)| + 2Kₖ` is at least the error of `ĝₖ(h)`, wherever the kink lies
//!   (equal to it when the kink is within `2h/3` of `θₖ`, so a correct gradient there
//!   uses half its tolerance); for a smooth cost `Kₖ = O(h³)` is negligible.
//! * `2 · (…)`, a safety factor for what the three estimates leave out (higher-order
//!   terms, a kink and curvature together).
//! * `r · (|gₖ| + |ĝₖ|)` with `r = √u` (`1.5e-8` in `f64`, `2.4e-4` in `f32`): what the
//!   check asks beyond the finite differences' own error, half the digits of the type.
//!
//! The check [`passes`](GradientCheck::passes) when every parameter is within its
//! tolerance. It also reports the relative error above next to the largest value a
//! correct gradient could reach, `‖tol‖₂ / (‖g‖₂ + ‖ĝ‖₂)` (every `|gₖ − ĝₖ| ≤ tolₖ`
//! implies the relative error is at most that).
//!
//! # What it can and cannot see
//!
//! * A wrong gradient is seen when it is off by more than the tolerance: a dropped
//!   `g'(z)` \[S4\], `W` for `Wᵀ` [L2.7], a missing `1/m` or an unsummed bias gradient
//!   \[S5\] are off by a fraction of order 1 of the gradient, which is far above the
//!   tolerance wherever the gradient itself is resolved.
//! * It cannot see what the finite differences cannot resolve: a partial derivative
//!   smaller than its tolerance is checked only to that tolerance. In `f32` a confidently
//!   classified example has gradients of `1e-5` against a tolerance of about `1e-3`, and
//!   the check passes whatever backpropagation says. The report counts the partial
//!   derivatives that are resolved (`|ĝₖ| > tolₖ`), so a pass that proves nothing says so;
//!   check in `f64`, on a batch or before training for a sharp test.
//! * At a kink the derivative does not exist, and backpropagation returns one one-sided
//!   derivative (ReLU's `g'(0) = 0` [L2.4]). When a step straddles a kink, the kink term
//!   widens that parameter's tolerance to cover both sides, so the check accepts either
//!   one-sided value there and is blind to an error smaller than the jump in slope. The
//!   report counts such parameters ([`kinks`](GradientCheck::kinks)): those whose kink
//!   term is above the truncation term and eight times the rounding term (rounding alone
//!   can make it about five times the rounding term). The check does not look
//!   inside the network (it sees only the cost), so it cannot say which unit's
//!   pre-activation crossed 0.

use crate::layer::Layer;
use crate::loss::Loss;
use crate::matrix::Matrix;
use crate::network;
#[cfg(feature = "std")]
use crate::params::Parameters;
use crate::rng::Rng;
use crate::scalar::Scalar;

mod report;
pub use report::GradientCheck;
use report::compare_entries;

/// The factor on the rounding model `u · (|J| + Σ |out| (1/m + |∂J/∂out|))`.
const ROUNDING_MODEL_FACTOR: f64 = 16.0;
/// The factor on the sum of the three error estimates of each parameter.
const SAFETY: f64 = 2.0;
/// How many `θ ± δ` pairs measure the rounding of `J`.
const NOISE_PAIRS: usize = 8;
/// How far the kink term must rise above the rounding term to count as a kink (rounding
/// alone can make it about five times the rounding term).
const KINK_OVER_NOISE: f64 = 8.0;

/// How the check chooses its steps and its relative tolerance; `None` takes the default.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Options {
    /// The relative step `ε` of `hₖ = ε · max(1, |θₖ|)`; by default `∛u` (`u` the unit
    /// roundoff), which balances truncation (`∝ h²`) against rounding (`∝ 1/h`).
    pub step: Option<f64>,
    /// The relative tolerance `r` asked beyond the finite differences' own error; by
    /// default `√u`.
    pub relative_tolerance: Option<f64>,
}

/// The finite-difference estimate of every partial derivative, with its tolerance, all
/// in the order of [`Parameters::blocks`].
#[cfg(feature = "std")]
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    /// `ĝₖ`, the central difference with step `hₖ`.
    pub gradient: Vec<f64>,
    /// The bound on the finite differences' own error, `2 · (E / 2hₖ + |ĝₖ(h) − ĝₖ(2h)| +
    /// 2Kₖ)`: the part of `tolₖ` that does not depend on `gₖ` (see the module docs).
    pub error: Vec<f64>,
    /// `hₖ`, half the step actually taken, `((θₖ + hₖ) − (θₖ − hₖ)) / 2` as stored.
    pub step: Vec<f64>,
    /// Whether the kink term dominated parameter `k`'s tolerance (see the module docs).
    pub kink: Vec<bool>,
    /// The relative tolerance `r`, so that `tolₖ = errorₖ + r · (|gₖ| + |ĝₖ|)`.
    pub relative_tolerance: f64,
}

/// Central finite differences of the cost for every parameter, shaped like the network:
/// `ĝₖ = (J(θ + hₖ eₖ) − J(θ − hₖ eₖ)) / 2hₖ` with `hₖ = ∛u · max(1, |θₖ|)`, dividing by
/// the step as stored (see the module docs).
pub fn numerical_gradients<T, N, L, const I: usize, const O: usize, const M: usize>(
    net: &N,
    loss: &L,
    x: &Matrix<T, I, M>,
    y: &Matrix<T, O, M>,
) -> N
where
    T: Scalar,
    N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>,
    L: Loss<T>,
{
    let (each, _) = entries(net, loss, x, y, &Options::default());
    let mut out = N::default();
    for (k, entry) in each.enumerate() {
        out.set_parameter(k, T::from_f64(entry.gradient));
    }
    out
}

/// The cost at `probe` with parameter `k` set to `theta + delta` (rounded to `T`): the
/// offset actually taken and the cost, both in `f64`.
fn cost_at<T, N, L, const I: usize, const O: usize, const M: usize>(
    probe: &mut N,
    loss: &L,
    x: &Matrix<T, I, M>,
    y: &Matrix<T, O, M>,
    k: usize,
    theta: T,
    delta: f64,
) -> (f64, f64)
where
    T: Scalar,
    N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>,
    L: Loss<T>,
{
    let moved = T::from_f64(theta.to_f64() + delta);
    probe.set_parameter(k, moved);
    let cost = network::cost(probe, loss, x, y).to_f64();
    (moved.to_f64() - theta.to_f64(), cost)
}

/// `E`, a bound on the difference of two rounding errors of `J` near `θ`: the larger of
/// the model and the measurement described in the module docs.
fn rounding_bound<T, N, L, const I: usize, const O: usize, const M: usize>(
    net: &N,
    loss: &L,
    x: &Matrix<T, I, M>,
    y: &Matrix<T, O, M>,
    cost: f64,
) -> f64
where
    T: Scalar,
    N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>,
    L: Loss<T>,
{
    let u = T::EPSILON.to_f64() / 2.0;
    // The model: the scale of the numbers the cost is computed from (a loss that
    // subtracts logits rounds at |z|), and the forward pass's rounding of the outputs,
    // reaching J through ∂J/∂out.
    let output = net.predict(x);
    let grad_output = loss.gradient(&output, y);
    let mean = 1.0 / M as f64;
    let scale = output
        .iter()
        .zip(grad_output.iter())
        .map(|(o, d)| o.to_f64().abs() * (mean + d.to_f64().abs()))
        .sum::<f64>()
        + cost.abs();
    let model = ROUNDING_MODEL_FACTOR * u * scale;
    // The measurement: J(θ + δ) + J(θ − δ) − 2J(θ) for δ of one or two ulps per parameter.
    let mut rng = Rng::new(0x0067_7261_6463_686b); // "gradchk"
    let (mut plus, mut minus) = (net.clone(), net.clone());
    let mut measured = 0.0f64;
    for _ in 0..NOISE_PAIRS {
        let blocks = net.blocks().flatten();
        let probes = plus
            .blocks_mut()
            .flatten()
            .zip(minus.blocks_mut().flatten());
        for (theta, (p, m)) in blocks.zip(probes) {
            let ulps = (1 + rng.below(2)) as f64 * T::EPSILON.to_f64();
            let delta = theta.to_f64() * ulps;
            *p = T::from_f64(theta.to_f64() + delta);
            *m = T::from_f64(theta.to_f64() - delta);
        }
        let sum =
            network::cost(&plus, loss, x, y).to_f64() + network::cost(&minus, loss, x, y).to_f64();
        measured = measured.max((sum - 2.0 * cost).abs());
    }
    if measured.is_nan() || model.is_nan() {
        f64::NAN
    } else {
        model.max(measured)
    }
}

/// One parameter's finite-difference estimate: `ĝₖ`, the bound on its own error, the
/// step `hₖ` taken, and whether a kink dominated the bound.
#[derive(Clone, Copy)]
struct Entry {
    gradient: f64,
    error: f64,
    #[cfg_attr(not(feature = "std"), allow(dead_code))]
    step: f64,
    kink: bool,
}

/// The estimates of every parameter, one at a time and in order (nothing is stored, so
/// the check runs without an allocator), and the relative tolerance `r`.
fn entries<'a, T, N, L, const I: usize, const O: usize, const M: usize>(
    net: &'a N,
    loss: &'a L,
    x: &'a Matrix<T, I, M>,
    y: &'a Matrix<T, O, M>,
    options: &Options,
) -> (impl Iterator<Item = Entry> + 'a, f64)
where
    T: Scalar,
    N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>,
    L: Loss<T>,
{
    let u = T::EPSILON.to_f64() / 2.0;
    let eps = options.step.unwrap_or(cbrt(u));
    let relative = options.relative_tolerance.unwrap_or(Scalar::sqrt(u));
    let j0 = network::cost(net, loss, x, y).to_f64();
    let rounding = rounding_bound(net, loss, x, y, j0);
    let mut probe = net.clone();
    let each = (0..net.parameter_count()).map(move |k| {
        let theta = net.parameter(k).unwrap_or(T::ZERO);
        let h = eps * theta.to_f64().abs().max(1.0);
        let (s1p, j1p) = cost_at(&mut probe, loss, x, y, k, theta, h);
        let (s1m, j1m) = cost_at(&mut probe, loss, x, y, k, theta, -h);
        let (s2p, j2p) = cost_at(&mut probe, loss, x, y, k, theta, 2.0 * h);
        let (s2m, j2m) = cost_at(&mut probe, loss, x, y, k, theta, -2.0 * h);
        probe.set_parameter(k, theta);
        let (s1m, s2m) = (-s1m, -s2m); // the backward steps, as positive lengths

        let central = (j1p - j1m) / (s1p + s1m); //      ĝₖ(h)
        let central2 = (j2p - j2m) / (s2p + s2m); //    ĝₖ(2h)
        let curvature = (j1p - j0) / s1p - (j0 - j1m) / s1m; //   f₁ − b₁
        let curvature2 = (j2p - j0) / s2p - (j0 - j2m) / s2m; //  f₂ − b₂
        let step = (s1p + s1m) / 2.0;
        let noise = rounding / (2.0 * step);
        let truncation = (central - central2).abs();
        let kink = 2.0 * (2.0 * curvature - curvature2).abs() / 4.0;
        Entry {
            gradient: central,
            error: SAFETY * (noise + truncation + kink),
            step,
            kink: kink > KINK_OVER_NOISE * noise && kink > truncation,
        }
    });
    (each, relative)
}

/// `∛u`: the standard library's, or [`cbrt_f64`](crate::scalar::math::cbrt_f64) without.
fn cbrt(u: f64) -> f64 {
    #[cfg(feature = "std")]
    return u.cbrt();
    #[cfg(not(feature = "std"))]
    return crate::scalar::math::cbrt_f64(u);
}

/// The finite-difference estimate of every partial derivative of the cost of `(x, y)`,
/// with each one's tolerance (see the module docs for the steps and the tolerance).
#[cfg(feature = "std")]
pub fn estimate<T, N, L, const I: usize, const O: usize, const M: usize>(
    net: &N,
    loss: &L,
    x: &Matrix<T, I, M>,
    y: &Matrix<T, O, M>,
    options: &Options,
) -> Estimate
where
    T: Scalar,
    N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>,
    L: Loss<T>,
{
    let (each, relative_tolerance) = entries(net, loss, x, y, options);
    let mut out = Estimate {
        gradient: Vec::new(),
        error: Vec::new(),
        step: Vec::new(),
        kink: Vec::new(),
        relative_tolerance,
    };
    for entry in each {
        out.gradient.push(entry.gradient);
        out.error.push(entry.error);
        out.step.push(entry.step);
        out.kink.push(entry.kink);
    }
    out
}

/// Compares backpropagation's gradients with central finite differences over every
/// parameter of `net`, for the batch `(x, y)`, with the steps and tolerances chosen as
/// the module docs describe.
///
/// ```
/// use backprop::gradcheck;
/// use backprop::network::SeedNetwork;
/// use backprop::{Matrix, SigmoidCrossEntropy};
///
/// let mut net = SeedNetwork::<f64>::default();
/// net.0.weights = Matrix::from_fn(|i, j| 0.3 + 0.1 * i as f64 - 0.05 * j as f64);
/// net.1.weights = Matrix::from_fn(|i, j| 0.2 - 0.1 * i as f64 + 0.07 * j as f64);
/// net.2.weights = Matrix::from_rows([[0.5, -0.4]]);
/// let x = Matrix::from_column([1.0, 2.0, 3.0]);
/// let y = Matrix::from_column([1.0]);
/// let report = gradcheck::check(&net, &SigmoidCrossEntropy, &x, &y);
/// assert!(report.passes(), "{report}");
/// assert_eq!(report.parameters, 29);
/// ```
pub fn check<T, N, L, const I: usize, const O: usize, const M: usize>(
    net: &N,
    loss: &L,
    x: &Matrix<T, I, M>,
    y: &Matrix<T, O, M>,
) -> GradientCheck
where
    T: Scalar,
    N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>,
    L: Loss<T>,
{
    check_with(net, loss, x, y, &Options::default())
}

/// [`check`] with the step or the relative tolerance set by hand.
pub fn check_with<T, N, L, const I: usize, const O: usize, const M: usize>(
    net: &N,
    loss: &L,
    x: &Matrix<T, I, M>,
    y: &Matrix<T, O, M>,
    options: &Options,
) -> GradientCheck
where
    T: Scalar,
    N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>,
    L: Loss<T>,
{
    let mut analytic = N::default();
    network::gradients(net, loss, x, y, &mut analytic);
    let (each, relative_tolerance) = entries(net, loss, x, y, options);
    compare_entries(&analytic, each, relative_tolerance)
}

/// Compares a gradient `g` (backpropagation's, or any other) with a finite-difference
/// [`Estimate`] of the same network: each `|gₖ − ĝₖ|` against
/// `tolₖ = errorₖ + r · (|gₖ| + |ĝₖ|)`, and the relative error over all parameters.
///
/// # Panics
/// If the estimate does not have one entry per parameter of `analytic`.
#[cfg(feature = "std")]
pub fn compare<T: Scalar, N: Parameters<T>>(analytic: &N, estimate: &Estimate) -> GradientCheck {
    assert_eq!(
        analytic.parameter_count(),
        estimate.gradient.len(),
        "the estimate must have one entry per parameter"
    );
    let each = (0..estimate.gradient.len()).map(|k| Entry {
        gradient: estimate.gradient[k],
        error: estimate.error[k],
        step: estimate.step[k],
        kink: estimate.kink[k],
    });
    compare_entries(analytic, each, estimate.relative_tolerance)
}
