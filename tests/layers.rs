//! Activations and dense layers: every local derivative the backward pass uses agrees with
//! central finite differences, on random inputs.
//!
//! * Each activation's `g'` [N5, L2.4, L3.3] against `(g(z + ε) − g(z − ε)) / 2ε`, away
//!   from the kink of ReLU and leaky ReLU.
//! * A dense layer's `backward` [S4] — `dW`, `db` and `∂J/∂input` — against finite
//!   differences of `J = ⟨U, layer(X)⟩` for a random upstream gradient `U` (so that
//!   `∂J/∂output = U` exactly), for layers 1 → 1, 3 → 5 and 7 → 2, batches of 1 and 4,
//!   and four activations.
//! * Over a batch, the bias is added to every column and the gradients are the sums of
//!   the columns' contributions [S5].
//!
//! Finite differences run in `f64` with `ε = 1e-6` (`tests/support/fd.rs`, whose docs
//! derive the error of an estimate). Case counts are kept modest (48) because the test
//! profile is only `opt-level = 1`.

#[path = "support/fd.rs"]
mod fd;
#[allow(dead_code)]
#[path = "common/strategies.rs"]
mod strategies;

use backprop::{Activation, Dense, Identity, Layer, LeakyRelu, Matrix, Relu, Sigmoid, Tanh};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use strategies::matrix_in;

/// The largest `|g'(z) − ĝ'(z)|` accepted for a scalar activation: the estimate's
/// rounding error is `u · |g| / ε ≤ 1.1e-16 · 8 / 1e-6 ≈ 1e-9` for `|z| ≤ 8`, and its
/// truncation `ε² |g'''| / 6 ≤ 1e-12`; `1e-8` leaves a factor of 10. A wrong derivative
/// (a missing factor, the wrong branch) is off by at least `1e-2` on these ranges.
const SCALAR_TOLERANCE: f64 = 1e-8;

/// How far from ReLU's kink a pre-activation must be for a difference quotient of the
/// layer to stay on one side: `ε` times the largest input or weight (≤ 2) is `2e-6`;
/// `1e-4` is fifty times that.
const KINK_MARGIN: f64 = 1e-4;

fn config() -> ProptestConfig {
    ProptestConfig::with_cases(48)
}

/// Checks `g'` against the central difference at `z`.
fn check_derivative<A: Activation<f64>>(g: A, z: f64) -> Result<(), TestCaseError> {
    let exact = g.derivative(z);
    let numeric = fd::central(|v| g.value(v), z);
    prop_assert!(
        (exact - numeric).abs() <= SCALAR_TOLERANCE,
        "{}'({z}) = {exact}, finite differences {numeric}",
        A::NAME
    );
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn l2_4_relu_derivative_agrees_with_finite_differences_away_from_the_kink(z in -8.0..8.0f64) {
        prop_assume!(z.abs() > KINK_MARGIN);
        check_derivative(Relu, z)?;
    }

    #[test]
    fn leaky_relu_derivative_agrees_with_finite_differences_away_from_the_kink(
        z in -8.0..8.0f64,
        slope in 0.0..1.0f64,
    ) {
        prop_assume!(z.abs() > KINK_MARGIN);
        check_derivative(LeakyRelu { slope }, z)?;
        check_derivative(LeakyRelu::<f64>::default(), z)?;
    }

    #[test]
    fn l3_3_sigmoid_derivative_agrees_with_finite_differences(z in -8.0..8.0f64) {
        check_derivative(Sigmoid, z)?;
    }

    #[test]
    fn tanh_derivative_agrees_with_finite_differences(z in -8.0..8.0f64) {
        check_derivative(Tanh, z)?;
    }

    #[test]
    fn identity_derivative_agrees_with_finite_differences(z in -8.0..8.0f64) {
        check_derivative(Identity, z)?;
    }
}

/// `J = ⟨U, layer(X)⟩ = Σ U ⊙ g(W X + b)`: a scalar whose `∂J/∂output` is exactly `U`.
fn read_out<const I: usize, const O: usize, const M: usize, A: Activation<f64>>(
    layer: &Dense<f64, I, O, A>,
    x: &Matrix<f64, I, M>,
    upstream: &Matrix<f64, O, M>,
) -> f64 {
    upstream.dot(&Layer::<f64, M>::predict(layer, x))
}

/// Runs `forward` and `backward` with upstream gradient `U` and compares `dW`, `db` and
/// `∂J/∂X` with central differences of [`read_out`]. For an activation with a kink at 0
/// the case is rejected when a pre-activation comes within [`KINK_MARGIN`] of it.
fn check_dense<const I: usize, const O: usize, const M: usize, A: Activation<f64>>(
    layer: Dense<f64, I, O, A>,
    x: Matrix<f64, I, M>,
    upstream: Matrix<f64, O, M>,
) -> Result<(), TestCaseError> {
    let z = layer.pre_activation(&x);
    if matches!(A::NAME, "relu" | "leaky_relu") {
        prop_assume!(fd::min_abs(&z) > KINK_MARGIN);
    }
    let (output, cache) = layer.forward(&x);
    prop_assert_eq!(output, Layer::<f64, M>::predict(&layer, &x));
    prop_assert_eq!(cache.z, z);

    let mut grads = Dense::default();
    let grad_input = layer.backward(&x, &cache, &upstream, &mut grads);
    let numeric = fd::parameter_gradient(&layer, |l| read_out(l, &x, &upstream));
    let numeric_input = fd::gradient(&x, |x| read_out(&layer, x, &upstream));
    let shape = format!("{} layer {I} → {O}, batch {M}", A::NAME);
    // The floor is needed: with ReLU every unit may be inactive, making all three zero.
    let agree = |what: &str, a: &[f64], n: &[f64]| {
        fd::agree(&format!("{shape}: {what}"), a, n, true).map_err(TestCaseError::fail)
    };
    agree("dW", grads.weights.as_slice(), numeric.weights.as_slice())?;
    agree("db", grads.bias.as_slice(), numeric.bias.as_slice())?;
    agree("∂J/∂input", grad_input.as_slice(), numeric_input.as_slice())?;

    // backward_params writes the same parameter gradients, only skipping ∂J/∂input.
    let mut params_only = Dense::default();
    layer.backward_params(&x, &cache, &upstream, &mut params_only);
    prop_assert_eq!(params_only, grads);
    Ok(())
}

/// Runs [`check_dense`] for one layer shape with tanh, sigmoid, ReLU and leaky ReLU.
fn check_dense_all_activations<const I: usize, const O: usize, const M: usize>(
    w: Matrix<f64, O, I>,
    b: Matrix<f64, O, 1>,
    x: Matrix<f64, I, M>,
    upstream: Matrix<f64, O, M>,
) -> Result<(), TestCaseError> {
    check_dense(Dense::<f64, I, O, Tanh>::new(w, b), x, upstream)?;
    check_dense(Dense::<f64, I, O, Sigmoid>::new(w, b), x, upstream)?;
    check_dense(Dense::<f64, I, O, Identity>::new(w, b), x, upstream)?;
    check_dense(Dense::<f64, I, O, Relu>::new(w, b), x, upstream)?;
    check_dense(Dense::<f64, I, O, LeakyRelu<f64>>::new(w, b), x, upstream)
}

/// Weights and biases in `[-1, 1)`, inputs in `[-2, 2)`, upstream gradients in `[-1, 1)`.
const W: core::ops::Range<f64> = -1.0..1.0;
const X: core::ops::Range<f64> = -2.0..2.0;

proptest! {
    #![proptest_config(config())]

    #[test]
    fn s4_dense_1_to_1_backward_agrees_with_finite_differences(
        w in matrix_in::<1, 1>(W), b in matrix_in::<1, 1>(W),
        x1 in matrix_in::<1, 1>(X), u1 in matrix_in::<1, 1>(W),
        x4 in matrix_in::<1, 4>(X), u4 in matrix_in::<1, 4>(W),
    ) {
        check_dense_all_activations(w, b, x1, u1)?;
        check_dense_all_activations(w, b, x4, u4)?;
    }

    #[test]
    fn s4_dense_3_to_5_backward_agrees_with_finite_differences(
        w in matrix_in::<5, 3>(W), b in matrix_in::<5, 1>(W),
        x1 in matrix_in::<3, 1>(X), u1 in matrix_in::<5, 1>(W),
        x4 in matrix_in::<3, 4>(X), u4 in matrix_in::<5, 4>(W),
    ) {
        check_dense_all_activations(w, b, x1, u1)?;
        check_dense_all_activations(w, b, x4, u4)?;
    }

    #[test]
    fn s4_dense_7_to_2_backward_agrees_with_finite_differences(
        w in matrix_in::<2, 7>(W), b in matrix_in::<2, 1>(W),
        x1 in matrix_in::<7, 1>(X), u1 in matrix_in::<2, 1>(W),
        x4 in matrix_in::<7, 4>(X), u4 in matrix_in::<2, 4>(W),
    ) {
        check_dense_all_activations(w, b, x1, u1)?;
        check_dense_all_activations(w, b, x4, u4)?;
    }

    #[test]
    fn s5_batch_forward_is_the_forward_of_each_column_with_the_bias_broadcast(
        w in matrix_in::<5, 3>(W), b in matrix_in::<5, 1>(W), x in matrix_in::<3, 4>(X),
    ) {
        let layer = Dense::<f64, 3, 5, Tanh>::new(w, b);
        let batch = Layer::<f64, 4>::predict(&layer, &x);
        for j in 0..4 {
            // Column j of a batch product is the product with column j: the same sums in
            // the same order, so equal exactly.
            prop_assert_eq!(batch.column(j), Layer::<f64, 1>::predict(&layer, &x.column(j)));
        }
    }

    #[test]
    fn s5_batch_backward_sums_the_columns_contributions(
        w in matrix_in::<2, 7>(W), b in matrix_in::<2, 1>(W),
        x in matrix_in::<7, 4>(X), u in matrix_in::<2, 4>(W),
    ) {
        let layer = Dense::<f64, 7, 2, Sigmoid>::new(w, b);
        let (_, cache) = layer.forward(&x);
        let mut grads = Dense::default();
        let grad_input = layer.backward(&x, &cache, &u, &mut grads);
        let mut sum = Dense::<f64, 7, 2, Sigmoid>::default();
        for j in 0..4 {
            let x_j = x.column(j);
            let (_, c) = layer.forward(&x_j);
            let mut g = Dense::default();
            let gi = layer.backward(&x_j, &c, &u.column(j), &mut g);
            sum.weights += g.weights;
            sum.bias += g.bias;
            // ∂J/∂input is per column: column j depends on example j alone (exactly).
            prop_assert_eq!(grad_input.column(j), gi);
        }
        // Sums of four terms, added in possibly different orders: within 4 ulps of the
        // sum of magnitudes, which are ≤ 4 · 1 · 2 = 8 here.
        prop_assert!(grads.weights.max_abs_diff(&sum.weights) <= 8.0 * 4.0 * f64::EPSILON);
        prop_assert!(grads.bias.max_abs_diff(&sum.bias) <= 8.0 * 4.0 * f64::EPSILON);
    }
}
