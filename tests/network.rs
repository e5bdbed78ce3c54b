//! Whole networks: backpropagation through a stack of layers agrees with the gradient
//! check, for random weights and inputs.
//!
//! * The seed's network [N1–N5], for batches of 1 and 4: `network::gradients` against
//!   `gradcheck::check` (central differences of the cost over all 29 parameters, `f64`,
//!   each within the tolerance the check derives from its own rounding and truncation
//!   error; `tests/gradcheck.rs` proves that tolerance tells right from wrong). Cases whose
//!   ReLU pre-activations come within `1e-4` of the kink are rejected, so no difference
//!   quotient straddles it.
//! * The unfused form (sigmoid layer + cross-entropy) gives the fused gradients [L3.6].
//! * A batch's gradients are the mean of its examples' gradients [S5, C6].
//! * Networks of 2 and 4 layers, other activations and other losses, likewise.
//! * A `Workspace` reused across steps gives the bits of a fresh one [S5].
//! * When a gradient is wrong, the check names the parameter in the seed's notation
//!   (`W[2](1, 3)`) [L3.4]: tested by corrupting one entry of a correct gradient.
//!
//! Case counts are modest (32–48): the test profile is only `opt-level = 1`.
// Uses what needs the standard library (the `std` feature, on by default).
#![cfg(feature = "std")]

#[path = "support/fd.rs"]
mod fd;
#[allow(dead_code)]
#[path = "common/strategies.rs"]
mod strategies;

use backprop::activation::sigmoid;
use backprop::gradcheck::{self, Options};
use backprop::network::{self, SeedNetwork};
use backprop::{
    CrossEntropy, Dense, Identity, Layer, LeakyRelu, Loss, Matrix, Parameters, Relu, Sigmoid,
    SigmoidCrossEntropy, SoftmaxCrossEntropy, SquaredError, Tanh,
};
use proptest::prelude::*;
use strategies::{matrix_from, matrix_in};

/// How close to ReLU's kink a pre-activation may come: a step of `ε` in a weight moves a
/// pre-activation by at most `ε` times an input or activation (≤ 10 here), far below it.
const KINK_MARGIN: f64 = 1e-4;

const U: f64 = f64::EPSILON / 2.0;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig::with_cases(cases)
}

/// The seed's network with weights and biases uniform in `[-1, 1)`.
fn seed_networks() -> impl Strategy<Value = SeedNetwork<f64>> {
    let w = -1.0..1.0;
    (
        matrix_in::<4, 3>(w.clone()),
        matrix_in::<4, 1>(w.clone()),
        matrix_in::<2, 4>(w.clone()),
        matrix_in::<2, 1>(w.clone()),
        matrix_in::<1, 2>(w.clone()),
        matrix_in::<1, 1>(w),
    )
        .prop_map(|(w1, b1, w2, b2, w3, b3)| {
            (Dense::new(w1, b1), Dense::new(w2, b2), Dense::new(w3, b3))
        })
}

/// Labels 0 or 1.
fn labels<const N: usize, const M: usize>() -> impl Strategy<Value = Matrix<f64, N, M>> {
    matrix_from(prop_oneof![Just(0.0), Just(1.0)])
}

/// The smallest `|z|` over the seed network's two ReLU layers, for a batch.
fn seed_kink_distance<const M: usize>(net: &SeedNetwork<f64>, x: &Matrix<f64, 3, M>) -> f64 {
    let (_, cache) = Layer::<f64, M>::forward(net, x);
    fd::min_abs(&cache.0.0.z).min(fd::min_abs(&cache.1.0.z))
}

/// The seed network with its last layer's activation made the sigmoid (same parameters).
type Unfused = (
    Dense<f64, 3, 4, Relu>,
    Dense<f64, 4, 2, Relu>,
    Dense<f64, 2, 1, Sigmoid>,
);

/// The seed network's backward pass for a batch of 4 run on absolute values: with
/// `δ[3]` = `|ŷ − y| / 4`, `δ[l] = (|W[l+1]|ᵀ δ[l+1]) ⊙ g'(z[l])` and `∂J/∂W[l] = δ[l] |a[l−1]|ᵀ`
/// [S4, S5], flattened like the gradients. Each entry bounds the terms summed into the
/// true gradient's entry, so a difference of a few roundings per term is small against it:
/// it is the `M` of the `γₙ · M` bounds in `tests/common/mod.rs`, for the backward pass.
fn absolute_backward(
    net: &SeedNetwork<f64>,
    x: &Matrix<f64, 3, 4>,
    error: &Matrix<f64, 1, 4>,
) -> Vec<f64> {
    let (_, cache) = Layer::<f64, 4>::forward(net, x);
    let relu = |v: f64| v.max(0.0);
    let slope = |v: f64| if v > 0.0 { 1.0 } else { 0.0 };
    let (a1, a2) = (cache.0.0.z.map(relu), cache.1.0.z.map(relu));
    let delta3 = error.map(|e| e.abs() / 4.0);
    let delta2 =
        (net.2.weights.map(f64::abs).transpose() * delta3).hadamard(&cache.1.0.z.map(slope));
    let delta1 =
        (net.1.weights.map(f64::abs).transpose() * delta2).hadamard(&cache.0.0.z.map(slope));
    let mut bound = Vec::new();
    bound.extend((delta1 * x.map(f64::abs).transpose()).iter());
    bound.extend(delta1.row_sums().iter());
    bound.extend((delta2 * a1.transpose()).iter());
    bound.extend(delta2.row_sums().iter());
    bound.extend((delta3 * a2.transpose()).iter());
    bound.extend(delta3.row_sums().iter());
    bound
}

fn unfused(net: &SeedNetwork<f64>) -> Unfused {
    (net.0, net.1, Dense::new(net.2.weights, net.2.bias))
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn s1_s2_s3_seed_network_backward_passes_the_gradient_check_for_one_example(
        net in seed_networks(), x in matrix_in::<3, 1>(-2.0..2.0), y in labels::<1, 1>(),
    ) {
        prop_assume!(seed_kink_distance(&net, &x) > KINK_MARGIN);
        let report = gradcheck::check(&net, &SigmoidCrossEntropy, &x, &y);
        prop_assert!(report.passes(), "{}", report);
        // The crate's estimate (its own steps) agrees with this file's central differences.
        let ours = fd::parameter_gradient(&net, |n| network::cost(n, &SigmoidCrossEntropy, &x, &y));
        let theirs = gradcheck::numerical_gradients(&net, &SigmoidCrossEntropy, &x, &y);
        let ok = fd::agree("ĝ", &fd::flatten(&ours), &fd::flatten(&theirs), true);
        prop_assert!(ok.is_ok(), "{}", ok.unwrap_err());
    }

    #[test]
    fn s5_seed_network_backward_passes_the_gradient_check_for_a_batch_of_4(
        net in seed_networks(), x in matrix_in::<3, 4>(-2.0..2.0), y in labels::<1, 4>(),
    ) {
        prop_assume!(seed_kink_distance(&net, &x) > KINK_MARGIN);
        let report = gradcheck::check(&net, &SigmoidCrossEntropy, &x, &y);
        prop_assert!(report.passes(), "{}", report);
    }

    #[test]
    fn s5_batch_gradients_are_the_mean_of_the_examples_gradients(
        net in seed_networks(), x in matrix_in::<3, 4>(-2.0..2.0), y in labels::<1, 4>(),
    ) {
        let mut batch = SeedNetwork::default();
        network::gradients(&net, &SigmoidCrossEntropy, &x, &y, &mut batch);
        let mut singles = Vec::new();
        for j in 0..4 {
            let mut g = SeedNetwork::default();
            network::gradients(&net, &SigmoidCrossEntropy, &x.column(j), &y.column(j), &mut g);
            singles.push(fd::flatten(&g));
        }
        // Entry by entry: the mean of four numbers, summed in another order than the
        // batch's δ Aᵀ; each way is within a few roundings of the sum of magnitudes
        // (the backward chain is 3 layers deep, ~10 roundings): 16u · Σ|g| / 4.
        for (k, got) in fd::flatten(&batch).into_iter().enumerate() {
            let mean = singles.iter().map(|g| g[k]).sum::<f64>() / 4.0;
            let magnitude = singles.iter().map(|g| g[k].abs()).sum::<f64>() / 4.0;
            prop_assert!((got - mean).abs() <= 16.0 * U * magnitude,
                "{}: batch {} vs mean {}", batch.parameter_name(k).unwrap(), got, mean);
        }
        // The cost is the mean of the costs [C6].
        let j = network::cost(&net, &SigmoidCrossEntropy, &x, &y);
        let mean: f64 = (0..4).map(|i| network::cost(&net, &SigmoidCrossEntropy, &x.column(i), &y.column(i))).sum::<f64>() / 4.0;
        prop_assert!((j - mean).abs() <= 8.0 * U * mean);
    }

    #[test]
    fn l3_6_unfused_sigmoid_layer_and_cross_entropy_give_the_fused_gradients(
        net in seed_networks(), x in matrix_in::<3, 4>(-2.0..2.0), y in labels::<1, 4>(),
    ) {
        let mut fused = SeedNetwork::default();
        let j_fused = network::cost_and_gradients(&net, &SigmoidCrossEntropy, &x, &y, &mut fused);
        let mut split = Unfused::default();
        let j_split = network::cost_and_gradients(&unfused(&net), &CrossEntropy, &x, &y, &mut split);
        // The unfused δ[3] = (ŷ − y)/(ŷ(1 − ŷ)) · ŷ(1 − ŷ) inherits the rounding of 1 − ŷ,
        // relative u / min(ŷ, 1 − ŷ). The backward pass carries that difference, and its
        // own roundings, through sums that may cancel: δ[1] = W[2]ᵀ δ[2] can be 150 times
        // smaller than its terms (0.491 δ[3] − 0.495 δ[3]), and the batch sums examples
        // whose gradients differ in sign. So the bound is relative to the same backward
        // pass run on absolute values, |δ[3]| through |W|ᵀ and |a|, where nothing cancels.
        let a = network::predict(&net, &SigmoidCrossEntropy, &x);
        let closest = a.iter().fold(1.0f64, |m, p| m.min(*p).min(1.0 - *p));
        let magnitude = absolute_backward(&net, &x, &(a - y));
        for (k, (f, s)) in fd::flatten(&fused).into_iter().zip(fd::flatten(&split)).enumerate() {
            // The bound is at least the gradient itself (it sums the terms' magnitudes).
            prop_assert!(f.abs() <= magnitude[k] * (1.0 + 1e-12));
            prop_assert!((f - s).abs() <= 16.0 * U / closest * magnitude[k],
                "{}: fused {:e}, unfused {:e}", fused.parameter_name(k).unwrap(), f, s);
        }
        prop_assert!((j_fused - j_split).abs() <= 16.0 * U / closest * j_fused.max(1.0));
        prop_assert_eq!(network::forward(&unfused(&net), &x), a); // ŷ = σ(z[3]) both ways
    }

    #[test]
    fn network_predict_is_the_loss_link_of_forward_and_cost_and_gradients_agree(
        net in seed_networks(), x in matrix_in::<3, 4>(-2.0..2.0), y in labels::<1, 4>(),
    ) {
        let z3 = network::forward(&net, &x);
        prop_assert_eq!(network::predict(&net, &SigmoidCrossEntropy, &x), z3.map(sigmoid));
        let mut g1 = SeedNetwork::default();
        let mut g2 = SeedNetwork::default();
        network::gradients(&net, &SigmoidCrossEntropy, &x, &y, &mut g1);
        let j = network::cost_and_gradients(&net, &SigmoidCrossEntropy, &x, &y, &mut g2);
        prop_assert_eq!(g1, g2);
        prop_assert_eq!(j, network::cost(&net, &SigmoidCrossEntropy, &x, &y));
        prop_assert_eq!(j, SigmoidCrossEntropy.cost(&z3, &y));
    }
}

// ----- Other depths, activations and losses -------------------------------------------

/// 3 → 5 (tanh) → 2 (logits), trained with softmax cross-entropy.
type TwoLayers = (Dense<f64, 3, 5, Tanh>, Dense<f64, 5, 2, Identity>);

/// 4 → 6 (ReLU) → 5 (leaky ReLU) → 3 (tanh) → 1 (sigmoid), trained with cross-entropy.
type FourLayers = (
    Dense<f64, 4, 6, Relu>,
    Dense<f64, 6, 5, LeakyRelu<f64>>,
    Dense<f64, 5, 3, Tanh>,
    Dense<f64, 3, 1, Sigmoid>,
);

fn two_layer_networks() -> impl Strategy<Value = TwoLayers> {
    let w = -1.0..1.0;
    (
        matrix_in::<5, 3>(w.clone()),
        matrix_in::<5, 1>(w.clone()),
        matrix_in::<2, 5>(w.clone()),
        matrix_in::<2, 1>(w),
    )
        .prop_map(|(w1, b1, w2, b2)| (Dense::new(w1, b1), Dense::new(w2, b2)))
}

fn four_layer_networks() -> impl Strategy<Value = FourLayers> {
    let w = -1.0..1.0;
    (
        (matrix_in::<6, 4>(w.clone()), matrix_in::<6, 1>(w.clone())),
        (matrix_in::<5, 6>(w.clone()), matrix_in::<5, 1>(w.clone())),
        (matrix_in::<3, 5>(w.clone()), matrix_in::<3, 1>(w.clone())),
        (matrix_in::<1, 3>(w.clone()), matrix_in::<1, 1>(w)),
    )
        .prop_map(|(l1, l2, l3, l4)| {
            (
                Dense::new(l1.0, l1.1),
                Dense::new(l2.0, l2.1),
                Dense::new(l3.0, l3.1),
                Dense::new(l4.0, l4.1),
            )
        })
}

/// One-hot targets for two classes.
fn one_hot_2<const M: usize>() -> impl Strategy<Value = Matrix<f64, 2, M>> {
    labels::<1, M>()
        .prop_map(|t| Matrix::from_fn(|i, j| if i == 1 { t[(0, j)] } else { 1.0 - t[(0, j)] }))
}

proptest! {
    #![proptest_config(config(32))]

    #[test]
    fn two_layer_tanh_softmax_network_passes_the_gradient_check(
        net in two_layer_networks(), x in matrix_in::<3, 3>(-2.0..2.0), y in one_hot_2::<3>(),
    ) {
        let report = gradcheck::check(&net, &SoftmaxCrossEntropy, &x, &y);
        prop_assert!(report.passes(), "{}", report);
        prop_assert_eq!(net.parameter_count(), 15 + 5 + 10 + 2);
    }

    #[test]
    fn four_layer_network_passes_the_gradient_check(
        net in four_layer_networks(), x in matrix_in::<4, 2>(-2.0..2.0), y in labels::<1, 2>(),
    ) {
        let (_, cache) = net.forward(&x);
        prop_assume!(fd::min_abs(&cache.0.0.z).min(fd::min_abs(&cache.1.0.z)) > KINK_MARGIN);
        let report = gradcheck::check(&net, &CrossEntropy, &x, &y);
        prop_assert!(report.passes(), "{}", report);
        // With the squared loss instead [C1, L3.8], too.
        let report = gradcheck::check(&net, &SquaredError, &x, &y);
        prop_assert!(report.passes(), "{}", report);
    }

    #[test]
    fn four_layer_network_input_gradient_agrees_with_finite_differences(
        net in four_layer_networks(), x in matrix_in::<4, 2>(-2.0..2.0), y in labels::<1, 2>(),
    ) {
        // ∂J/∂X through all four layers [S4: ∂J/∂a[l−1] = W[l]ᵀ δ[l], applied four times].
        let (output, cache) = net.forward(&x);
        prop_assume!(fd::min_abs(&cache.0.0.z).min(fd::min_abs(&cache.1.0.z)) > KINK_MARGIN);
        let mut grads = FourLayers::default();
        let dx = net.backward(&x, &cache, &CrossEntropy.gradient(&output, &y), &mut grads);
        let numeric = fd::gradient(&x, |x| network::cost(&net, &CrossEntropy, x, &y));
        let ok = fd::agree("∂J/∂X", dx.as_slice(), numeric.as_slice(), true);
        prop_assert!(ok.is_ok(), "{}", ok.unwrap_err());
    }
}

// ----- Naming the wrong parameter -----------------------------------------------------

/// The seed's names of the 29 parameters in the crate's order, written out by hand:
/// W[1] row by row, b[1], W[2], b[2], W[3], b[3]; rows and columns from 1 [L3.4, N4].
const SEED_NAMES: [&str; 29] = [
    "W[1](1, 1)",
    "W[1](1, 2)",
    "W[1](1, 3)",
    "W[1](2, 1)",
    "W[1](2, 2)",
    "W[1](2, 3)",
    "W[1](3, 1)",
    "W[1](3, 2)",
    "W[1](3, 3)",
    "W[1](4, 1)",
    "W[1](4, 2)",
    "W[1](4, 3)",
    "b[1](1)",
    "b[1](2)",
    "b[1](3)",
    "b[1](4)",
    "W[2](1, 1)",
    "W[2](1, 2)",
    "W[2](1, 3)",
    "W[2](1, 4)",
    "W[2](2, 1)",
    "W[2](2, 2)",
    "W[2](2, 3)",
    "W[2](2, 4)",
    "b[2](1)",
    "b[2](2)",
    "W[3](1, 1)",
    "W[3](1, 2)",
    "b[3](1)",
];

proptest! {
    #![proptest_config(config(32))]

    #[test]
    fn n4_a_corrupted_gradient_is_caught_and_its_parameter_named(
        net in seed_networks(), x in matrix_in::<3, 2>(-2.0..2.0), y in labels::<1, 2>(),
        k in 0usize..29, error in prop_oneof![-1.0..-0.01f64, 0.01..1.0f64],
    ) {
        prop_assume!(seed_kink_distance(&net, &x) > KINK_MARGIN);
        let mut analytic = SeedNetwork::default();
        network::gradients(&net, &SigmoidCrossEntropy, &x, &y, &mut analytic);
        let numeric = gradcheck::estimate(&net, &SigmoidCrossEntropy, &x, &y, &Options::default());
        // A copy with one wrong partial derivative: off by `error`, far above the estimate's
        // own error (≤ 1e-8), so it is the worst and the check fails ...
        let mut tampered = analytic;
        let wrong = analytic.parameter(k).unwrap() + error;
        fd::set(&mut tampered, k, wrong);
        let report = gradcheck::compare(&tampered, &numeric);
        prop_assert_eq!(report.worst_index, k);
        prop_assert_eq!(&report.worst_name, SEED_NAMES[k]);
        prop_assert_eq!(report.worst_analytic, wrong);
        prop_assert!(!report.passes(), "{}", report);
        prop_assert!(report.to_string().contains(SEED_NAMES[k]));
        // ... while the untouched gradient passes.
        prop_assert!(gradcheck::compare(&analytic, &numeric).passes());
    }
}

#[test]
fn n4_parameter_names_follow_the_seed_notation_and_stop_at_29() {
    let net = SeedNetwork::<f64>::default();
    for (k, name) in SEED_NAMES.iter().enumerate() {
        assert_eq!(
            net.parameter_name(k).as_deref(),
            Some(*name),
            "parameter {k}"
        );
    }
    assert_eq!(net.parameter_name(29), None);
    assert_eq!(net.parameter(29), None);
    // In a four-layer network the last layer is 4: its weights are W[4](1, j).
    let four = FourLayers::default();
    let n = four.parameter_count();
    assert_eq!(n, (24 + 6) + (30 + 5) + (15 + 3) + (3 + 1));
    assert_eq!(four.parameter_name(n - 1).as_deref(), Some("b[4](1)"));
    assert_eq!(four.parameter_name(n - 2).as_deref(), Some("W[4](1, 3)"));
    assert_eq!(four.parameter_name(24 + 6).as_deref(), Some("W[2](1, 1)"));
}

#[test]
fn gradient_check_of_the_seed_network_reports_the_worst_parameter_of_a_real_bug() {
    // A bug made by hand: backward's dW[2] with its entries in reverse order (row 2
    // before row 1, column 4 before column 1), as a wrong index would give. The check
    // fails and names an entry of W[2].
    let mut net = SeedNetwork::<f64>::default();
    net.0.weights = Matrix::from_fn(|i, j| 0.3 + 0.1 * i as f64 - 0.2 * j as f64);
    net.0.bias = Matrix::from_column([0.1, -0.1, 0.2, 0.3]);
    net.1.weights = Matrix::from_fn(|i, j| 0.4 - 0.3 * i as f64 + 0.15 * j as f64);
    net.1.bias = Matrix::from_column([0.2, 0.1]);
    net.2.weights = Matrix::from_rows([[0.8, -0.6]]);
    let x = Matrix::from_column([1.0, 0.5, -0.5]);
    let y = Matrix::from_column([1.0]);
    assert!(seed_kink_distance(&net, &x) > KINK_MARGIN);
    let mut grads = SeedNetwork::default();
    network::gradients(&net, &SigmoidCrossEntropy, &x, &y, &mut grads);
    let numeric = gradcheck::estimate(&net, &SigmoidCrossEntropy, &x, &y, &Options::default());
    assert!(gradcheck::compare(&grads, &numeric).passes());
    let w = grads.1.weights;
    grads.1.weights = Matrix::from_fn(|i, j| w[(1 - i, 3 - j)]);
    let report = gradcheck::compare(&grads, &numeric);
    assert!(!report.passes(), "{report}");
    assert!(report.worst_name.starts_with("W[2]("), "{report}");
    assert!((16..24).contains(&report.worst_index));
}

proptest! {
    #![proptest_config(config(32))]

    /// A `Workspace` held across steps (the loop form of `gradients_in`) leaves nothing
    /// from one batch in the next: after a step on another batch and other weights, the
    /// cost, every gradient and the stored output are the bits of a fresh workspace's.
    #[test]
    fn s5_a_reused_workspace_gives_the_bits_of_a_fresh_one(
        first in seed_networks(), second in seed_networks(),
        x1 in matrix_in::<3, 4>(-2.0..2.0), y1 in labels::<1, 4>(),
        x2 in matrix_in::<3, 4>(-2.0..2.0), y2 in labels::<1, 4>(),
    ) {
        let loss = SigmoidCrossEntropy;
        let mut workspace = network::Workspace::default();
        let mut held = SeedNetwork::default();
        network::gradients_in(&mut workspace, &first, &loss, &x1, &y1, &mut held);
        let cost_held =
            network::cost_and_gradients_in(&mut workspace, &second, &loss, &x2, &y2, &mut held);
        let mut fresh = SeedNetwork::default();
        let cost_fresh = network::cost_and_gradients(&second, &loss, &x2, &y2, &mut fresh);
        prop_assert_eq!(cost_held.to_bits(), cost_fresh.to_bits());
        prop_assert_eq!(held, fresh);
        prop_assert_eq!(*workspace.output(), network::forward(&second, &x2));
    }
}
