//! # Cost and gradients against a 50-digit reference
//!
//! Proves that for the seed network ([`SeedNetwork`], trained with [`SeedLoss`] on the
//! logit `z[3]`) the crate's cost `J` [C2, C6] and all 29 partial derivatives [S1–S5]
//! agree with the exact values, computed independently at 50 significant digits, to
//! within a few roundings, on cases built to be hard for floating point:
//!
//! * saturated logits, `|z[3]|` from 20 to 700 in `f64` and 20 to 80 in `f32`, of both
//!   signs and both labels, where `δ[3] = σ(z) − y` [L3.6] is about `e^(−|z|)` for a
//!   correctly classified example and the cost is as small;
//! * ReLU units whose pre-activation is exactly 0 in floating point, where the crate's
//!   `g'(0) = 0` [L2.4] must give exactly-zero gradients;
//! * batches of 8 columns with mixed labels, some saturated [S5].
//!
//! The reference is `tests/reference/high_precision.py` (mpmath, 50 digits). It computes
//! the forward pass, the softplus form of the cross-entropy and backpropagation exactly
//! on the very numbers the crate reads, checks `δ[3]` against a cancellation-free form
//! and all 29 gradients against 50-digit central differences, and writes the cases to
//! `tests/reference/high_precision_cases.rs` (rerun it as its docstring says; no Python
//! is needed to run this test).
//!
//! Two kinds of cases:
//!
//! * `random`: parameters and inputs with full 53-bit mantissas (`f64` only). The
//!   crate's forward sums round, so `z[3]` carries an absolute error of a few `u · Σ|W a|`;
//!   at saturation `δ[3] ≈ e^(−|z|)` turns it into a relative error of the same size
//!   (`d ln e^(−|z|) / dz = ∓1`), a few `|z[3]| · u`: 1.9e-13 measured at `|z[3]| = 700`,
//!   in the gradients and in the cost alike. That is the conditioning of the problem, not
//!   an error of backpropagation, and it stays inside [`F64_RELATIVE`]. The script keeps
//!   only draws whose forward sums and the 2-term sums of `δ[1]` cancel by a factor of at
//!   most 8.
//! * `dyadic`: parameters and inputs on a coarse grid (multiples of 1/8 or 1/16), so that
//!   the forward pass is exact in the case's type (the script proves it). Only these
//!   can place a pre-activation at exactly 0, and they leave the loss and backward pass
//!   as the only source of error: all `f32` cases are of this kind. With full 24-bit
//!   inputs (same screening) the rounding of `z = W a + b` alone, amplified by
//!   cancellation (up to the factor `Σ|W a| / |z|`) and at saturation by `|z[3]|`, was
//!   measured at 4.6 `f32::EPSILON` for moderate logits and 71 `f32::EPSILON` (gradients
//!   and cost) at `|z[3]| = 80`: a bound that grows with `|z[3]|`, not a few ulps, and
//!   not an error of the crate either, since its loss and backward pass are exact to
//!   about 1 `f32::EPSILON` on the same logits when `z` is exact (below).
//!
//! An element whose reference is exactly 0 (a unit with `g'(z) = 0`, or an input `a = 0`,
//! in every column) must come out exactly `0.0` (or `-0.0`): the crate multiplies by an
//! exact zero there, so any other value is a wrong term, not a rounding. Every other
//! element is compared relative to its reference, or for batches relative to the largest
//! magnitude of its block (a column sum of terms of both signs may cancel).

#[path = "reference/high_precision_cases.rs"]
mod cases;

use backprop::network::{self, SeedLoss, SeedNetwork};
use backprop::{Matrix, Parameters, Scalar};

/// One case, as the script writes it. `x` is row-major (3, m); parameter and gradient
/// blocks are row-major, in the order W[1], b[1], W[2], b[2], W[3], b[3]. The expected
/// values are the nearest `f64` to the 50-digit reference, also for `f32` cases.
pub struct Case<T: 'static> {
    name: &'static str,
    family: &'static str,
    x: &'static [T],
    y: &'static [T],
    z3: &'static [f64],
    params: [&'static [T]; 6],
    cost: f64,
    grads: [&'static [f64]; 6],
}

// ===== Tolerances =====================================================================

/// f64, one example: relative error per gradient element. The crate's result is some 10
/// roundings deep (u = 1.1e-16 each), times the forward-sum conditioning of `random`
/// cases (≤ 8, and a few |z[3]| · u at saturation, see above); measured ≤ 1.9e-13.
const F64_RELATIVE: f64 = 1e-12;
/// f64, batches of 8: error per gradient element relative to its block's largest
/// magnitude; a column sum of 8 terms of either sign adds ≤ 7 u of it; measured ≤ 4.8e-15.
const F64_BATCH_OF_BLOCK_MAX: f64 = 1e-13;
/// f64 cost where the forward pass is exact (`dyadic`): relative error in units of
/// `f64::EPSILON`; `e^(−|z|)`, `ln_1p`, the sum and `1/m` round a few times; measured ≤ 0.7.
const F64_COST_EXACT_FORWARD_EPS: f64 = 4.0;
/// f64 cost of `random` cases: `J` inherits the relative error of `z[3]` times
/// `|z| · |dJ/dz| / J` ≤ max(1, |z|) (a few |z| · u at saturation), like the gradients;
/// measured ≤ 1.9e-13 (at `z[3]` = −700, `J` = 9.9e-305).
const F64_COST_RANDOM: f64 = F64_RELATIVE;
/// f32 (forward pass exact), one example: relative error per gradient element in units
/// of `f32::EPSILON`: `e^(−|z|)`, `σ`, ≤ 4 products and one 2-term sum in the backward
/// pass; measured ≤ 1.2.
const F32_EPS: f64 = 4.0;
/// f32, batches of 8: error per element in units of `f32::EPSILON` times its block's
/// largest magnitude (the single-example bound plus ≤ 7 roundings of the column sum);
/// measured ≤ 3.8.
const F32_BATCH_OF_BLOCK_MAX_EPS: f64 = 16.0;
/// f32 cost (forward pass exact): relative error in units of `f32::EPSILON`, as for f64;
/// measured ≤ 1.0.
const F32_COST_EPS: f64 = 4.0;

/// How many violations a failing test prints in full.
const MAX_REPORTED: usize = 12;

const BLOCKS: [&str; 6] = ["dW[1]", "db[1]", "dW[2]", "db[2]", "dW[3]", "db[3]"];
const BLOCK_COLUMNS: [usize; 6] = [3, 1, 4, 1, 2, 1];

// ===== Running a case ===================================================================

/// How an element's error is measured and bounded.
#[derive(Clone, Copy)]
enum Bound {
    /// `|got − want| ≤ tol · |want|`.
    Relative(f64),
    /// `|got − want| ≤ tol · max |want| over the block`.
    OfBlockMax(f64),
}

/// The largest error seen over a family, and where.
#[derive(Default)]
struct Worst {
    error: f64,
    at: String,
}

impl Worst {
    fn see(&mut self, error: f64, at: impl FnOnce() -> String) {
        if error > self.error || self.at.is_empty() {
            self.error = self.error.max(error);
            self.at = at();
        }
    }
}

/// The crate's cost (from `cost_and_gradients` and from `cost`) and gradients (from
/// `cost_and_gradients` and from `gradients`) for a case, as `f64`.
struct Crate {
    costs: [(&'static str, f64); 2],
    grads: [(&'static str, Vec<Vec<f64>>); 2],
}

fn run<T: Scalar, const M: usize>(case: &Case<T>) -> Crate {
    let mut net = SeedNetwork::<T>::default();
    for (block, values) in net.blocks_mut().zip(case.params) {
        block.copy_from_slice(values);
    }
    let x = Matrix::<T, 3, M>::try_from_slice(case.x).expect("x is (3, m)");
    let y = Matrix::<T, 1, M>::try_from_slice(case.y).expect("y is (1, m)");
    let loss = SeedLoss::default();
    let mut fused = SeedNetwork::<T>::default();
    let j = network::cost_and_gradients(&net, &loss, &x, &y, &mut fused);
    let mut plain = SeedNetwork::<T>::default();
    network::gradients(&net, &loss, &x, &y, &mut plain);
    let as_f64 = |g: &SeedNetwork<T>| -> Vec<Vec<f64>> {
        g.blocks()
            .map(|b| b.iter().map(|v| v.to_f64()).collect())
            .collect()
    };
    Crate {
        costs: [
            ("cost_and_gradients", j.to_f64()),
            ("cost", network::cost(&net, &loss, &x, &y).to_f64()),
        ],
        grads: [
            ("cost_and_gradients", as_f64(&fused)),
            ("gradients", as_f64(&plain)),
        ],
    }
}

/// Checks every gradient element of every case of `family` (all families if `None`)
/// against the reference, and the cost; prints the largest errors and panics with every
/// violation.
fn check<T: Scalar, const M: usize>(
    cases: &[Case<T>],
    family: Option<&str>,
    grad_bound: Bound,
    cost_bound: impl Fn(&Case<T>) -> f64,
    unit: f64,
) {
    let chosen: Vec<&Case<T>> = cases
        .iter()
        .filter(|c| family.is_none_or(|f| c.family == f))
        .collect();
    assert!(!chosen.is_empty(), "no case of family {family:?}");
    let (mut worst_grad, mut worst_cost) = (Worst::default(), Worst::default());
    let mut failures = Vec::new();
    for case in chosen {
        assert_eq!(case.y.len(), M, "{}: columns", case.name);
        let out = run::<T, M>(case);
        for (via, got_blocks) in &out.grads {
            for (k, (got_block, want_block)) in got_blocks.iter().zip(case.grads).enumerate() {
                assert_eq!(
                    got_block.len(),
                    want_block.len(),
                    "{} {}",
                    case.name,
                    BLOCKS[k]
                );
                let block_max = want_block.iter().fold(0.0f64, |m, v| m.max(v.abs()));
                for (e, (&got, &want)) in got_block.iter().zip(want_block).enumerate() {
                    let (i, j) = (e / BLOCK_COLUMNS[k] + 1, e % BLOCK_COLUMNS[k] + 1);
                    let at = || {
                        format!(
                            "{} [{via}] {}({i},{j}): crate {got:e}, reference {want:e}",
                            case.name, BLOCKS[k]
                        )
                    };
                    if want == 0.0 {
                        if got != 0.0 {
                            failures.push(format!("{}: reference is exactly 0", at()));
                        }
                        continue;
                    }
                    let (error, tol) = match grad_bound {
                        Bound::Relative(tol) => ((got - want).abs() / want.abs(), tol),
                        Bound::OfBlockMax(tol) => ((got - want).abs() / block_max, tol),
                    };
                    worst_grad.see(error / unit, at);
                    if error.is_nan() || error > tol {
                        failures.push(format!(
                            "{}: error {error:.3e} (tolerance {tol:e}, z[3] = {:?})",
                            at(),
                            case.z3
                        ));
                    }
                }
            }
        }
        for (via, got) in out.costs {
            let want = case.cost;
            let error = (got - want).abs() / want.abs();
            let tol = cost_bound(case);
            let at = || format!("{} [{via}] J: crate {got:e}, reference {want:e}", case.name);
            worst_cost.see(error / unit, at);
            if error.is_nan() || error > tol {
                failures.push(format!(
                    "{}: relative error {error:.3e} (tolerance {tol:e})",
                    at()
                ));
            }
        }
    }
    let unit_name = if unit == 1.0 { "" } else { " ε" };
    let family = family.unwrap_or("all batches");
    println!(
        "{family} ({}): largest gradient error {:.3e}{unit_name} at {}",
        core::any::type_name::<T>(),
        worst_grad.error,
        worst_grad.at
    );
    println!(
        "{family} ({}): largest cost error {:.3e}{unit_name} at {}",
        core::any::type_name::<T>(),
        worst_cost.error,
        worst_cost.at
    );
    // Every failing case by name, then the first violations in full.
    let mut failing: Vec<&str> = failures
        .iter()
        .map(|f| f.split(' ').next().unwrap_or(""))
        .collect();
    failing.dedup();
    assert!(
        failures.is_empty(),
        "{} value(s) out of tolerance, in {}\n{}",
        failures.len(),
        failing.join(", "),
        failures[..failures.len().min(MAX_REPORTED)].join("\n")
    );
}

/// The cost tolerance for an f64 case: tight where the forward pass is exact.
fn f64_cost_tolerance(case: &Case<f64>) -> f64 {
    if case.family == "saturated_exact_forward" || case.family == "relu_zero" {
        F64_COST_EXACT_FORWARD_EPS * f64::EPSILON
    } else {
        F64_COST_RANDOM
    }
}

fn f32_cost_tolerance(_: &Case<f32>) -> f64 {
    F32_COST_EPS * f64::from(f32::EPSILON)
}

// ===== f64 ================================================================================

#[test]
fn f64_moderate_logits_cost_and_29_gradients_within_1e_12_relative_s1_s3_c2() {
    check::<f64, 1>(
        cases::F64_SINGLE,
        Some("moderate"),
        Bound::Relative(F64_RELATIVE),
        f64_cost_tolerance,
        1.0,
    );
}

#[test]
fn f64_saturated_logits_20_to_700_cost_and_29_gradients_within_1e_12_relative_l3_6() {
    check::<f64, 1>(
        cases::F64_SINGLE,
        Some("saturated"),
        Bound::Relative(F64_RELATIVE),
        f64_cost_tolerance,
        1.0,
    );
}

#[test]
fn f64_saturated_logits_exact_forward_cost_within_4_eps_and_gradients_within_1e_12_l3_6_c2() {
    check::<f64, 1>(
        cases::F64_SINGLE,
        Some("saturated_exact_forward"),
        Bound::Relative(F64_RELATIVE),
        f64_cost_tolerance,
        1.0,
    );
}

#[test]
fn f64_relu_pre_activation_exactly_zero_gives_exactly_zero_gradients_l2_4() {
    check::<f64, 1>(
        cases::F64_SINGLE,
        Some("relu_zero"),
        Bound::Relative(F64_RELATIVE),
        f64_cost_tolerance,
        1.0,
    );
}

#[test]
fn f64_batches_of_8_gradients_within_1e_13_of_block_max_and_cost_s5_c6() {
    check::<f64, 8>(
        cases::F64_BATCH,
        None,
        Bound::OfBlockMax(F64_BATCH_OF_BLOCK_MAX),
        f64_cost_tolerance,
        1.0,
    );
}

// ===== f32 ================================================================================

#[test]
fn f32_moderate_logits_cost_and_29_gradients_within_4_eps_relative_s1_s3_c2() {
    check::<f32, 1>(
        cases::F32_SINGLE,
        Some("moderate"),
        Bound::Relative(F32_EPS * f64::from(f32::EPSILON)),
        f32_cost_tolerance,
        f64::from(f32::EPSILON),
    );
}

#[test]
fn f32_saturated_logits_20_to_80_cost_and_29_gradients_within_4_eps_relative_l3_6() {
    check::<f32, 1>(
        cases::F32_SINGLE,
        Some("saturated"),
        Bound::Relative(F32_EPS * f64::from(f32::EPSILON)),
        f32_cost_tolerance,
        f64::from(f32::EPSILON),
    );
}

#[test]
fn f32_relu_pre_activation_exactly_zero_gives_exactly_zero_gradients_l2_4() {
    check::<f32, 1>(
        cases::F32_SINGLE,
        Some("relu_zero"),
        Bound::Relative(F32_EPS * f64::from(f32::EPSILON)),
        f32_cost_tolerance,
        f64::from(f32::EPSILON),
    );
}

#[test]
fn f32_batches_of_8_gradients_within_16_eps_of_block_max_and_cost_s5_c6() {
    check::<f32, 8>(
        cases::F32_BATCH,
        None,
        Bound::OfBlockMax(F32_BATCH_OF_BLOCK_MAX_EPS * f64::from(f32::EPSILON)),
        f32_cost_tolerance,
        f64::from(f32::EPSILON),
    );
}

// ===== The cases themselves ===============================================================

#[test]
fn cases_cover_saturation_to_700_in_f64_and_80_in_f32_both_labels_relu_zeros_and_batches() {
    let reach = |cases: &[Case<f64>], sign: f64, y: f64| {
        cases
            .iter()
            .filter(|c| c.y[0] == y && c.z3[0] * sign > 0.0)
            .fold(0.0f64, |m, c| m.max(c.z3[0].abs()))
    };
    for sign in [1.0, -1.0] {
        for y in [0.0, 1.0] {
            assert!(reach(cases::F64_SINGLE, sign, y) >= 699.0, "f64 {sign} {y}");
        }
    }
    for sign in [1.0f32, -1.0] {
        for y in [0.0f32, 1.0] {
            let most = cases::F32_SINGLE
                .iter()
                .filter(|c| c.y[0] == y && c.z3[0] * f64::from(sign) > 0.0)
                .fold(0.0f64, |m, c| m.max(c.z3[0].abs()));
            assert!(most >= 79.0, "f32 {sign} {y}");
        }
    }
    // Exact zeros in the reference: ReLU units at the kink or inactive.
    let zeros = |grads: &[&[f64]; 6]| {
        grads
            .iter()
            .flat_map(|b| b.iter())
            .filter(|v| **v == 0.0)
            .count()
    };
    assert!(
        cases::F64_SINGLE
            .iter()
            .any(|c| c.family == "relu_zero" && zeros(&c.grads) > 0)
    );
    assert!(
        cases::F32_SINGLE
            .iter()
            .any(|c| c.family == "relu_zero" && zeros(&c.grads) > 0)
    );
    for batch in cases::F64_BATCH {
        assert!(
            batch.y.contains(&0.0) && batch.y.contains(&1.0),
            "{}",
            batch.name
        );
    }
    for batch in cases::F32_BATCH {
        assert!(
            batch.y.contains(&0.0) && batch.y.contains(&1.0),
            "{}",
            batch.name
        );
    }
}
