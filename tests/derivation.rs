//! # The derivation, proved
//!
//! This file is the seed's derivation of backpropagation for its 3 → 4 → 2 → 1 binary
//! classifier, restated as tests. It follows the seed's sections in order: the network
//! [N], the loss and cost [C], the Jacobian [M], the third layer [L3], the second layer
//! [L2], the first layer [L1] and the summary [S], and ends with a worked example whose
//! numbers were computed without the crate. Each test is named after the equation it
//! proves and its tag in `DERIVATION.md` (`l2_8_dw2_is_delta2_times_a1_transposed` proves
//! [L2.8]), so a reader can hold the two side by side.
//!
//! Every claim that is a derivative is checked twice, on the seed's own shapes and one
//! fixed example (the [`seed`] fixture):
//!
//! * (a) by the full Jacobian product, multiplied out with real matrices from
//!   `backprop::jacobian` (`diag(g'(z))`, `I ⊗ a_prevᵀ`, `W`, …) and reshaped where the
//!   seed reshapes, then compared with what `backward` returns;
//! * (b) by central finite differences of the cost in `f64` (`tests/support/fd.rs`,
//!   `ε = 1e-6`), which know nothing of the chain rule: relative error below `1e-6`.
//!
//! The fixture's ReLU pre-activations are all at least `1/8` from the kink at 0 (the
//! fixture asserts it), so no difference quotient straddles it. Claims that are not
//! derivatives (definitions, the Bernoulli likelihood, the transpose rule, the update,
//! ReLU's value at 0, the `1/m` of a batch) are checked directly.

#[path = "support/fd.rs"]
mod fd;

use backprop::activation::{Activation, sigmoid};
use backprop::jacobian;
use backprop::network::{self, SeedNetwork};
use backprop::optim::{Optimizer, Sgd};
use backprop::{
    CrossEntropy, Dense, Identity, Layer, Loss, Matrix, Parameters, Relu, Sigmoid,
    SigmoidCrossEntropy, SquaredError, Tanh, Vector,
};

// ===== The fixture ====================================================================

/// The seed's network with a sigmoid as the last layer's activation, trained with
/// cross-entropy on probabilities: the unfused form of [`SeedNetwork`] +
/// [`SigmoidCrossEntropy`] [L3.2, L3.3].
type Unfused<T> = (
    Dense<T, 3, 4, Relu>,
    Dense<T, 4, 2, Relu>,
    Dense<T, 2, 1, Sigmoid>,
);

/// How close to ReLU's kink a pre-activation may come. A central difference moves a
/// pre-activation by at most `ε · (largest |input| or |weight| on the path)`, well below
/// `1e-5` here, so a margin of `1e-3` (1000 ε) keeps every quotient on one side.
const KINK_MARGIN: f64 = 1e-3;

/// The 29 parameters of the worked example: dyadic rationals (multiples of 1/8), exact
/// in `f64`, chosen so that unit 1 of layer 1 is inactive (`z[1]₁ = −1/4`) and the other
/// five ReLU units are active, every one at least 1/8 from the kink.
fn seed_network() -> SeedNetwork<f64> {
    let mut net = SeedNetwork::<f64>::default();
    net.0.weights = Matrix::from_rows([
        [0.5, -0.25, 0.75],
        [-0.5, 0.5, 0.25],
        [0.25, 0.75, -0.5],
        [0.25, 0.5, -0.5],
    ]);
    net.0.bias = Matrix::from_column([0.125, -0.25, 0.5, -0.125]);
    net.1.weights = Matrix::from_rows([[0.5, -0.25, 0.375, 0.25], [-0.25, 0.5, 0.5, -0.375]]);
    net.1.bias = Matrix::from_column([0.25, -0.125]);
    net.2.weights = Matrix::from_rows([[0.75, -0.5]]);
    net.2.bias = Matrix::from_column([0.25]);
    net
}

/// The fixture's input `x` (3, 1) and label `y = 0`.
fn seed_example() -> (Vector<f64, 3>, Vector<f64, 1>) {
    (
        Matrix::from_column([1.0, 2.0, -0.5]),
        Matrix::from_column([0.0]),
    )
}

/// One forward pass of the seed network on the fixture, what backpropagation returned
/// for it, and the pieces every proof needs.
struct Seed {
    net: SeedNetwork<f64>,
    x: Vector<f64, 3>,
    y: Vector<f64, 1>,
    z1: Vector<f64, 4>,
    a1: Vector<f64, 4>,
    z2: Vector<f64, 2>,
    a2: Vector<f64, 2>,
    z3: Vector<f64, 1>,
    a3: Vector<f64, 1>,
    /// `network::gradients`: dW[1] = `grads.0.weights`, db[1] = `grads.0.bias`, …
    grads: SeedNetwork<f64>,
}

/// The fixture, run forward (with the cache `backward` uses) and backward; asserts that
/// no ReLU pre-activation is within [`KINK_MARGIN`] of 0.
fn seed() -> Seed {
    let net = seed_network();
    let (x, y) = seed_example();
    let (z3, (c1, c2, c3)) = net.forward(&x);
    let mut grads = SeedNetwork::default();
    network::gradients(&net, &SigmoidCrossEntropy, &x, &y, &mut grads);
    let s = Seed {
        net,
        x,
        y,
        z1: c1.z,
        a1: c2.input,
        z2: c2.z,
        a2: c3.input,
        z3,
        a3: SigmoidCrossEntropy.predict(&z3),
        grads,
    };
    assert!(
        fd::min_abs(&s.z1) > KINK_MARGIN && fd::min_abs(&s.z2) > KINK_MARGIN,
        "the fixture sits on ReLU's kink: z[1] = {:?}, z[2] = {:?}",
        s.z1,
        s.z2
    );
    s
}

impl Seed {
    /// `J` of the fixture's example for any parameters: what finite differences vary.
    fn cost(&self, net: &SeedNetwork<f64>) -> f64 {
        network::cost(net, &SigmoidCrossEntropy, &self.x, &self.y)
    }

    /// Central differences of `J` for all 29 parameters, shaped like the network.
    fn numerical_gradients(&self) -> SeedNetwork<f64> {
        fd::parameter_gradient(&self.net, |n| self.cost(n))
    }

    /// `J` as a function of `z[3]` alone (the fused loss on the logit).
    fn j_of_z3(&self, z3: &Vector<f64, 1>) -> f64 {
        SigmoidCrossEntropy.cost(z3, &self.y)
    }

    /// `J` as a function of `z[2]` alone: `a[2] = g(z[2])`, then layer 3 and the loss.
    fn j_of_z2(&self, z2: &Vector<f64, 2>) -> f64 {
        let a2 = z2.map(|v| Relu.value(v));
        self.j_of_z3(&self.net.2.pre_activation(&a2))
    }

    /// `J` as a function of `z[1]` alone.
    fn j_of_z1(&self, z1: &Vector<f64, 4>) -> f64 {
        let a1 = z1.map(|v| Relu.value(v));
        self.j_of_z2(&self.net.1.pre_activation(&a1))
    }

    /// `∂J/∂z[3]`, (1, 1): the loss's own local derivative on the logit [L3.6].
    fn dj_dz3(&self) -> Matrix<f64, 1, 1> {
        SigmoidCrossEntropy.gradient(&self.z3, &self.y)
    }

    /// `∂J/∂z[2] = ∂J/∂z[3] · ∂z[3]/∂a[2] · ∂a[2]/∂z[2] = δ[3] W[3] diag(g'(z[2]))`, (1, 2),
    /// multiplied out from the full Jacobians [L2.2, L2.3, L2.7].
    fn dj_dz2(&self) -> Matrix<f64, 1, 2> {
        self.dj_dz3() * jacobian::dz_da_prev(&self.net.2.weights) * jacobian::da_dz(&Relu, &self.z2)
    }

    /// `∂J/∂z[1] = ∂J/∂z[2] · W[2] diag(g'(z[1]))`, (1, 4) [L1.1, L1.2].
    fn dj_dz1(&self) -> Matrix<f64, 1, 4> {
        self.dj_dz2() * jacobian::dz_next_dz(&self.net.1.weights, &Relu, &self.z1)
    }
}

/// ReLU of a column, entry by entry, written out here rather than taken from the crate.
fn relu<const N: usize>(z: &Vector<f64, N>) -> Vector<f64, N> {
    z.map(|v| if v > 0.0 { v } else { 0.0 })
}

#[test]
fn fixture_relu_preactivations_are_at_least_an_eighth_from_the_kink() {
    let s = seed();
    // One unit inactive, five active, none near 0: both branches of g' are exercised.
    assert_eq!(
        s.z1.map(|v| f64::from(u8::from(v > 0.0))),
        Matrix::from_column([0.0, 1.0, 1.0, 1.0])
    );
    assert_eq!(
        s.z2.map(|v| f64::from(u8::from(v > 0.0))),
        Matrix::from_column([1.0, 1.0])
    );
    assert!(fd::min_abs(&s.z1) >= 0.125 && fd::min_abs(&s.z2) >= 0.125);
}

// ===== [N] The network ================================================================
// The fixture's values are dyadic with small numerators and denominators, so every
// product and partial sum in z = W a + b is exactly representable: the forward values
// below are compared with `==`.

#[test]
fn n1_z1_is_w1_x_plus_b1_and_a1_is_relu_of_z1() {
    let s = seed();
    let w = s.net.0.weights;
    let by_hand = Matrix::from_fn(|i, _| {
        (0..3).map(|j| w[(i, j)] * s.x[(j, 0)]).sum::<f64>() + s.net.0.bias[(i, 0)]
    });
    assert_eq!(s.z1, by_hand);
    // By hand (see the worked example): −1/4, 1/8, 5/2, 11/8.
    assert_eq!(s.z1, Matrix::from_column([-0.25, 0.125, 2.5, 1.375]));
    assert_eq!(s.a1, relu(&s.z1));
    assert_eq!(s.a1, Matrix::from_column([0.0, 0.125, 2.5, 1.375]));
}

#[test]
fn n2_z2_is_w2_a1_plus_b2_and_a2_is_relu_of_z2() {
    let s = seed();
    let w = s.net.1.weights;
    let by_hand = Matrix::from_fn(|i, _| {
        (0..4).map(|j| w[(i, j)] * s.a1[(j, 0)]).sum::<f64>() + s.net.1.bias[(i, 0)]
    });
    assert_eq!(s.z2, by_hand);
    assert_eq!(s.z2, Matrix::from_column([1.5, 43.0 / 64.0]));
    assert_eq!(s.a2, relu(&s.z2));
}

#[test]
fn n3_z3_is_w3_a2_plus_b3_and_y_hat_is_sigma_of_z3() {
    let s = seed();
    let w = s.net.2.weights;
    let by_hand = w[(0, 0)] * s.a2[(0, 0)] + w[(0, 1)] * s.a2[(1, 0)] + s.net.2.bias[(0, 0)];
    assert_eq!(s.z3[(0, 0)], by_hand);
    assert_eq!(s.z3[(0, 0)], 133.0 / 128.0);
    // ŷ = σ(z[3]) = 1 / (1 + e^(−z[3])), written out; the crate's σ (a different but equal
    // formula for z ≥ 0) may differ by a rounding or two: 4 ulps of a number below 1.
    let y_hat = 1.0 / (1.0 + (-by_hand).exp());
    assert!((s.a3[(0, 0)] - y_hat).abs() <= 4.0 * f64::EPSILON);
    assert_eq!(network::predict(&s.net, &SigmoidCrossEntropy, &s.x), s.a3);
}

#[test]
fn n4_seed_network_has_29_parameters_in_6_gradient_matrices_shaped_like_them() {
    let s = seed();
    assert_eq!(s.net.parameter_count(), 29);
    let shapes: Vec<(usize, usize)> = s.net.block_shapes().collect();
    assert_eq!(shapes, [(4, 3), (4, 1), (2, 4), (2, 1), (1, 2), (1, 1)]);
    let weights: usize = shapes.iter().step_by(2).map(|(r, c)| r * c).sum();
    let biases: usize = shapes.iter().skip(1).step_by(2).map(|(r, c)| r * c).sum();
    assert_eq!((weights, biases), (12 + 8 + 2, 4 + 2 + 1));
    // The gradients are a value of the network's own type: six matrices shaped like
    // dW[1], db[1], dW[2], db[2], dW[3], db[3], 29 partial derivatives in all.
    assert_eq!(s.grads.block_shapes().collect::<Vec<_>>(), shapes);
    assert_eq!(s.grads.parameter_count(), 29);
}

#[test]
fn n5_g_is_max_0_z_and_sigma_is_one_over_one_plus_e_minus_z_with_no_parameters() {
    for z in [-3.0_f64, -0.5, -1e-300, 0.0, 1e-300, 0.5, 3.0] {
        assert_eq!(Relu.value(z), z.max(0.0));
        // The crate's σ uses e^z / (1 + e^z) for z < 0, equal in exact arithmetic; 4 ulps.
        let sigma = 1.0 / (1.0 + (-z).exp());
        assert!(
            (Sigmoid.value(z) - sigma).abs() <= 4.0 * f64::EPSILON,
            "σ({z})"
        );
        assert!((sigmoid(z) - sigma).abs() <= 4.0 * f64::EPSILON, "σ({z})");
    }
    // Neither function carries anything to learn: both are zero-sized, and a dense layer's
    // parameters are its weights and biases alone.
    assert_eq!(core::mem::size_of::<Relu>(), 0);
    assert_eq!(core::mem::size_of::<Sigmoid>(), 0);
    assert_eq!(
        Dense::<f64, 3, 4, Relu>::default().parameter_count(),
        12 + 4
    );
    assert_eq!(
        Dense::<f64, 2, 1, Sigmoid>::default().parameter_count(),
        2 + 1
    );
}

// ===== [C] The loss and the cost ======================================================

#[test]
fn c1_squared_error_is_half_the_squared_difference() {
    for (y_hat, y) in [(0.25, 1.0), (0.75, 0.0), (2.0, -1.0), (0.5, 0.5)] {
        let l =
            SquaredError.losses(&Matrix::<f64, 1, 1>::filled(y_hat), &Matrix::filled(y))[(0, 0)];
        assert_eq!(l, 0.5 * (y_hat - y) * (y_hat - y)); // dyadic inputs: exact
    }
}

#[test]
fn c1_squared_error_through_a_sigmoid_is_not_convex_but_cross_entropy_is() {
    // Logistic regression with one weight w and the example (x = 1, y = 1):
    // J(w) = ½(σ(w) − 1)² versus J(w) = −log σ(w). Second differences on a grid,
    // h = 1e-3: error ≈ h² |J''''| / 12 + 4 u |J| / h² ≲ 1e-7, far below the curvatures
    // compared here (|J''| > 1e-3 where it matters).
    let y = Matrix::<f64, 1, 1>::filled(1.0);
    let squared = |w: f64| SquaredError.cost(&Matrix::filled(sigmoid(w)), &y);
    let cross = |w: f64| SigmoidCrossEntropy.cost(&Matrix::filled(w), &y);
    let h = 1e-3;
    let second = |f: &dyn Fn(f64) -> f64, w: f64| (f(w + h) - 2.0 * f(w) + f(w - h)) / (h * h);
    let grid: Vec<f64> = (-24..=24).map(|k| f64::from(k) / 4.0).collect();
    let min_squared = grid
        .iter()
        .map(|&w| second(&squared, w))
        .fold(f64::INFINITY, f64::min);
    let min_cross = grid
        .iter()
        .map(|&w| second(&cross, w))
        .fold(f64::INFINITY, f64::min);
    assert!(
        min_squared < -1e-3,
        "½(σ(w) − 1)² should curve down somewhere: {min_squared}"
    );
    // −log σ(w) has J'' = σ(w)(1 − σ(w)) ≥ σ(6)σ(−6) ≈ 2.5e-3 on [−6, 6].
    assert!(
        min_cross > 1e-3,
        "−log σ(w) should curve up everywhere: {min_cross}"
    );
}

#[test]
fn c2_cross_entropy_is_minus_y_log_y_hat_minus_one_minus_y_log_one_minus_y_hat() {
    // Tolerance: two logarithms and three products, a few ulps of a result below 4.
    for (y_hat, y) in [(0.1, 1.0), (0.1, 0.0), (0.7, 1.0), (0.7, 0.0), (0.4, 0.25)] {
        let l =
            CrossEntropy.losses(&Matrix::<f64, 1, 1>::filled(y_hat), &Matrix::filled(y))[(0, 0)];
        let by_hand = -(y * y_hat.ln() + (1.0 - y) * (1.0 - y_hat).ln());
        assert!(
            (l - by_hand).abs() <= 1e-15,
            "L({y_hat}, {y}) = {l}, by hand {by_hand}"
        );
    }
    // The fused loss on the logit z is the same L at ŷ = σ(z): its stable form
    // max(z, 0) − z y + log(1 + e^(−|z|)) equals C2 in exact arithmetic. In floating
    // point the unfused side is the less accurate one: ŷ = σ(z) is rounded (error ≤ u),
    // so log ŷ and log(1 − ŷ) are off by up to u/ŷ and u/(1 − ŷ). The bound allows
    // 4u/min(ŷ, 1 − ŷ) for that, plus 4u|L| for the remaining roundings.
    for z in [-4.0_f64, -0.3, 0.0, 0.8, 5.0] {
        for y in [0.0, 1.0, 0.5] {
            let y_hat = sigmoid(z);
            let fused = SigmoidCrossEntropy
                .losses(&Matrix::<f64, 1, 1>::filled(z), &Matrix::filled(y))[(0, 0)];
            let on_sigma = CrossEntropy
                .losses(&Matrix::<f64, 1, 1>::filled(y_hat), &Matrix::filled(y))[(0, 0)];
            let u = f64::EPSILON / 2.0;
            let bound = 4.0 * u / y_hat.min(1.0 - y_hat) + 4.0 * u * fused.abs();
            assert!((fused - on_sigma).abs() <= bound, "z = {z}, y = {y}");
        }
    }
}

#[test]
fn c3_cross_entropy_is_minus_log_y_hat_for_y_1_and_minus_log_one_minus_y_hat_for_y_0() {
    let l = |y_hat: f64, y: f64| {
        CrossEntropy.losses(&Matrix::<f64, 1, 1>::filled(y_hat), &Matrix::filled(y))[(0, 0)]
    };
    let grid = [0.05, 0.2, 0.5, 0.8, 0.95];
    for &y_hat in &grid {
        // With y ∈ {0, 1} one term of C2 is multiplied by exactly 0: the other is exact.
        assert_eq!(l(y_hat, 1.0), -y_hat.ln());
        assert_eq!(l(y_hat, 0.0), -(1.0 - y_hat).ln());
    }
    // y = 1: L falls as ŷ → 1 (we want ŷ large); y = 0: L falls as ŷ → 0.
    for pair in grid.windows(2) {
        assert!(l(pair[1], 1.0) < l(pair[0], 1.0));
        assert!(l(pair[1], 0.0) > l(pair[0], 0.0));
    }
}

#[test]
fn c4_cross_entropy_is_minus_the_bernoulli_log_likelihood_so_minimising_it_maximises_p() {
    let grid = [0.05, 0.2, 0.5, 0.8, 0.95];
    for y in [0.0, 1.0] {
        let p = |y_hat: f64| y_hat.powf(y) * (1.0 - y_hat).powf(1.0 - y); // ŷ^y (1 − ŷ)^(1 − y)
        let l = |y_hat: f64| {
            CrossEntropy.losses(&Matrix::<f64, 1, 1>::filled(y_hat), &Matrix::filled(y))[(0, 0)]
        };
        for &y_hat in &grid {
            // log p(y | x) = −L(ŷ, y); one logarithm apart: 2 ulps of a value below 3.
            assert!(
                (p(y_hat).ln() + l(y_hat)).abs() <= 1e-15,
                "ŷ = {y_hat}, y = {y}"
            );
        }
        // The ŷ of least loss is the ŷ of greatest likelihood.
        let argmin_l = grid
            .iter()
            .copied()
            .fold(grid[0], |b, v| if l(v) < l(b) { v } else { b });
        let argmax_p = grid
            .iter()
            .copied()
            .fold(grid[0], |b, v| if p(v) > p(b) { v } else { b });
        assert_eq!(argmin_l, argmax_p);
        assert_eq!(argmin_l, if y == 1.0 { 0.95 } else { 0.05 });
    }
}

#[test]
fn c5_stochastic_cost_of_one_example_is_its_loss() {
    let s = seed();
    let j = network::cost(&s.net, &SigmoidCrossEntropy, &s.x, &s.y);
    assert_eq!(j, SigmoidCrossEntropy.losses(&s.z3, &s.y)[(0, 0)]); // divided by m = 1: exact
}

#[test]
fn c6_cost_over_m_examples_is_the_mean_of_their_losses() {
    let s = seed();
    let batch = batch_x();
    let y = Matrix::from_rows([[0.0, 1.0, 1.0, 0.0]]);
    let j = network::cost(&s.net, &SigmoidCrossEntropy, &batch, &y);
    let mean = (0..4)
        .map(|i| network::cost(&s.net, &SigmoidCrossEntropy, &batch.column(i), &y.column(i)))
        .sum::<f64>()
        / 4.0;
    // The same four numbers summed and divided by 4 in both: a few ulps of J.
    assert!(
        (j - mean).abs() <= 8.0 * f64::EPSILON * mean,
        "J = {j}, mean = {mean}"
    );
}

#[test]
fn c7_update_is_w_minus_alpha_dw_and_b_minus_alpha_db_and_lowers_the_cost() {
    let s = seed();
    let alpha = 0.125;
    let mut net = s.net;
    Sgd::new(alpha).unwrap().step(&mut net, &s.grads);
    // Elementwise, because dW is shaped like W [M2]: θ' = θ − α dθ exactly (one product
    // and one subtraction, done the same way on both sides).
    let before = fd::flatten(&s.net);
    let g = fd::flatten(&s.grads);
    let after = fd::flatten(&net);
    for k in 0..29 {
        assert_eq!(after[k], before[k] - alpha * g[k], "parameter {k}");
    }
    assert_eq!(net.1.weights, s.net.1.weights - s.grads.1.weights * alpha);
    // A small step against the gradient lowers J (first order: ΔJ ≈ −α ‖∇J‖² < 0).
    assert!(s.cost(&net) < s.cost(&s.net));
}

// ===== [M] The Jacobian ===============================================================

#[test]
fn m1_jacobian_of_f_from_rm_to_rn_is_n_by_m_whether_x_is_a_row_or_a_column() {
    let s = seed();
    let (w2, b2) = (s.net.1.weights, s.net.1.bias);
    // f: R⁴ → R², f(a) = W[2] a + b[2]. Its Jacobian is (2, 4) from a column ...
    let from_column: Matrix<f64, 2, 4> = fd::jacobian(&s.a1, |a| w2 * *a + b2);
    // ... and (2, 4) again from a row (the same numbers, entered as (1, 4)).
    let from_row: Matrix<f64, 2, 4> = fd::jacobian(&s.a1.transpose(), |a| w2 * a.transpose() + b2);
    assert_eq!(from_column, from_row);
    // The crate's (n, m) matrix for it, W[2] [L2.2]: f is linear, so the difference
    // quotients are exact up to rounding (u · |f| / ε ≈ 1e-10).
    let exact: Matrix<f64, 2, 4> = jacobian::dz_da_prev(&w2);
    assert!(from_column.max_abs_diff(&exact) < 1e-9);
}

#[test]
fn m2_dw_is_the_jacobian_row_over_vec_w_reshaped_to_w_shape() {
    let s = seed();
    let fd_grads = s.numerical_gradients();
    // ∂J/∂W[2] is a (1, 8) row over vec(W[2]) = (W11, W12, W13, W14, W21, …), row by row.
    let row: Matrix<f64, 1, 8> = fd::jacobian(&s.net.1.weights, |w| {
        let mut net = s.net;
        net.1.weights = *w;
        Matrix::filled(s.cost(&net))
    });
    // Reshaped to W[2]'s (2, 4) it is dW[2], both from finite differences and from backward.
    let dw2: Matrix<f64, 2, 4> = jacobian::reshape_to_gradient(&row);
    assert_eq!(dw2, fd_grads.1.weights);
    fd::assert_agree("dW[2] = reshape(∂J/∂W[2])", &s.grads.1.weights, &dw2);
    // vec is row by row: entry k of the row is W[k / 4][k % 4].
    let v: Matrix<f64, 1, 8> = s.grads.1.weights.vec_row();
    for k in 0..8 {
        assert_eq!(v[(0, k)], s.grads.1.weights[(k / 4, k % 4)]);
    }
    assert_eq!(
        jacobian::reshape_to_gradient::<f64, 2, 4, 8>(&v),
        s.grads.1.weights
    );
}

#[test]
fn m3_transpose_of_abc_is_ct_bt_at() {
    // Small integers: every product and sum is exact, so the sides are compared with ==.
    let a = Matrix::from_rows([[1.0, -2.0, 3.0], [0.0, 4.0, -1.0]]);
    let b = Matrix::from_rows([
        [2.0, 1.0, 0.0, -3.0],
        [1.0, -1.0, 2.0, 0.0],
        [0.0, 3.0, 1.0, 1.0],
    ]);
    let c = Matrix::from_rows([[1.0, 2.0], [-1.0, 0.0], [3.0, 1.0], [0.0, -2.0]]);
    assert_eq!(
        (a * b * c).transpose(),
        c.transpose() * b.transpose() * a.transpose()
    );
    // The seed's use of it [L2.7]: (δ[3] W[3] diag(g'(z[2])))ᵀ = diag(g'(z[2]))ᵀ W[3]ᵀ δ[3]ᵀ.
    let s = seed();
    let d = jacobian::da_dz(&Relu, &s.z2);
    let lhs = (s.dj_dz3() * s.net.2.weights * d).transpose();
    let rhs = d.transpose() * s.net.2.weights.transpose() * s.dj_dz3().transpose();
    assert_eq!(lhs, rhs);
}

// ===== [L3] The third layer ===========================================================

#[test]
fn l3_1_chain_rule_dj_dw3_is_dj_da3_times_da3_dz3_times_dz3_dw3() {
    let s = seed();
    // The three factors of the unfused chain, each a full Jacobian:
    let dj_da3 = CrossEntropy.gradient(&s.a3, &s.y); //                  (1, 1) [L3.2]
    let da3_dz3 = jacobian::da_dz(&Sigmoid, &s.z3); //              (1, 1) [L3.3]
    let dz3_dw3: Matrix<f64, 1, 2> = jacobian::dz_dw(&s.a2); //       (1, 2) [L3.5]
    let dz3_db3 = jacobian::dz_db::<f64, 1>(); //                        (1, 1) [L3.5]
    let dj_dw3 = dj_da3 * da3_dz3 * dz3_dw3;
    let dj_db3 = dj_da3 * da3_dz3 * dz3_db3;
    // (a) equals backward's dW[3], db[3] (the fused path) ...
    fd::assert_agree(
        "L3.1 dW[3]",
        &s.grads.2.weights,
        &jacobian::reshape_to_gradient::<f64, 1, 2, 2>(&dj_dw3),
    );
    fd::assert_agree("L3.1 db[3]", &s.grads.2.bias, &dj_db3);
    // (b) ... and central differences of J.
    let fd_grads = s.numerical_gradients();
    fd::assert_agree("L3.1 dW[3] vs fd", &dj_dw3, &fd_grads.2.weights);
    fd::assert_agree("L3.1 db[3] vs fd", &dj_db3, &fd_grads.2.bias);
}

#[test]
fn l3_2_dj_da3_is_minus_y_over_a3_plus_one_minus_y_over_one_minus_a3() {
    let s = seed();
    let a = s.a3[(0, 0)];
    for y in [0.0, 1.0, 0.25] {
        let yy = Matrix::<f64, 1, 1>::filled(y);
        let g = CrossEntropy.gradient(&s.a3, &yy)[(0, 0)];
        let first = -y / a + (1.0 - y) / (1.0 - a);
        let second = (a - y) / (a * (1.0 - a));
        // The two forms are equal in exact arithmetic; each has a few roundings (1e-14).
        assert!(
            (g - first).abs() <= 1e-14 && (g - second).abs() <= 1e-14,
            "y = {y}"
        );
        // Finite differences of J(a[3]) = L(a[3], y).
        let numeric = fd::central(
            |v| CrossEntropy.cost(&Matrix::<f64, 1, 1>::filled(v), &yy),
            a,
        );
        fd::assert_agree(
            "L3.2 dJ/da[3]",
            &Matrix::<f64, 1, 1>::filled(g),
            &Matrix::filled(numeric),
        );
    }
}

#[test]
fn l3_3_sigma_prime_is_sigma_times_one_minus_sigma() {
    for z in [-6.0f64, -1.0, -0.1, 0.0, 0.3, 133.0 / 128.0, 4.0] {
        let sz = sigmoid(z);
        // The crate computes σ(z) σ(−z), which is σ(z)(1 − σ(z)) without the cancellation
        // of 1 − σ(z): equal bit for bit to that product, and within a few ulps of the
        // textbook form on this moderate range (|z| ≤ 6: 1 − σ(z) ≥ 0.0024 keeps its
        // rounding below 1e-13 relative).
        assert_eq!(Sigmoid.derivative(z), sz * sigmoid(-z));
        let textbook = sz * (1.0 - sz);
        assert!(
            (Sigmoid.derivative(z) - textbook).abs() <= 1e-13 * textbook,
            "z = {z}"
        );
        let d = jacobian::da_dz(&Sigmoid, &Matrix::<f64, 1, 1>::filled(z));
        let numeric = fd::central(|v| Sigmoid.value(v), z);
        fd::assert_agree("L3.3 σ'", &d, &Matrix::filled(numeric));
    }
}

#[test]
fn l3_4_dz3_dw3_11_is_a2_11_and_dz3_dw3_12_is_a2_21() {
    let s = seed();
    let layer = s.net.2;
    let z3_at = |w11: f64, w12: f64| {
        let mut l = layer;
        l.weights = Matrix::from_rows([[w11, w12]]);
        l.pre_activation(&s.a2)[(0, 0)]
    };
    let (w11, w12) = (layer.weights[(0, 0)], layer.weights[(0, 1)]);
    // z[3] is linear in W[3]: the difference quotients are exact up to rounding (1e-9).
    assert!((fd::central(|v| z3_at(v, w12), w11) - s.a2[(0, 0)]).abs() < 1e-9);
    assert!((fd::central(|v| z3_at(w11, v), w12) - s.a2[(1, 0)]).abs() < 1e-9);
    let dz3_dw3: Matrix<f64, 1, 2> = jacobian::dz_dw(&s.a2);
    assert_eq!(dz3_dw3[(0, 0)], 1.5); //   a[2]₁₁, by hand
    assert_eq!(dz3_dw3[(0, 1)], 43.0 / 64.0); // a[2]₂₁
}

#[test]
fn l3_5_dz3_dw3_is_a2_transposed_and_dz3_db3_is_1() {
    let s = seed();
    let dz3_dw3: Matrix<f64, 1, 2> = jacobian::dz_dw(&s.a2);
    assert_eq!(dz3_dw3, s.a2.transpose());
    assert_eq!(jacobian::dz_db::<f64, 1>(), Matrix::filled(1.0));
    let layer = s.net.2;
    let numeric_w: Matrix<f64, 1, 2> = fd::jacobian(&layer.weights, |w| *w * s.a2 + layer.bias);
    let numeric_b: Matrix<f64, 1, 1> = fd::jacobian(&layer.bias, |b| layer.weights * s.a2 + *b);
    assert!(numeric_w.max_abs_diff(&s.a2.transpose()) < 1e-9); // linear: rounding only
    assert!((numeric_b[(0, 0)] - 1.0).abs() < 1e-9);
}

#[test]
fn l3_6_delta3_is_a3_minus_y() {
    let s = seed();
    let delta3 = s.dj_dz3();
    // Directly: σ(z[3]) − y, with σ written out here (4 ulps, see N3).
    let by_hand = 1.0 / (1.0 + (-s.z3[(0, 0)]).exp()) - s.y[(0, 0)];
    assert!((delta3[(0, 0)] - by_hand).abs() <= 4.0 * f64::EPSILON);
    assert_eq!(delta3, s.a3 - s.y);
    // (a) L3.2 times L3.3: dJ/da[3] · da[3]/dz[3], the sigmoid's derivative cancelling.
    let product = CrossEntropy.gradient(&s.a3, &s.y) * jacobian::da_dz(&Sigmoid, &s.z3);
    fd::assert_agree("L3.6 δ[3] = L3.2 × L3.3", &delta3, &product);
    // (b) Finite differences of J(z[3]).
    let numeric = fd::gradient(&s.z3, |z| s.j_of_z3(z));
    fd::assert_agree("L3.6 δ[3] vs fd", &delta3, &numeric);
    // And it is what backward used: db[3] = δ[3] [L3.7].
    assert_eq!(s.grads.2.bias, delta3);
}

#[test]
fn l3_6_unfused_sigmoid_layer_with_cross_entropy_gives_the_fused_gradients() {
    let s = seed();
    let unfused: Unfused<f64> = (s.net.0, s.net.1, Dense::new(s.net.2.weights, s.net.2.bias));
    let mut grads = Unfused::default();
    network::gradients(&unfused, &CrossEntropy, &s.x, &s.y, &mut grads);
    // The unfused path divides by a[3](1 − a[3]) and multiplies by it again: a few
    // roundings apart from a[3] − y, so all 29 agree to 1e-14 relative.
    let rel = fd::relative_error(&fd::flatten(&grads), &fd::flatten(&s.grads));
    assert!(rel < 1e-14, "relative error {rel:e}");
    // The costs: −log(1 − σ(z)) against the stable form from z, a few ulps apart.
    let (unfused_j, fused_j) = (
        network::cost(&unfused, &CrossEntropy, &s.x, &s.y),
        s.cost(&s.net),
    );
    assert!(
        (unfused_j - fused_j).abs() <= 1e-14 * fused_j,
        "{unfused_j} vs {fused_j}"
    );
}

#[test]
fn l3_7_dw3_is_delta3_times_a2_transposed_and_db3_is_delta3() {
    let s = seed();
    let delta3 = s.dj_dz3();
    // (a) the Jacobian product δ[3] · (I₁ ⊗ a[2]ᵀ), reshaped (here already (1, 2)).
    let dz3_dw3: Matrix<f64, 1, 2> = jacobian::dz_dw(&s.a2);
    let dw3: Matrix<f64, 1, 2> = jacobian::reshape_to_gradient(&(delta3 * dz3_dw3));
    assert_eq!(dw3, delta3 * s.a2.transpose());
    fd::assert_agree("L3.7 dW[3]", &s.grads.2.weights, &dw3);
    fd::assert_agree(
        "L3.7 db[3]",
        &s.grads.2.bias,
        &(delta3 * jacobian::dz_db::<f64, 1>()),
    );
    // (b) finite differences.
    let fd_grads = s.numerical_gradients();
    fd::assert_agree("L3.7 dW[3] vs fd", &s.grads.2.weights, &fd_grads.2.weights);
    fd::assert_agree("L3.7 db[3] vs fd", &s.grads.2.bias, &fd_grads.2.bias);
}

#[test]
fn l3_8_squared_loss_gives_delta3_a3_minus_y_times_a3_one_minus_a3_without_cancellation() {
    let s = seed();
    let unfused: Unfused<f64> = (s.net.0, s.net.1, Dense::new(s.net.2.weights, s.net.2.bias));
    let mut grads = Unfused::default();
    network::gradients(&unfused, &SquaredError, &s.x, &s.y, &mut grads);
    // δ[3] = ∂J/∂z[3] = db[3], since ∂z[3]/∂b[3] = 1.
    let a = s.a3[(0, 0)];
    let expected = (a - s.y[(0, 0)]) * a * (1.0 - a);
    assert!((grads.2.bias[(0, 0)] - expected).abs() <= 1e-15);
    // Finite differences of J = ½(σ(z[3]) − y)² with respect to b[3].
    let numeric = fd::parameter_gradient(&unfused, |n| network::cost(n, &SquaredError, &s.x, &s.y));
    fd::assert_agree("L3.8 δ[3]", &grads.2.bias, &numeric.2.bias);
    let all = fd::agree(
        "L3.8 all 29",
        &fd::flatten(&grads),
        &fd::flatten(&numeric),
        false,
    );
    assert!(all.is_ok(), "{}", all.unwrap_err());
    // No cancellation: it is not a[3] − y, and it vanishes where the sigmoid saturates
    // even though the prediction is as wrong as it can be, while a[3] − y does not.
    assert!((grads.2.bias[(0, 0)] - (a - s.y[(0, 0)])).abs() > 0.1);
    let saturated = Matrix::<f64, 1, 1>::filled(12.0); // z[3] = 12, y = 0: ŷ ≈ 1 − 6e-6
    let y0 = Matrix::filled(0.0);
    let squared_delta = Dense::<f64, 2, 1, Sigmoid>::default().delta(
        &saturated,
        &SquaredError.gradient(&saturated.map(sigmoid), &y0),
    )[(0, 0)];
    let fused_delta = SigmoidCrossEntropy.gradient(&saturated, &y0)[(0, 0)];
    assert!(squared_delta < 1e-5 && fused_delta > 0.99999);
}

// ===== [L2] The second layer ==========================================================

#[test]
fn l2_1_chain_rule_dj_dw2_is_dj_dz3_dz3_da2_da2_dz2_dz2_dw2() {
    let s = seed();
    let dz2_dw2: Matrix<f64, 2, 8> = jacobian::dz_dw(&s.a1); //                   (2, 8)
    let dj_dw2 = s.dj_dz3() //                                                       (1, 1)
        * jacobian::dz_da_prev(&s.net.2.weights) //                                       (1, 2)
        * jacobian::da_dz(&Relu, &s.z2) //                                      (2, 2)
        * dz2_dw2; //                                                                (1, 8)
    let dj_db2 = s.dj_dz3()
        * jacobian::dz_da_prev(&s.net.2.weights)
        * jacobian::da_dz(&Relu, &s.z2)
        * jacobian::dz_db::<f64, 2>();
    // (a) reshaped, the product is backward's dW[2] and db[2] (db is the transposed row).
    fd::assert_agree(
        "L2.1 dW[2]",
        &s.grads.1.weights,
        &jacobian::reshape_to_gradient::<f64, 2, 4, 8>(&dj_dw2),
    );
    fd::assert_agree("L2.1 db[2]", &s.grads.1.bias, &dj_db2.transpose());
    // (b) central differences of J.
    let fd_grads = s.numerical_gradients();
    fd::assert_agree("L2.1 dW[2] vs fd", &dj_dw2, &fd_grads.1.weights.vec_row());
    fd::assert_agree("L2.1 db[2] vs fd", &dj_db2, &fd_grads.1.bias.transpose());
}

#[test]
fn l2_2_dz3_da2_is_w3() {
    let s = seed();
    let layer = s.net.2;
    let exact: Matrix<f64, 1, 2> = jacobian::dz_da_prev(&layer.weights);
    assert_eq!(exact, layer.weights);
    let numeric: Matrix<f64, 1, 2> = fd::jacobian(&s.a2, |a| layer.pre_activation(a));
    assert!(numeric.max_abs_diff(&layer.weights) < 1e-9); // linear in a[2]: rounding only
}

#[test]
fn l2_3_da2_dz2_is_diag_g_prime_z2_an_elementwise_function_has_a_diagonal_jacobian() {
    let s = seed();
    let exact = jacobian::da_dz(&Relu, &s.z2);
    assert_eq!(exact, Matrix::from_rows([[1.0, 0.0], [0.0, 1.0]]));
    let numeric: Matrix<f64, 2, 2> = fd::jacobian(&s.z2, relu);
    assert!(numeric.max_abs_diff(&exact) < 1e-9); // ReLU is linear on each side of 0
    // At z[1], where unit 1 is inactive, the diagonal holds a 0; off the diagonal, zeros.
    let exact1 = jacobian::da_dz(&Relu, &s.z1);
    assert_eq!(exact1, Matrix::from_column([0.0, 1.0, 1.0, 1.0]).diag());
    let numeric1: Matrix<f64, 4, 4> = fd::jacobian(&s.z1, relu);
    assert!(numeric1.max_abs_diff(&exact1) < 1e-9);
    // And for a smooth g: diag(tanh'(z)), off-diagonal entries exactly 0.
    let tanh_exact = jacobian::da_dz(&Tanh, &s.z1);
    let tanh_numeric: Matrix<f64, 4, 4> = fd::jacobian(&s.z1, |z| z.map(f64::tanh));
    fd::assert_agree("L2.3 diag(tanh'(z))", &tanh_exact, &tanh_numeric);
    for i in 0..4 {
        for j in (0..4).filter(|&j| j != i) {
            assert_eq!(tanh_numeric[(i, j)], 0.0);
        }
    }
}

#[test]
fn l2_4_relu_prime_is_0_below_and_1_above_the_kink_and_the_crate_picks_0_at_it() {
    for z in [-2.0, -1e-3, -1e-300] {
        assert_eq!(Relu.derivative(z), 0.0);
    }
    for z in [1e-300, 1e-3, 2.0] {
        assert_eq!(Relu.derivative(z), 1.0);
    }
    // Undefined at 0: the one-sided difference quotients have different limits ...
    let h = 1e-8;
    assert_eq!((Relu.value(0.0) - Relu.value(-h)) / h, 0.0); // left limit 0
    assert_eq!((Relu.value(h) - Relu.value(0.0)) / h, 1.0); // right limit 1
    // ... and the crate says which it picks: the left limit, g'(0) = 0, also at −0.
    assert_eq!(Relu.derivative(0.0), 0.0);
    assert_eq!(Relu.derivative(-0.0), 0.0);
    assert_eq!(
        jacobian::da_dz(&Relu, &Matrix::<f64, 1, 1>::filled(0.0)),
        Matrix::filled(0.0)
    );
}

#[test]
fn l2_5_dz2_dw2_is_2_by_8_i2_kron_a1_transposed() {
    let s = seed();
    let exact: Matrix<f64, 2, 8> = jacobian::dz_dw(&s.a1);
    // Row i holds a[1]ᵀ in the columns of row i of W[2] and zeros elsewhere, by hand:
    let a = s.a1;
    let by_hand = Matrix::from_rows([
        [
            a[(0, 0)],
            a[(1, 0)],
            a[(2, 0)],
            a[(3, 0)],
            0.0,
            0.0,
            0.0,
            0.0,
        ],
        [
            0.0,
            0.0,
            0.0,
            0.0,
            a[(0, 0)],
            a[(1, 0)],
            a[(2, 0)],
            a[(3, 0)],
        ],
    ]);
    assert_eq!(exact, by_hand);
    let layer = s.net.1;
    let numeric: Matrix<f64, 2, 8> = fd::jacobian(&layer.weights, |w| *w * s.a1 + layer.bias);
    assert!(numeric.max_abs_diff(&exact) < 1e-9); // linear in W[2]: rounding only
}

#[test]
fn l2_6_dz2_db2_is_i2() {
    let s = seed();
    let layer = s.net.1;
    assert_eq!(jacobian::dz_db::<f64, 2>(), Matrix::<f64, 2, 2>::identity());
    let numeric: Matrix<f64, 2, 2> = fd::jacobian(&layer.bias, |b| layer.weights * s.a1 + *b);
    assert!(numeric.max_abs_diff(&Matrix::identity()) < 1e-9);
}

#[test]
fn l2_7_dj_dz2_is_delta3_w3_diag_g_prime_z2_and_its_transpose_is_delta2() {
    let s = seed();
    // (a) the (1, 2) Jacobian row, multiplied out; transposed [M3] it is the column
    // (W[3]ᵀ δ[3]) ⊙ g'(z[2]) that Dense::delta computes.
    let row = s.dj_dz2();
    let delta2 = s.net.1.delta(&s.z2, &s.net.2.weights.tr_mul(&s.dj_dz3()));
    fd::assert_agree("L2.7 δ[2] = (∂J/∂z[2])ᵀ", &delta2, &row.transpose());
    let g_prime = s.z2.map(|z| Relu.derivative(z));
    assert_eq!(
        delta2,
        (s.net.2.weights.transpose() * s.dj_dz3()).hadamard(&g_prime)
    );
    // (b) central differences of J(z[2]).
    let numeric = fd::gradient(&s.z2, |z| s.j_of_z2(z));
    fd::assert_agree("L2.7 δ[2] vs fd", &delta2, &numeric);
}

#[test]
fn l2_8_dw2_is_delta2_times_a1_transposed() {
    let s = seed();
    // (a) ∂J/∂W[2] = δ[2]ᵀ (I₂ ⊗ a[1]ᵀ), (1, 8), reshaped to (2, 4) ...
    let dz2_dw2: Matrix<f64, 2, 8> = jacobian::dz_dw(&s.a1);
    let jac = s.dj_dz2() * dz2_dw2;
    let reshaped: Matrix<f64, 2, 4> = jacobian::reshape_to_gradient(&jac);
    // ... is the outer product δ[2] a[1]ᵀ, and backward's dW[2].
    let delta2 = s.dj_dz2().transpose();
    fd::assert_agree(
        "L2.8 reshape = δ[2] a[1]ᵀ",
        &reshaped,
        &Matrix::outer(&delta2, &s.a1),
    );
    fd::assert_agree("L2.8 dW[2]", &s.grads.1.weights, &reshaped);
    // (b) central differences.
    fd::assert_agree(
        "L2.8 dW[2] vs fd",
        &s.grads.1.weights,
        &s.numerical_gradients().1.weights,
    );
}

#[test]
fn l2_9_db2_is_delta2() {
    let s = seed();
    // (a) ∂J/∂b[2] = δ[2]ᵀ I₂, so db[2] = δ[2].
    let jac = s.dj_dz2() * jacobian::dz_db::<f64, 2>();
    fd::assert_agree("L2.9 db[2]", &s.grads.1.bias, &jac.transpose());
    // (b) central differences.
    fd::assert_agree(
        "L2.9 db[2] vs fd",
        &s.grads.1.bias,
        &s.numerical_gradients().1.bias,
    );
}

// ===== [L1] The first layer ===========================================================

#[test]
fn l1_1_dz2_dz1_is_w2_diag_g_prime_z1() {
    let s = seed();
    let exact = jacobian::dz_next_dz(&s.net.1.weights, &Relu, &s.z1); // (2, 4)
    assert_eq!(exact, s.net.1.weights * jacobian::da_dz(&Relu, &s.z1));
    // Unit 1 of layer 1 is inactive: column 1 is zero, the others are W[2]'s.
    assert_eq!(exact.column(0), Matrix::zeros());
    assert_eq!(exact.column(2), s.net.1.weights.column(2));
    let layer = s.net.1;
    let numeric: Matrix<f64, 2, 4> = fd::jacobian(&s.z1, |z| layer.pre_activation(&relu(z)));
    assert!(numeric.max_abs_diff(&exact) < 1e-9); // piecewise linear: rounding only
}

#[test]
fn l1_2_delta1_is_w2_transposed_delta2_hadamard_g_prime_z1() {
    let s = seed();
    // (a) (∂J/∂z[1])ᵀ from the full chain, against (W[2]ᵀ δ[2]) ⊙ g'(z[1]).
    let delta2 = s.grads.1.bias; // db[2] = δ[2] [L2.9]
    let delta1 = s.net.0.delta(&s.z1, &s.net.1.weights.tr_mul(&delta2));
    fd::assert_agree("L1.2 δ[1]", &delta1, &s.dj_dz1().transpose());
    let g_prime = s.z1.map(|z| Relu.derivative(z));
    assert_eq!(
        delta1,
        (s.net.1.weights.transpose() * delta2).hadamard(&g_prime)
    );
    // (b) central differences of J(z[1]).
    let numeric = fd::gradient(&s.z1, |z| s.j_of_z1(z));
    fd::assert_agree("L1.2 δ[1] vs fd", &delta1, &numeric);
}

#[test]
fn l1_3_dz1_dw1_is_i4_kron_x_transposed_and_dz1_db1_is_i4() {
    let s = seed();
    let exact_w: Matrix<f64, 4, 12> = jacobian::dz_dw(&s.x);
    assert_eq!(
        exact_w,
        Matrix::<f64, 4, 4>::identity().kron(&s.x.transpose())
    );
    for i in 0..4 {
        for k in 0..12 {
            let expected = if k / 3 == i { s.x[(k % 3, 0)] } else { 0.0 };
            assert_eq!(exact_w[(i, k)], expected, "(∂z[1]/∂W[1])[{i}, {k}]");
        }
    }
    let layer = s.net.0;
    let numeric_w: Matrix<f64, 4, 12> = fd::jacobian(&layer.weights, |w| *w * s.x + layer.bias);
    assert!(numeric_w.max_abs_diff(&exact_w) < 1e-9); // linear: rounding only
    assert_eq!(jacobian::dz_db::<f64, 4>(), Matrix::<f64, 4, 4>::identity());
    let numeric_b: Matrix<f64, 4, 4> = fd::jacobian(&layer.bias, |b| layer.weights * s.x + *b);
    assert!(numeric_b.max_abs_diff(&Matrix::identity()) < 1e-9);
}

#[test]
fn l1_4_dw1_is_delta1_x_transposed_and_db1_is_delta1() {
    let s = seed();
    // (a) ∂J/∂W[1] = δ[1]ᵀ (I₄ ⊗ xᵀ), (1, 12), reshaped to (4, 3); ∂J/∂b[1] = δ[1]ᵀ I₄.
    let dz1_dw1: Matrix<f64, 4, 12> = jacobian::dz_dw(&s.x);
    let dw1: Matrix<f64, 4, 3> = jacobian::reshape_to_gradient(&(s.dj_dz1() * dz1_dw1));
    let db1 = (s.dj_dz1() * jacobian::dz_db::<f64, 4>()).transpose();
    fd::assert_agree("L1.4 reshape = δ[1] xᵀ", &dw1, &Matrix::outer(&db1, &s.x));
    fd::assert_agree("L1.4 dW[1]", &s.grads.0.weights, &dw1);
    fd::assert_agree("L1.4 db[1]", &s.grads.0.bias, &db1);
    // The inactive unit gets no gradient at all: row 1 of dW[1] and db[1]₁ are 0.
    assert_eq!(s.grads.0.weights.row(0), Matrix::zeros());
    assert_eq!(s.grads.0.bias[(0, 0)], 0.0);
    // (b) central differences.
    let fd_grads = s.numerical_gradients();
    fd::assert_agree("L1.4 dW[1] vs fd", &s.grads.0.weights, &fd_grads.0.weights);
    fd::assert_agree("L1.4 db[1] vs fd", &s.grads.0.bias, &fd_grads.0.bias);
}

// ===== [S] The summary ================================================================
// Here the summary's formulas are evaluated with plain loops over the forward values,
// using neither the crate's matrix products nor its backward pass, and compared with
// network::gradients and with finite differences.

/// δ[3], δ[2], δ[1] by the summary's formulas, as plain arrays.
fn summary_deltas(s: &Seed) -> (f64, [f64; 2], [f64; 4]) {
    let step = |z: f64| if z > 0.0 { 1.0 } else { 0.0 };
    let d3 = s.a3[(0, 0)] - s.y[(0, 0)]; // [S1]
    let w3 = s.net.2.weights;
    let d2: [f64; 2] = core::array::from_fn(|i| w3[(0, i)] * d3 * step(s.z2[(i, 0)])); // [S2]
    let d1: [f64; 4] = core::array::from_fn(|i| {
        (0..2).map(|k| s.net.1.weights[(k, i)] * d2[k]).sum::<f64>() * step(s.z1[(i, 0)]) // [S3]
    });
    (d3, d2, d1)
}

#[test]
fn s1_layer3_delta3_is_a3_minus_y_dw3_is_delta3_a2t_db3_is_delta3() {
    let s = seed();
    let (d3, _, _) = summary_deltas(&s);
    let dw3 = Matrix::from_rows([[d3 * s.a2[(0, 0)], d3 * s.a2[(1, 0)]]]);
    fd::assert_agree("S1 dW[3]", &s.grads.2.weights, &dw3);
    fd::assert_agree("S1 db[3]", &s.grads.2.bias, &Matrix::filled(d3));
    let fd_grads = s.numerical_gradients();
    fd::assert_agree("S1 dW[3] vs fd", &dw3, &fd_grads.2.weights);
    fd::assert_agree(
        "S1 db[3] vs fd",
        &Matrix::<f64, 1, 1>::filled(d3),
        &fd_grads.2.bias,
    );
}

#[test]
fn s2_layer2_delta2_is_w3t_delta3_hadamard_g_prime_z2_dw2_is_delta2_a1t_db2_is_delta2() {
    let s = seed();
    let (_, d2, _) = summary_deltas(&s);
    let dw2 = Matrix::<f64, 2, 4>::from_fn(|i, j| d2[i] * s.a1[(j, 0)]);
    let db2 = Matrix::from_column(d2);
    fd::assert_agree("S2 dW[2]", &s.grads.1.weights, &dw2);
    fd::assert_agree("S2 db[2]", &s.grads.1.bias, &db2);
    let fd_grads = s.numerical_gradients();
    fd::assert_agree("S2 dW[2] vs fd", &dw2, &fd_grads.1.weights);
    fd::assert_agree("S2 db[2] vs fd", &db2, &fd_grads.1.bias);
}

#[test]
fn s3_layer1_delta1_is_w2t_delta2_hadamard_g_prime_z1_dw1_is_delta1_xt_db1_is_delta1() {
    let s = seed();
    let (_, _, d1) = summary_deltas(&s);
    let dw1 = Matrix::<f64, 4, 3>::from_fn(|i, j| d1[i] * s.x[(j, 0)]);
    let db1 = Matrix::from_column(d1);
    fd::assert_agree("S3 dW[1]", &s.grads.0.weights, &dw1);
    fd::assert_agree("S3 db[1]", &s.grads.0.bias, &db1);
    let fd_grads = s.numerical_gradients();
    fd::assert_agree("S3 dW[1] vs fd", &dw1, &fd_grads.0.weights);
    fd::assert_agree("S3 db[1] vs fd", &db1, &fd_grads.0.bias);
}

#[test]
fn s4_any_dense_layer_delta_is_da_hadamard_g_prime_dw_is_delta_a_prev_t_da_prev_is_wt_delta() {
    // A layer that is none of the seed's: 3 → 5 with tanh, and an upstream gradient
    // ∂J/∂a chosen freely, J = ⟨∂J/∂a, a⟩ (a linear read-out, so ∂J/∂a is exactly it).
    let layer = Dense::<f64, 3, 5, Tanh>::new(
        Matrix::from_fn(|i, j| 0.3 * (i as f64) - 0.2 * (j as f64) + 0.1),
        Matrix::from_fn(|i, _| 0.05 * (i as f64) - 0.1),
    );
    let a_prev = Matrix::from_column([0.7, -1.2, 0.4]);
    let upstream = Matrix::from_column([0.5, -1.0, 0.25, 2.0, -0.75]);
    let (_, cache) = layer.forward(&a_prev);
    let mut grads = Dense::default();
    let da_prev = layer.backward(&cache, &upstream, &mut grads);
    // The summary by plain loops.
    let z = layer.pre_activation(&a_prev);
    let delta: [f64; 5] =
        core::array::from_fn(|i| upstream[(i, 0)] * (1.0 - z[(i, 0)].tanh().powi(2)));
    let dw = Matrix::<f64, 5, 3>::from_fn(|i, j| delta[i] * a_prev[(j, 0)]);
    let da =
        Matrix::<f64, 3, 1>::from_fn(|j, _| (0..5).map(|i| layer.weights[(i, j)] * delta[i]).sum());
    fd::assert_agree("S4 dW", &grads.weights, &dw);
    fd::assert_agree("S4 db", &grads.bias, &Matrix::from_column(delta));
    fd::assert_agree("S4 ∂J/∂a_prev", &da_prev, &da);
    // Finite differences of J = ⟨upstream, g(W a_prev + b)⟩.
    let j = |l: &Dense<f64, 3, 5, Tanh>, a: &Vector<f64, 3>| {
        upstream.dot(&Layer::<f64, 1>::predict(l, a))
    };
    let numeric = fd::parameter_gradient(&layer, |l| j(l, &a_prev));
    fd::assert_agree("S4 dW vs fd", &grads.weights, &numeric.weights);
    fd::assert_agree("S4 db vs fd", &grads.bias, &numeric.bias);
    fd::assert_agree(
        "S4 ∂J/∂a_prev vs fd",
        &da_prev,
        &fd::gradient(&a_prev, |a| j(&layer, a)),
    );
}

/// Four inputs as the columns of X (3, 4); the first is the fixture's x.
fn batch_x() -> Matrix<f64, 3, 4> {
    Matrix::from_rows([
        [1.0, 0.5, -1.0, 2.0],
        [2.0, -1.0, 0.5, 1.0],
        [-0.5, 1.0, 2.0, 0.25],
    ])
}

#[test]
fn s5_batch_gradients_are_one_over_m_dz_at_and_the_mean_of_per_example_gradients() {
    let s = seed();
    let x = batch_x();
    let y = Matrix::from_rows([[0.0, 1.0, 1.0, 0.0]]);
    let (z3, (c1, c2, c3)) = s.net.forward(&x);
    assert!(
        fd::min_abs(&c1.z) > KINK_MARGIN && fd::min_abs(&c2.z) > KINK_MARGIN,
        "kink"
    );
    let mut grads = SeedNetwork::default();
    network::gradients(&s.net, &SigmoidCrossEntropy, &x, &y, &mut grads);
    let m = 4.0;

    // The loss's gradient carries the 1/m: m · ∂J/∂Z[3] = dZ[3] = A[3] − Y.
    let dz3 = SigmoidCrossEntropy.gradient(&z3, &y) * m;
    assert!(dz3.max_abs_diff(&(z3.map(sigmoid) - y)) <= 2.0 * f64::EPSILON);

    // The seed's vectorised formulas, with the 1/m written where the seed writes it.
    let step = |v: f64| if v > 0.0 { 1.0 } else { 0.0 };
    // dZ[2] = W[3]ᵀ dZ[3] ⊙ g'(Z[2]), dZ[1] = W[2]ᵀ dZ[2] ⊙ g'(Z[1]), without the 1/m.
    let dz2 = (s.net.2.weights.transpose() * dz3).hadamard(&c2.z.map(step));
    let dz1 = (s.net.1.weights.transpose() * dz2).hadamard(&c1.z.map(step));
    let check = |what: &str, got: &[f64], want: &[f64]| {
        assert!(
            fd::relative_error(got, want) < 1e-14,
            "{what}: {got:?} vs {want:?}"
        );
    };
    check(
        "dW[3]",
        grads.2.weights.as_slice(),
        (dz3 * c3.input.transpose() / m).as_slice(),
    );
    check(
        "db[3]",
        grads.2.bias.as_slice(),
        (dz3.row_sums() / m).as_slice(),
    );
    check(
        "dW[2]",
        grads.1.weights.as_slice(),
        (dz2 * c2.input.transpose() / m).as_slice(),
    );
    check(
        "db[2]",
        grads.1.bias.as_slice(),
        (dz2.row_sums() / m).as_slice(),
    );
    check(
        "dW[1]",
        grads.0.weights.as_slice(),
        (dz1 * x.transpose() / m).as_slice(),
    );
    check(
        "db[1]",
        grads.0.bias.as_slice(),
        (dz1.row_sums() / m).as_slice(),
    );

    // The same as the mean of the four single-example gradients (stochastic [C5]).
    let mut mean = SeedNetwork::<f64>::default();
    for i in 0..4 {
        let mut g = SeedNetwork::default();
        network::gradients(
            &s.net,
            &SigmoidCrossEntropy,
            &x.column(i),
            &y.column(i),
            &mut g,
        );
        mean.add_scaled(1.0 / m, &g);
    }
    check(
        "mean of per-example gradients",
        &fd::flatten(&grads),
        &fd::flatten(&mean),
    );

    // And finite differences of the batch cost J = (1/m) Σ L [C6].
    let numeric =
        fd::parameter_gradient(&s.net, |n| network::cost(n, &SigmoidCrossEntropy, &x, &y));
    let rel = fd::relative_error(&fd::flatten(&grads), &fd::flatten(&numeric));
    assert!(
        rel < fd::RELATIVE_TOLERANCE,
        "batch gradient vs fd: {rel:e}"
    );
}

// ===== The worked example =============================================================
// Every number below was produced independently of the crate by
//
//     python3 scripts/worked_example.py        (sympy 1.14.0, Python 3.11.7)
//
// which builds J symbolically from the seed's formulas ([N1]–[N5], [C2]) with the 29
// parameters as symbols, differentiates J with sympy's `diff` once per parameter (no
// chain rule, delta or Jacobian of ours), substitutes the exact rational fixture of
// `seed_network` and `seed_example`, evaluates to 50 significant digits and prints the
// nearest f64 with Python's `repr` (the shortest decimal that round-trips, ≤ 17 digits).
//
// Tolerance 1e-12 (relative to max(1, |value|)): the crate's f64 forward and backward
// pass is some 30 operations deep, each rounding by at most u = 1.1e-16, so its results
// are good to about 1e-14; 1e-12 leaves a margin of 100 and still catches any wrong
// term, which would move a value by far more.

/// `z1` = (-1/4, 1/8, 5/2, 11/8) exactly.
const Z1: [f64; 4] = [-0.25, 0.125, 2.5, 1.375];
/// `a1` = (0, 1/8, 5/2, 11/8) exactly.
const A1: [f64; 4] = [0.0, 0.125, 2.5, 1.375];
/// `z2` = (3/2, 43/64) exactly.
const Z2: [f64; 2] = [1.5, 0.671875];
/// `a2` = (3/2, 43/64) exactly.
const A2: [f64; 2] = [1.5, 0.671875];
/// `z[3]` = 133/128 exactly.
const Z3: f64 = 1.0390625;
/// `a[3]` = σ(z[3]) = 0.73866907432548967435890266332397154843484923199065
const A3: f64 = 0.7386690743254897;
/// `J` = 1.3419677603224687386806396313220584157365268953176
const COST: f64 = 1.3419677603224687;
// The 29 partial derivatives dJ/dθ, differentiated by sympy, shaped like θ [N4, M2]
const DW1: [[f64; 3]; 4] = [
    [0.0, 0.0, 0.0],
    [
        -0.32316772001740174,
        -0.6463354400348035,
        0.16158386000870087,
    ],
    [
        0.023083408572671552,
        0.046166817145343104,
        -0.011541704286335776,
    ],
    [
        0.27700090287205864,
        0.5540018057441173,
        -0.13850045143602932,
    ],
];
const DB1: [[f64; 1]; 4] = [
    [0.0],
    [-0.32316772001740174],
    [0.023083408572671552],
    [0.27700090287205864],
];
const DW2: [[f64; 4]; 2] = [
    [
        0.0,
        0.06925022571801466,
        1.3850045143602931,
        0.7617524828981612,
    ],
    [
        0.0,
        -0.046166817145343104,
        -0.9233363429068621,
        -0.5078349885987742,
    ],
];
const DB2: [[f64; 1]; 2] = [[0.5540018057441173], [-0.36933453716274484]];
const DW3: [[f64; 2]; 1] = [[1.1080036114882346, 0.49629328431243835]];
const DB3: [[f64; 1]; 1] = [[0.7386690743254897]];

/// Asserts `|got − want| ≤ 1e-12 · max(1, |want|)` entry by entry.
#[track_caller]
fn assert_worked(what: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-12 * w.abs().max(1.0),
            "{what}[{k}]: crate {g:e}, sympy {w:e}"
        );
    }
}

#[test]
fn worked_example_forward_values_cost_and_29_gradients_match_sympy() {
    let s = seed();
    assert_worked("z[1]", s.z1.as_slice(), &Z1);
    assert_worked("a[1]", s.a1.as_slice(), &A1);
    assert_worked("z[2]", s.z2.as_slice(), &Z2);
    assert_worked("a[2]", s.a2.as_slice(), &A2);
    assert_worked("z[3]", s.z3.as_slice(), &[Z3]);
    assert_worked("a[3]", s.a3.as_slice(), &[A3]);
    assert_worked("J", &[s.cost(&s.net)], &[COST]);
    let expected = [
        DW1.as_flattened(),
        DB1.as_flattened(),
        DW2.as_flattened(),
        DB2.as_flattened(),
        DW3.as_flattened(),
        DB3.as_flattened(),
    ];
    let names = ["dW[1]", "db[1]", "dW[2]", "db[2]", "dW[3]", "db[3]"];
    for ((block, want), name) in s.grads.blocks().zip(expected).zip(names) {
        assert_worked(name, block, want);
    }
    assert_eq!(expected.iter().map(|b| b.len()).sum::<usize>(), 29);
}

#[test]
fn worked_example_unfused_network_and_identity_layer_give_the_same_numbers() {
    let s = seed();
    let unfused: Unfused<f64> = (s.net.0, s.net.1, Dense::new(s.net.2.weights, s.net.2.bias));
    let mut grads = Unfused::default();
    let j = network::cost_and_gradients(&unfused, &CrossEntropy, &s.x, &s.y, &mut grads);
    assert_worked("J (unfused)", &[j], &[COST]);
    assert_worked(
        "a[3] (unfused)",
        network::forward(&unfused, &s.x).as_slice(),
        &[A3],
    );
    assert_worked(
        "all 29 (unfused)",
        &fd::flatten(&grads),
        &[
            DW1.as_flattened(),
            DB1.as_flattened(),
            DW2.as_flattened(),
            DB2.as_flattened(),
            DW3.as_flattened(),
            DB3.as_flattened(),
        ]
        .concat(),
    );
    // The fused network's last layer is the identity: its output is the logit z[3].
    let _: &Dense<f64, 2, 1, Identity> = &s.net.2;
    assert_worked(
        "z[3] (fused output)",
        network::forward(&s.net, &s.x).as_slice(),
        &[Z3],
    );
}
