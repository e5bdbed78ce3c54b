//! The report of a gradient check: backpropagation's gradient against the finite
//! differences, parameter by parameter, each within its own tolerance.

use super::Entry;
use crate::error::Text;
use crate::params::Parameters;
use crate::scalar::Scalar;

/// The outcome of [`check`](super::check): whether backpropagation's gradient agrees with the finite
/// differences, and the parameter that agrees least.
#[derive(Clone, Debug, PartialEq)]
pub struct GradientCheck {
    /// `‖g − ĝ‖₂ / (‖g‖₂ + ‖ĝ‖₂)` over all parameters, and `0` when both are exactly zero.
    pub relative_error: f64,
    /// `‖tol‖₂ / (‖g‖₂ + ‖ĝ‖₂)`: the relative error a correct gradient may reach.
    pub relative_error_bound: f64,
    /// The number of parameters.
    pub parameters: usize,
    /// How many parameters have `|gₖ − ĝₖ| > tolₖ` (or a NaN).
    pub failures: usize,
    /// How many partial derivatives the finite differences resolve: `|ĝₖ| > tolₖ`.
    pub resolved: usize,
    /// How many parameters' tolerances were widened by a kink (a step straddling one).
    pub kinks: usize,
    /// The index (across all blocks, in order) of the parameter with the largest
    /// `|gₖ − ĝₖ| / tolₖ`.
    pub worst_index: usize,
    /// The seed's name of that parameter, such as `W[2](1, 3)`.
    pub worst_name: Text,
    /// Backpropagation's `gₖ` for that parameter.
    pub worst_analytic: f64,
    /// The finite-difference `ĝₖ` for that parameter.
    pub worst_numeric: f64,
    /// Its tolerance `tolₖ`.
    pub worst_tolerance: f64,
    /// Its `|gₖ − ĝₖ| / tolₖ`: at most 1 for every parameter when the check passes.
    pub worst_ratio: f64,
}

impl GradientCheck {
    /// `true` if every parameter's `|gₖ − ĝₖ|` is within its tolerance `tolₖ`.
    pub fn passes(&self) -> bool {
        self.failures == 0
    }
}

impl core::fmt::Display for GradientCheck {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "{}: {} of {} parameters outside their tolerance; worst {} (#{}): backprop {:.9e}, \
             finite differences {:.9e}, |difference| = {:.3} × tolerance {:.3e}; relative \
             error {:.3e} (a correct gradient may reach {:.3e}); {} partial derivatives \
             resolved above their tolerance, {} steps straddling a kink",
            if self.passes() { "passes" } else { "FAILS" },
            self.failures,
            self.parameters,
            self.worst_name,
            self.worst_index,
            self.worst_analytic,
            self.worst_numeric,
            self.worst_ratio,
            self.worst_tolerance,
            self.relative_error,
            self.relative_error_bound,
            self.resolved,
            self.kinks,
        )
    }
}

/// [`compare`] over estimates that come one at a time.
pub(super) fn compare_entries<T: Scalar, N: Parameters<T>>(
    analytic: &N,
    entries: impl Iterator<Item = Entry>,
    relative_tolerance: f64,
) -> GradientCheck {
    let (mut parameters, mut kinks) = (0, 0);
    let (mut diff2, mut a2, mut n2, mut tol2) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    let (mut failures, mut resolved, mut worst) = (0, 0, None::<(usize, f64, f64, f64, f64)>);
    for (k, (a, entry)) in analytic.blocks().flatten().zip(entries).enumerate() {
        let (a, n) = (a.to_f64(), entry.gradient);
        parameters += 1;
        kinks += usize::from(entry.kink);
        let difference = (a - n).abs();
        let tolerance = entry.error + relative_tolerance * (a.abs() + n.abs());
        diff2 += difference * difference;
        a2 += a * a;
        n2 += n * n;
        tol2 += tolerance * tolerance;
        // Written so that a NaN fails; a NaN ratio is always the worst.
        let within = difference <= tolerance;
        if !within {
            failures += 1;
        }
        if n.abs() > tolerance {
            resolved += 1;
        }
        let ratio = if difference == 0.0 {
            0.0
        } else {
            difference / tolerance
        };
        let worse = match worst {
            None => true,
            Some((_, _, _, _, r)) => !r.is_nan() && (ratio > r || ratio.is_nan()),
        };
        if worse {
            worst = Some((k, a, n, tolerance, ratio));
        }
    }
    let (worst_index, worst_analytic, worst_numeric, worst_tolerance, worst_ratio) =
        worst.unwrap_or((0, 0.0, 0.0, 0.0, 0.0));
    let scale = a2.sqrt() + n2.sqrt();
    let relative_error = if diff2 == 0.0 {
        0.0
    } else {
        diff2.sqrt() / scale
    };
    GradientCheck {
        relative_error,
        relative_error_bound: if scale == 0.0 {
            f64::INFINITY
        } else {
            tol2.sqrt() / scale
        },
        parameters,
        failures,
        resolved,
        kinks,
        worst_index,
        worst_name: analytic.parameter_name(worst_index).unwrap_or_default(),
        worst_analytic,
        worst_numeric,
        worst_tolerance,
        worst_ratio,
    }
}
