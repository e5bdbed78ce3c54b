//! Central finite differences, written without the crate's `gradcheck`, and the error
//! measure the proofs compare with.
//!
//! Every estimate here is the central difference
//!
//! ```text
//! ∂f/∂θₖ ≈ (f(θ + ε eₖ) − f(θ − ε eₖ)) / 2ε
//! ```
//!
//! in `f64` with `ε = 1e-6` ([`EPSILON`]). For a smooth `f` its error is the truncation
//! `ε²/6 · |f'''|` (about `1e-13` here) plus the rounding of the two evaluations,
//! about `u · |f| / ε ≈ 1e-16 · |f| / 1e-6 = 1e-10 · |f|` (`u = 2⁻⁵³`). Our costs and
//! outputs are at most a few hundred, so an estimate is good to about `1e-8` absolute,
//! and to about `1e-9` relative for gradients of order `0.1` or more.
//!
//! Included by each test file with `#[path = "support/fd.rs"] mod fd;`; each file uses
//! only part of it.

#![allow(dead_code)]

use backprop::{Matrix, Parameters};

/// The step of every central difference, `ε = 1e-6` (see the module docs for its error).
pub const EPSILON: f64 = 1e-6;

/// The relative error below which a backpropagated gradient is accepted against
/// finite differences, `‖g − ĝ‖₂ / (‖g‖₂ + ‖ĝ‖₂) < 1e-6`. The estimate itself is good to
/// about `1e-9` relative (module docs), so a correct gradient passes with three orders
/// of magnitude to spare, while a wrong one (a missing factor, a transposed index, a
/// sign) is off by a relative error of order 1.
pub const RELATIVE_TOLERANCE: f64 = 1e-6;

/// An absolute floor under which a difference is rounding, not a wrong gradient: the
/// rounding error of an estimate, `u · |f| / ε`, is below `1e-8` for `|f| ≤ 90`. Used only
/// where a gradient may vanish (every unit of a random ReLU layer dead), so that the
/// relative error of two near-zero vectors does not fail on noise.
pub const ABSOLUTE_FLOOR: f64 = 1e-8;

/// `(f(x + ε) − f(x − ε)) / 2ε`.
pub fn central(f: impl Fn(f64) -> f64, x: f64) -> f64 {
    (f(x + EPSILON) - f(x - EPSILON)) / (2.0 * EPSILON)
}

/// The gradient of a scalar `f` with respect to every entry of `m`, shaped like `m`.
pub fn gradient<const R: usize, const C: usize>(
    m: &Matrix<f64, R, C>,
    f: impl Fn(&Matrix<f64, R, C>) -> f64,
) -> Matrix<f64, R, C> {
    Matrix::from_fn(|i, j| {
        central(
            |v| {
                let mut probe = *m;
                probe[(i, j)] = v;
                f(&probe)
            },
            m[(i, j)],
        )
    })
}

/// The Jacobian `[∂fᵢ/∂θₖ]` of `f: R^(R·C) → R^N` at `m`, with `θ = vec(m)` taken row by
/// row [M1, M2]: an `(N, R·C)` matrix.
///
/// # Panics
/// If `RC ≠ R · C`.
pub fn jacobian<const N: usize, const R: usize, const C: usize, const RC: usize>(
    m: &Matrix<f64, R, C>,
    f: impl Fn(&Matrix<f64, R, C>) -> Matrix<f64, N, 1>,
) -> Matrix<f64, N, RC> {
    assert_eq!(
        RC,
        R * C,
        "the Jacobian has one column per entry of the argument"
    );
    let mut out = Matrix::zeros();
    for k in 0..RC {
        let (i, j) = (k / C, k % C);
        let at = |v: f64| {
            let mut probe = *m;
            probe[(i, j)] = v;
            f(&probe)
        };
        let column = (at(m[(i, j)] + EPSILON) - at(m[(i, j)] - EPSILON)) / (2.0 * EPSILON);
        out.set_column(k, &column);
    }
    out
}

/// The gradient of a scalar `f` with respect to every parameter of `p` (a layer or a
/// network), shaped like `p`: what backpropagation should return.
pub fn parameter_gradient<P: Parameters<f64>>(p: &P, f: impl Fn(&P) -> f64) -> P {
    let mut estimate = p.clone();
    let mut probe = p.clone();
    let count = p.parameter_count();
    for k in 0..count {
        let theta = p.parameter(k).expect("k < parameter_count");
        set(&mut probe, k, theta + EPSILON);
        let plus = f(&probe);
        set(&mut probe, k, theta - EPSILON);
        let minus = f(&probe);
        set(&mut probe, k, theta);
        set(&mut estimate, k, (plus - minus) / (2.0 * EPSILON));
    }
    estimate
}

/// Sets parameter `k` (counting across the blocks in order) to `value`.
///
/// # Panics
/// If `k` is out of range.
pub fn set<P: Parameters<f64>>(p: &mut P, k: usize, value: f64) {
    assert!(
        p.set_parameter(k, value),
        "parameter index {k} out of range"
    );
}

/// All parameters of `p` in order, as one vector.
pub fn flatten<P: Parameters<f64>>(p: &P) -> Vec<f64> {
    p.blocks().flatten().copied().collect()
}

/// `‖a − b‖₂ / (‖a‖₂ + ‖b‖₂)`, and `0` when both are exactly zero.
///
/// # Panics
/// If the lengths differ.
pub fn relative_error(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    let norm = |v: &mut dyn Iterator<Item = f64>| v.map(|x| x * x).sum::<f64>().sqrt();
    let diff = norm(&mut a.iter().zip(b).map(|(x, y)| x - y));
    let scale = norm(&mut a.iter().copied()) + norm(&mut b.iter().copied());
    if diff == 0.0 { 0.0 } else { diff / scale }
}

/// The largest `|a − b|` (NaN if either holds a NaN).
pub fn max_abs_difference(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, |m, d| {
            if d.is_nan() || m.is_nan() {
                f64::NAN
            } else {
                m.max(d)
            }
        })
}

/// `Ok` if `relative_error(analytic, numeric) < RELATIVE_TOLERANCE` (or, where a gradient
/// may vanish, the largest difference is below [`ABSOLUTE_FLOOR`] when `floor` is set);
/// otherwise a message naming `what` with both vectors. A NaN never passes.
pub fn agree(what: &str, analytic: &[f64], numeric: &[f64], floor: bool) -> Result<(), String> {
    let rel = relative_error(analytic, numeric);
    let abs = max_abs_difference(analytic, numeric);
    let ok = rel < RELATIVE_TOLERANCE || (floor && abs < ABSOLUTE_FLOOR);
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{what}: relative error {rel:e} (largest difference {abs:e})\n\
             analytic: {analytic:?}\nnumeric:  {numeric:?}"
        ))
    }
}

/// [`agree`] for two matrices of one shape, with no absolute floor; panics on failure.
#[track_caller]
pub fn assert_agree<const R: usize, const C: usize>(
    what: &str,
    analytic: &Matrix<f64, R, C>,
    numeric: &Matrix<f64, R, C>,
) {
    if let Err(message) = agree(what, analytic.as_slice(), numeric.as_slice(), false) {
        panic!("{message}");
    }
}

/// The smallest `|entry|` of `m` (`+∞` for an empty matrix): how close a pre-activation
/// comes to ReLU's kink at 0.
pub fn min_abs<const R: usize, const C: usize>(m: &Matrix<f64, R, C>) -> f64 {
    m.iter().fold(f64::INFINITY, |acc, v| acc.min(v.abs()))
}
