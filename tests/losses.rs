//! Losses: each `gradient` is the derivative of its `cost`, on random batches.
//!
//! [`Loss::gradient`] claims to be `∂J/∂output` for the mean cost `J = (1/m) Σᵢ L(ŷ(i), y(i))`
//! [C6], the `1/m` included. Here that is checked against central finite differences of
//! `cost` itself (`tests/support/fd.rs`, `f64`, `ε = 1e-6`) for all four losses, on
//! batches of 1 and 4 columns, together with:
//!
//! * each loss's value against its formula [C1, C2], and the cost as the mean [C6];
//! * the `1/m`: the gradient of a batch is each column's own gradient divided by `m` [S5];
//! * the cancellation [L3.6]: cross-entropy's `dJ/dŷ` [L3.2] times `σ'(z)` [L3.3] is the
//!   fused loss's `σ(z) − y`;
//! * softmax cross-entropy with two classes is sigmoid cross-entropy on the difference of
//!   the two logits;
//! * `cost_and_gradient`, which the fused loss computes in one loop, is `cost` and
//!   `gradient` bit for bit.
//!
//! Case counts are modest (48): the test profile is only `opt-level = 1`.

#[path = "support/fd.rs"]
mod fd;
#[allow(dead_code)]
#[path = "common/strategies.rs"]
mod strategies;

use backprop::activation::sigmoid;
use backprop::loss::softmax;
use backprop::{
    Activation, CrossEntropy, Loss, Matrix, Scalar, Sigmoid, SigmoidCrossEntropy,
    SoftmaxCrossEntropy, SquaredError,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use strategies::{matrix_from, matrix_in};

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(48)
}

/// `∂J/∂output` from `loss.gradient` against central differences of `loss.cost`, with the
/// relative tolerance of `fd` (1e-6; the estimate is good to about 1e-9 relative).
fn check_gradient<L: Loss<f64>, const N: usize, const M: usize>(
    loss: L,
    output: Matrix<f64, N, M>,
    target: Matrix<f64, N, M>,
) -> Result<(), TestCaseError> {
    let exact = loss.gradient(&output, &target);
    let numeric = fd::gradient(&output, |o| loss.cost(o, &target));
    fd::agree(
        &format!("{loss:?} gradient, {N}×{M}"),
        exact.as_slice(),
        numeric.as_slice(),
        true,
    )
    .map_err(TestCaseError::fail)
}

/// Targets whose columns are probability vectors (positive, summing to 1), the usual
/// targets of `SoftmaxCrossEntropy`, for which its gradient is `softmax(z) − y`.
fn distributions<const N: usize, const M: usize>() -> impl Strategy<Value = Matrix<f64, N, M>> {
    matrix_in::<N, M>(0.01..1.0).prop_map(|m| {
        let sums = m.column_sums();
        Matrix::from_fn(|i, j| m[(i, j)] / sums[(0, j)])
    })
}

/// Labels 0 or 1.
fn labels<const N: usize, const M: usize>() -> impl Strategy<Value = Matrix<f64, N, M>> {
    matrix_from(prop_oneof![Just(0.0), Just(1.0)])
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn c1_squared_error_gradient_is_the_derivative_of_its_cost(
        o1 in matrix_in::<3, 1>(-5.0..5.0), y1 in matrix_in::<3, 1>(-5.0..5.0),
        o4 in matrix_in::<3, 4>(-5.0..5.0), y4 in matrix_in::<3, 4>(-5.0..5.0),
    ) {
        check_gradient(SquaredError, o1, y1)?;
        check_gradient(SquaredError, o4, y4)?;
    }

    #[test]
    fn c2_cross_entropy_gradient_is_the_derivative_of_its_cost(
        // ŷ away from the clamp at ε and 1 − ε, where the loss is flat by construction.
        o1 in matrix_in::<1, 1>(0.02..0.98), y1 in labels::<1, 1>(),
        o4 in matrix_in::<2, 4>(0.02..0.98), y4 in matrix_in::<2, 4>(0.0..1.0),
    ) {
        check_gradient(CrossEntropy, o1, y1)?;
        check_gradient(CrossEntropy, o4, y4)?;
    }

    #[test]
    fn l3_6_sigmoid_cross_entropy_gradient_is_the_derivative_of_its_cost(
        z1 in matrix_in::<1, 1>(-8.0..8.0), y1 in labels::<1, 1>(),
        z4 in matrix_in::<1, 4>(-8.0..8.0), y4 in matrix_in::<1, 4>(0.0..1.0),
    ) {
        check_gradient(SigmoidCrossEntropy, z1, y1)?;
        check_gradient(SigmoidCrossEntropy, z4, y4)?;
    }

    #[test]
    fn softmax_cross_entropy_gradient_is_the_derivative_of_its_cost(
        z1 in matrix_in::<3, 1>(-8.0..8.0), y1 in distributions::<3, 1>(),
        z4 in matrix_in::<3, 4>(-8.0..8.0), y4 in distributions::<3, 4>(),
    ) {
        check_gradient(SoftmaxCrossEntropy, z1, y1)?;
        check_gradient(SoftmaxCrossEntropy, z4, y4)?;
    }

    #[test]
    fn softmax_cross_entropy_gradient_is_exact_for_targets_that_do_not_sum_to_one(
        // Any non-negative target: the gradient is softmax(z) Σₖ yₖ − y.
        z in matrix_in::<3, 4>(-8.0..8.0), y in matrix_in::<3, 4>(0.0..2.0),
    ) {
        check_gradient(SoftmaxCrossEntropy, z, y)?;
    }

    #[test]
    fn c2_losses_are_the_formulas_column_by_column_and_c6_cost_is_their_mean(
        p in matrix_in::<2, 4>(0.02..0.98), y in matrix_in::<2, 4>(0.0..1.0),
        z in matrix_in::<2, 4>(-8.0..8.0),
    ) {
        // Per-entry formulas written out here; a handful of roundings each, so 1e-14
        // absolute on losses below 10 (4 roundings ≈ 5e-15 relative would already do).
        let squared = SquaredError.losses(&p, &y);
        let cross = CrossEntropy.losses(&p, &y);
        let fused = SigmoidCrossEntropy.losses(&z, &y);
        for j in 0..4 {
            let (mut sq, mut ce, mut fu) = (0.0, 0.0, 0.0);
            for i in 0..2 {
                let (pp, yy, zz) = (p[(i, j)], y[(i, j)], z[(i, j)]);
                sq += 0.5 * (pp - yy) * (pp - yy); // [C1]
                ce += -(yy * pp.ln() + (1.0 - yy) * (1.0 - pp).ln()); // [C2]
                // C2 at ŷ = σ(z), in the form log(1 + e^z) − z y (no cancellation for |z| ≤ 8).
                fu += zz.exp().ln_1p() - zz * yy;
            }
            prop_assert!((squared[(0, j)] - sq).abs() <= 1e-14);
            prop_assert!((cross[(0, j)] - ce).abs() <= 1e-14);
            prop_assert!((fused[(0, j)] - fu).abs() <= 1e-14);
        }
        // J = (1/m) Σ L [C6]: the same sum divided by 4 (a power of two): exact.
        prop_assert_eq!(CrossEntropy.cost(&p, &y), cross.sum() / 4.0);
        prop_assert_eq!(SquaredError.cost(&p, &y), squared.sum() / 4.0);
    }

    #[test]
    fn s5_batch_gradient_is_each_columns_own_gradient_divided_by_m(
        z in matrix_in::<3, 4>(-8.0..8.0), y in distributions::<3, 4>(),
        p in matrix_in::<3, 4>(0.02..0.98), t in matrix_in::<3, 4>(0.0..1.0),
    ) {
        // Dividing by m = 4 is exact, so the batch's column j equals column j's own
        // gradient (where m = 1) divided by 4, bit for bit.
        fn per_column<L: Loss<f64>>(loss: L, o: &Matrix<f64, 3, 4>, y: &Matrix<f64, 3, 4>)
            -> Result<(), TestCaseError> {
            let batch = loss.gradient(o, y);
            for j in 0..4 {
                let single = loss.gradient(&o.column(j), &y.column(j));
                prop_assert_eq!(batch.column(j), single / 4.0, "{:?}, column {}", loss, j);
            }
            Ok(())
        }
        per_column(SquaredError, &p, &t)?;
        per_column(CrossEntropy, &p, &t)?;
        per_column(SigmoidCrossEntropy, &z, &t)?;
        per_column(SoftmaxCrossEntropy, &z, &y)?;
    }

    #[test]
    fn l3_6_cross_entropy_gradient_times_sigma_prime_is_the_fused_sigma_minus_y(
        z in matrix_in::<1, 4>(-8.0..8.0), y in matrix_in::<1, 4>(0.0..1.0),
    ) {
        // dJ/da[3] [L3.2] ⊙ σ'(z[3]) [L3.3] = σ(z) − y (over m) [L3.6]. The unfused side
        // divides by ŷ(1 − ŷ) and multiplies it back: relative error a few u / min(ŷ, 1 − ŷ)
        // from the rounding of 1 − ŷ, at most 4u / σ(−8) ≈ 3e-12 on this range.
        let a = z.map(sigmoid);
        let unfused = CrossEntropy.gradient(&a, &y).zip_map(&z, |g, z| g * Sigmoid.derivative(z));
        let fused = SigmoidCrossEntropy.gradient(&z, &y);
        for j in 0..4 {
            let scale = a[(0, j)].min(1.0 - a[(0, j)]);
            let bound = 4.0 * f64::EPSILON / scale;
            prop_assert!((unfused[(0, j)] - fused[(0, j)]).abs() <= bound,
                "column {}: {} vs {}", j, unfused[(0, j)], fused[(0, j)]);
        }
        // The fused side is computed as (1 − y) σ(z) − y σ(−z), equal to σ(z) − y with
        // σ(−z) = 1 − σ(z), bit for bit that formula, and within 4 roundings of the
        // textbook a − y (both are below 2 in magnitude).
        prop_assert_eq!(fused, z.zip_map(&y, |z, y| ((1.0 - y) * sigmoid(z) - y * sigmoid(-z)) / 4.0));
        for (f, t) in fused.iter().zip(((a - y) / 4.0).iter()) {
            prop_assert!((f - t).abs() <= 4.0 * f64::EPSILON, "{} vs {}", f, t);
        }
    }

    #[test]
    fn softmax_with_two_classes_is_sigmoid_of_the_logit_difference(
        z in matrix_in::<2, 4>(-8.0..8.0), t in matrix_in::<1, 4>(0.0..1.0),
    ) {
        // Two classes with logits (z₀, z₁) and targets (1 − t, t), t ∈ [0, 1], against one
        // logit d = z₁ − z₀ and target t:
        //   softmax(z)₁ = σ(d),   L_softmax(z, (1 − t, t)) = L_sigmoid(d, t),
        //   ∂J/∂z = (−δ, +δ) with δ = ∂J/∂d = σ(d) − t (over m).
        // Each side takes a few roundings of values below 20: 1e-13 absolute.
        let d = Matrix::<f64, 1, 4>::from_fn(|_, j| z[(1, j)] - z[(0, j)]);
        let y = Matrix::<f64, 2, 4>::from_fn(|i, j| if i == 1 { t[(0, j)] } else { 1.0 - t[(0, j)] });
        let p = softmax(&z);
        let soft_losses = SoftmaxCrossEntropy.losses(&z, &y);
        let sig_losses = SigmoidCrossEntropy.losses(&d, &t);
        let soft_grad = SoftmaxCrossEntropy.gradient(&z, &y);
        let sig_grad = SigmoidCrossEntropy.gradient(&d, &t);
        for j in 0..4 {
            prop_assert!((p[(1, j)] - sigmoid(d[(0, j)])).abs() <= 1e-15);
            prop_assert!((soft_losses[(0, j)] - sig_losses[(0, j)]).abs() <= 1e-13);
            prop_assert!((soft_grad[(1, j)] - sig_grad[(0, j)]).abs() <= 1e-15);
            prop_assert!((soft_grad[(0, j)] + sig_grad[(0, j)]).abs() <= 1e-15);
        }
        prop_assert!((SoftmaxCrossEntropy.cost(&z, &y) - SigmoidCrossEntropy.cost(&d, &t)).abs() <= 1e-13);
    }

    #[test]
    fn predict_is_the_identity_sigma_or_softmax(z in matrix_in::<3, 4>(-8.0..8.0)) {
        prop_assert_eq!(SquaredError.predict(&z), z);
        prop_assert_eq!(CrossEntropy.predict(&z), z);
        prop_assert_eq!(SigmoidCrossEntropy.predict(&z), z.map(sigmoid));
        let p = SoftmaxCrossEntropy.predict(&z);
        prop_assert_eq!(p, softmax(&z));
        for j in 0..4 {
            // Three terms in (0, 1] divided by their sum: within 3 roundings of 1.
            prop_assert!((p.column(j).sum() - 1.0).abs() <= 4.0 * f64::EPSILON);
        }
    }

    #[test]
    fn cost_and_gradient_is_cost_and_gradient_bit_for_bit(
        z in matrix_in::<2, 9>(-40.0..40.0),
        y in labels::<2, 9>(),
        p in distributions::<2, 9>(),
        z10 in matrix_in::<10, 9>(-40.0..40.0),
        p10 in distributions::<10, 9>(),
    ) {
        // 9 columns: the cost's sum over the columns takes the 8-partial-sum path.
        fn same<L: Loss<T>, T: Scalar, const N: usize, const M: usize>(
            loss: L,
            out: &Matrix<T, N, M>,
            y: &Matrix<T, N, M>,
        ) -> Result<(), TestCaseError> {
            let (cost, grad) = loss.cost_and_gradient(out, y);
            prop_assert_eq!(cost.to_bits_u64(), loss.cost(out, y).to_bits_u64());
            let want = loss.gradient(out, y);
            for (g, w) in grad.iter().zip(want.iter()) {
                prop_assert_eq!(g.to_bits_u64(), w.to_bits_u64());
            }
            Ok(())
        }
        same(SquaredError, &z, &y)?;
        same(CrossEntropy, &p, &y)?;
        same(SigmoidCrossEntropy, &z, &y)?;
        same(SoftmaxCrossEntropy, &z, &y)?;
        // ten classes, with soft targets (each column a distribution), in f64 and f32:
        // the fused softmax reuses each column's exponentials for the gradient
        same(SoftmaxCrossEntropy, &z10, &p10)?;
        let z10_32: Matrix<f32, 10, 9> = Matrix::from_fn(|i, j| z10[(i, j)] as f32);
        let p10_32: Matrix<f32, 10, 9> = Matrix::from_fn(|i, j| p10[(i, j)] as f32);
        same(SoftmaxCrossEntropy, &z10_32, &p10_32)?;
        // and in f32, where the fused loop of SigmoidCrossEntropy is what training runs
        let z32: Matrix<f32, 2, 9> = Matrix::from_fn(|i, j| z[(i, j)] as f32);
        let y32: Matrix<f32, 2, 9> = Matrix::from_fn(|i, j| y[(i, j)] as f32);
        same(SigmoidCrossEntropy, &z32, &y32)?;
        // one column, the per-example case
        let z1: Matrix<f32, 2, 1> = Matrix::from_fn(|i, _| z32[(i, 0)]);
        let y1: Matrix<f32, 2, 1> = Matrix::from_fn(|i, _| y32[(i, 0)]);
        same(SigmoidCrossEntropy, &z1, &y1)?;
    }
}
