//! Numerical safety at the edges: the sigmoid, the fused cross-entropy on the logit and
//! softmax stay finite and correct for inputs of magnitude `1e4`, `745`, `89` and `0`
//! (both signs), in `f32` and `f64`; cross-entropy on probabilities of exactly 0 or 1 is
//! finite; and a NaN is never turned into a number.
//!
//! The magnitudes are where naive formulas break: `e^745` overflows `f64` (and `e^89`
//! overflows `f32`), so `1 / (1 + e^(−z))` at `z = −745` would be `1/∞`, and softmax of
//! `[1e4, …]` without shifting would be `∞/∞ = NaN`; `e^(−745)` is the last `f64`
//! subnormal before 0, and `e^(−89)` is subnormal in `f32`.
//!
//! Reference values are computed in `f64` with the standard library's `exp` and `ln_1p`,
//! not with the crate's. Every tolerance is stated where it is used, in units of the
//! type's machine epsilon `ε` (`2.2e-16` for `f64`, `1.2e-7` for `f32`).

use backprop::activation::sigmoid;
use backprop::loss::softmax;
use backprop::network::{self, SeedNetwork};
use backprop::{
    Activation, CrossEntropy, Identity, LeakyRelu, Loss, Matrix, Parameters, Relu, Scalar, Sigmoid,
    SigmoidCrossEntropy, SoftmaxCrossEntropy, Tanh,
};

/// The inputs, in increasing order: `±1e4`, `±745`, `±89`, `−0` and `0`.
const INPUTS: [f64; 8] = [-1e4, -745.0, -89.0, -0.0, 0.0, 89.0, 745.0, 1e4];

/// `σ(z)` in `f64` with the standard library, in the form that cannot overflow.
fn sigma_reference(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        z.exp() / (1.0 + z.exp())
    }
}

/// `L(z, y) = log(1 + e^z) − z y = max(z, 0) − z y + log(1 + e^(−|z|))` in `f64`.
fn fused_loss_reference(z: f64, y: f64) -> f64 {
    z.max(0.0) - z * y + (-z.abs()).exp().ln_1p()
}

fn one<T: Scalar>(v: T) -> Matrix<T, 1, 1> {
    Matrix::filled(v)
}

// ----- Sigmoid ------------------------------------------------------------------------

fn sigmoid_is_finite_bounded_monotone_symmetric_and_correct<T: Scalar>() {
    let eps = T::EPSILON.to_f64();
    let zs: Vec<T> = INPUTS.iter().map(|&z| T::from_f64(z)).collect();
    let values: Vec<T> = zs.iter().map(|&z| sigmoid(z)).collect();
    for (&z, &s) in zs.iter().zip(&values) {
        assert!(
            s.is_finite() && s >= T::ZERO && s <= T::ONE,
            "{}: σ({z}) = {s}",
            T::NAME
        );
        assert_eq!(Sigmoid.value(z), s);
        // Correct: within one ε of the f64 reference, as an absolute error on a value in
        // [0, 1] (a rounding of a number below 1 is at most ε/2, twice for the division).
        let reference = sigma_reference(z.to_f64());
        assert!(
            (s.to_f64() - reference).abs() <= eps,
            "{}: σ({z}) = {s}, reference {reference:e}",
            T::NAME
        );
        // σ(−z) = 1 − σ(z) where representable: the two sides differ by the roundings of
        // σ(z) and of 1 − σ(z), at most ε together; where σ(z) rounds to 1, σ(−z) is a
        // number below ε that 1 − σ(z) = 0 cannot represent, and the same bound holds.
        let mirror = sigmoid(-z);
        assert!(
            (mirror.to_f64() - (1.0 - s.to_f64())).abs() <= eps,
            "{}: σ(−{z}) = {mirror}",
            T::NAME
        );
        let d = Sigmoid.derivative(z);
        assert!(
            d.is_finite() && d >= T::ZERO && d.to_f64() <= 0.25,
            "{}: σ'({z}) = {d}",
            T::NAME
        );
    }
    for pair in values.windows(2) {
        assert!(
            pair[0] <= pair[1],
            "{}: σ is not monotone: {values:?}",
            T::NAME
        );
    }
    // Closed forms: exactly ½ at 0; exactly 1 and 0 at ±1e4 (e^(−1e4) underflows to 0).
    assert_eq!(sigmoid(T::ZERO), T::HALF);
    assert_eq!(sigmoid(-T::ZERO), T::HALF);
    assert_eq!(sigmoid(T::from_f64(1e4)), T::ONE);
    assert_eq!(sigmoid(T::from_f64(-1e4)), T::ZERO);
    assert_eq!(sigmoid(T::from_f64(745.0)), T::ONE);
}

#[test]
fn sigmoid_is_finite_in_0_1_monotone_and_symmetric_for_huge_inputs_f64() {
    sigmoid_is_finite_bounded_monotone_symmetric_and_correct::<f64>();
    // In f64 the tail is not merely bounded but right: σ(−89) = e^(−89) / (1 + e^(−89)),
    // which is e^(−89) to within 2 roundings (relative 2ε).
    let tail = sigmoid(-89.0_f64);
    assert!((tail - (-89.0_f64).exp()).abs() <= 2.0 * f64::EPSILON * (-89.0_f64).exp());
    assert!(sigmoid(-745.0_f64) >= 0.0 && sigmoid(-745.0_f64) <= 5e-324);
}

#[test]
fn sigmoid_is_finite_in_0_1_monotone_and_symmetric_for_huge_inputs_f32() {
    sigmoid_is_finite_bounded_monotone_symmetric_and_correct::<f32>();
}

// ----- Cross-entropy on the logit (fused) ---------------------------------------------

fn fused_cross_entropy_matches_its_closed_form<T: Scalar>() {
    let eps = T::EPSILON.to_f64();
    for &z64 in &INPUTS {
        for y64 in [0.0, 1.0] {
            let (z, y) = (T::from_f64(z64), T::from_f64(y64));
            let l = SigmoidCrossEntropy.losses(&one(z), &one(y))[(0, 0)];
            let g = SigmoidCrossEntropy.gradient(&one(z), &one(y))[(0, 0)];
            // The reference in f64; the loss is a sum of three terms each rounded once or
            // twice, so 4ε relative to max(1, |L|).
            let reference = fused_loss_reference(z64, y64);
            assert!(l.is_finite(), "{}: L({z}, {y}) = {l}", T::NAME);
            assert!(
                (l.to_f64() - reference).abs() <= 4.0 * eps * reference.abs().max(1.0),
                "{}: L({z}, {y}) = {l}, closed form {reference}",
                T::NAME
            );
            // The gradient σ(z) − y is finite and in [−1, 1], within ε of the reference.
            assert!(
                g.is_finite() && g.to_f64().abs() <= 1.0,
                "{}: ∂L/∂z({z}, {y}) = {g}",
                T::NAME
            );
            assert!((g.to_f64() - (sigma_reference(z64) - y64)).abs() <= eps);
        }
    }
    // The closed forms at ±1e4: log(1 + e^(−1e4)) is 0 in either type, so these are exact.
    let l = |z: f64, y: f64| {
        SigmoidCrossEntropy.losses(&one(T::from_f64(z)), &one(T::from_f64(y)))[(0, 0)]
    };
    let g = |z: f64, y: f64| {
        SigmoidCrossEntropy.gradient(&one(T::from_f64(z)), &one(T::from_f64(y)))[(0, 0)]
    };
    assert_eq!(l(1e4, 0.0), T::from_f64(1e4)); // confidently wrong: L = z
    assert_eq!(l(1e4, 1.0), T::ZERO); //          confidently right: L = 0
    assert_eq!(l(-1e4, 0.0), T::ZERO);
    assert_eq!(l(-1e4, 1.0), T::from_f64(1e4));
    assert_eq!((g(1e4, 0.0), g(1e4, 1.0)), (T::ONE, T::ZERO));
    assert_eq!((g(-1e4, 0.0), g(-1e4, 1.0)), (T::ZERO, -T::ONE));
    // At z = 0 both labels cost log 2 (ŷ = ½); log(1 + 1) rounded once: within ε.
    assert!((l(0.0, 0.0).to_f64() - core::f64::consts::LN_2).abs() <= eps);
    assert!((l(0.0, 1.0).to_f64() - core::f64::consts::LN_2).abs() <= eps);
}

#[test]
fn fused_cross_entropy_at_logits_1e4_745_89_0_equals_its_closed_form_f64() {
    fused_cross_entropy_matches_its_closed_form::<f64>();
}

#[test]
fn fused_cross_entropy_at_logits_1e4_745_89_0_equals_its_closed_form_f32() {
    fused_cross_entropy_matches_its_closed_form::<f32>();
}

#[test]
fn seed_network_with_a_logit_of_1e4_has_a_finite_cost_and_finite_gradients() {
    // Through the whole network: weights that drive z[3] to 1e4 with the wrong label.
    let mut net = SeedNetwork::<f64>::default();
    net.0.bias = Matrix::from_column([1.0, 1.0, 1.0, 1.0]);
    net.1.weights = Matrix::filled(1.0);
    net.2.weights = Matrix::from_rows([[1250.0, 1250.0]]); // z[3] = 2 · 1250 · 4 = 1e4
    let x = Matrix::from_column([0.0, 0.0, 0.0]);
    for (label, cost) in [(0.0, 1e4), (1.0, 0.0)] {
        let y = Matrix::from_column([label]);
        let mut grads = SeedNetwork::default();
        let j = network::cost_and_gradients(&net, &SigmoidCrossEntropy, &x, &y, &mut grads);
        assert_eq!(network::forward(&net, &x)[(0, 0)], 1e4);
        assert_eq!(j, cost);
        assert!(grads.is_finite(), "{grads:?}");
    }
}

// ----- Softmax ------------------------------------------------------------------------

fn softmax_is_finite_sums_to_one_and_is_right_for_huge_logits<T: Scalar>() {
    let eps = T::EPSILON.to_f64();
    let logits = [
        [1e4, -1e4, 0.0],
        [745.0, -745.0, 0.0],
        [89.0, -89.0, 0.0],
        [-0.0, 0.0, 0.0],
        [-1e4, -1e4, -1e4],
        [1e4, 1e4, -1e4],
    ];
    // The expected probabilities (the tiny ones, below ε, written as 0).
    let third = 1.0 / 3.0;
    let expected = [
        [1.0, 0.0, 0.0],
        [1.0, 0.0, 0.0],
        [1.0, 0.0, 0.0],
        [third, third, third],
        [third, third, third], // without the shift by the maximum: 0 / 0
        [0.5, 0.5, 0.0],
    ];
    let z = Matrix::<T, 3, 6>::from_fn(|k, j| T::from_f64(logits[j][k]));
    let p = softmax(&z);
    assert!(p.is_finite(), "{}: {p:?}", T::NAME);
    for j in 0..6 {
        let mut sum = 0.0;
        for k in 0..3 {
            let v = p[(k, j)].to_f64();
            // One exponential and one division, each within ε/2 relative; plus an
            // absolute ε for the tiny terms written as 0 above.
            assert!(
                (0.0..=1.0).contains(&v) && (v - expected[j][k]).abs() <= 2.0 * eps,
                "{}: softmax({:?})[{k}] = {v}",
                T::NAME,
                logits[j]
            );
            sum += v;
        }
        // Three numbers that sum to 1 before rounding: within 3 roundings of 1.
        assert!(
            (sum - 1.0).abs() <= 3.0 * eps,
            "{}: column {j} sums to {sum}",
            T::NAME
        );
    }
    // The fused loss with one-hot targets is logsumexp(z) − z_k: finite, and for the first
    // column [1e4, −1e4, 0] exactly 0, 2e4 and 1e4 (logsumexp = 1e4 + log(1 + tiny) = 1e4).
    let column = Matrix::<T, 3, 3>::from_fn(|k, _| T::from_f64(logits[0][k]));
    let targets = Matrix::<T, 3, 3>::identity(); // column k is the one-hot target of class k
    let losses = SoftmaxCrossEntropy.losses(&column, &targets);
    assert_eq!(
        losses,
        Matrix::from_rows([[T::ZERO, T::from_f64(2e4), T::from_f64(1e4)]])
    );
    assert!(SoftmaxCrossEntropy.gradient(&column, &targets).is_finite());
    let all = SoftmaxCrossEntropy.losses(
        &z,
        &Matrix::from_fn(|k, _| if k == 0 { T::ONE } else { T::ZERO }),
    );
    assert!(all.is_finite(), "{}: {all:?}", T::NAME);
}

#[test]
fn softmax_columns_are_finite_and_sum_to_1_for_logits_like_1e4_minus_1e4_0_f64() {
    softmax_is_finite_sums_to_one_and_is_right_for_huge_logits::<f64>();
}

#[test]
fn softmax_columns_are_finite_and_sum_to_1_for_logits_like_1e4_minus_1e4_0_f32() {
    softmax_is_finite_sums_to_one_and_is_right_for_huge_logits::<f32>();
}

// ----- Cross-entropy on probabilities (clamped) ---------------------------------------

fn cross_entropy_of_exact_0_and_1_is_finite<T: Scalar>() {
    let eps = T::EPSILON;
    let l = |p: T, y: T| CrossEntropy.losses(&one(p), &one(y))[(0, 0)];
    let g = |p: T, y: T| CrossEntropy.gradient(&one(p), &one(y))[(0, 0)];
    for p in [T::ZERO, T::ONE] {
        for y in [T::ZERO, T::ONE] {
            assert!(
                l(p, y).is_finite() && l(p, y) >= T::ZERO,
                "{}: L({p}, {y}) = {}",
                T::NAME,
                l(p, y)
            );
            assert!(
                g(p, y).is_finite(),
                "{}: dL/dŷ({p}, {y}) = {}",
                T::NAME,
                g(p, y)
            );
        }
    }
    // Right: about 0 (ŷ is clamped to ε or 1 − ε, so −log(1 − ε) ≈ ε: at most 2ε).
    assert!(l(T::ONE, T::ONE) <= T::TWO * eps && l(T::ZERO, T::ZERO) <= T::TWO * eps);
    // Wrong: the clamp's ceiling −log ε (36.04 in f64, 15.94 in f32), not ∞; one
    // logarithm, rounded within ε relative.
    let ceiling = -eps.to_f64().ln();
    for wrong in [l(T::ONE, T::ZERO), l(T::ZERO, T::ONE)] {
        assert!(
            (wrong.to_f64() - ceiling).abs() <= 2.0 * eps.to_f64() * ceiling,
            "{}: {wrong}",
            T::NAME
        );
    }
}

#[test]
fn cross_entropy_on_probabilities_exactly_0_or_1_is_finite_f64() {
    cross_entropy_of_exact_0_and_1_is_finite::<f64>();
}

#[test]
fn cross_entropy_on_probabilities_exactly_0_or_1_is_finite_f32() {
    cross_entropy_of_exact_0_and_1_is_finite::<f32>();
}

// ----- NaN stays NaN ------------------------------------------------------------------

fn nan_passes_through_activations_and_fused_losses<T: Scalar>() {
    let nan = T::from_f64(f64::NAN);
    assert!(nan.is_nan());
    assert!(sigmoid(nan).is_nan(), "{}: σ(NaN)", T::NAME);
    assert!(Sigmoid.value(nan).is_nan());
    assert!(Sigmoid.derivative(nan).is_nan());
    assert!(Relu.value(nan).is_nan(), "{}: relu(NaN)", T::NAME);
    assert!(LeakyRelu::<T>::default().value(nan).is_nan());
    assert!(Tanh.value(nan).is_nan());
    assert!(Identity.value(nan).is_nan());
    let y = one(T::ONE);
    assert!(SigmoidCrossEntropy.losses(&one(nan), &y)[(0, 0)].is_nan());
    assert!(SigmoidCrossEntropy.gradient(&one(nan), &y)[(0, 0)].is_nan());
    let z = Matrix::<T, 3, 1>::from_column([nan, T::ONE, T::ZERO]);
    assert!(
        softmax(&z).iter().all(|v| v.is_nan()),
        "{}: {:?}",
        T::NAME,
        softmax(&z)
    );
    assert!(
        SoftmaxCrossEntropy.losses(&z, &Matrix::from_column([T::ZERO, T::ONE, T::ZERO]))[(0, 0)]
            .is_nan()
    );
}

#[test]
fn nan_stays_nan_through_sigmoid_relu_and_the_fused_losses_f64() {
    nan_passes_through_activations_and_fused_losses::<f64>();
}

#[test]
fn nan_stays_nan_through_sigmoid_relu_and_the_fused_losses_f32() {
    nan_passes_through_activations_and_fused_losses::<f32>();
}

#[test]
fn nan_input_makes_the_seed_networks_cost_and_gradients_nan_not_numbers() {
    let mut net = SeedNetwork::<f64>::default();
    net.0.weights = Matrix::filled(0.5);
    net.1.weights = Matrix::filled(0.5);
    net.2.weights = Matrix::filled(0.5);
    let x = Matrix::from_column([f64::NAN, 1.0, 2.0]);
    let y = Matrix::from_column([1.0]);
    let mut grads = SeedNetwork::default();
    let j = network::cost_and_gradients(&net, &SigmoidCrossEntropy, &x, &y, &mut grads);
    assert!(j.is_nan());
    // Every gradient that depends on x is NaN (the biases' too: δ is NaN everywhere).
    assert!(grads.blocks().flatten().all(|v| v.is_nan()), "{grads:?}");
}

#[test]
fn cross_entropy_of_a_nan_probability_is_nan() {
    // CrossEntropy clamps ŷ to [ε, 1 − ε] with max/min, which return the other operand
    // when one is NaN: a NaN prediction becomes ε, and a diverged network reports a
    // finite loss of −log ε ≈ 36 instead of NaN.
    for y in [0.0, 1.0] {
        let l = CrossEntropy.losses(&one(f64::NAN), &one(y))[(0, 0)];
        let g = CrossEntropy.gradient(&one(f64::NAN), &one(y))[(0, 0)];
        assert!(l.is_nan(), "L(NaN, {y}) = {l}, not NaN");
        assert!(g.is_nan(), "dL/dŷ(NaN, {y}) = {g}, not NaN");
    }
    let l32 = CrossEntropy.losses(&one(f32::NAN), &one(1.0f32))[(0, 0)];
    assert!(l32.is_nan(), "f32: L(NaN, 1) = {l32}, not NaN");
}
