//! Exact where the sigmoid saturates: the local derivatives and `δ[3]` keep their relative
//! accuracy for logits far from 0, and the unfused pair shows why the fused form is the
//! one to train with.
//!
//! Textbook forms cancel there. At `z = 30`, `σ(z)` is within one ulp of 1, so `1 − σ(z)`
//! keeps only a few correct bits, and beyond `z ≈ 36.7` (`f64`) it is exactly 0. The crate
//! uses forms that are mathematically the same and never subtract nearly equal numbers:
//!
//! ```text
//! σ'(z)            = σ(z) σ(−z)                 not σ(z)(1 − σ(z))       [L3.3]
//! δ[3] = a[3] − y  = (1 − y) σ(z) − y σ(−z)     not σ(z) − y             [L3.6]
//! tanh'(z)         = 4e / (1 + e)², e = e^(−2|z|)   not 1 − tanh(z)²
//! lse(z) − z_a     = ln_1p(Σ_{k≠a} e^(z_k − z_a))  for the arg max a (softmax cost)
//! ŷ_a − 1          = −Σ_{k≠a} ŷ_k                   (softmax gradient)
//! ```
//!
//! Each is checked against a reference computed here with the standard library's `exp`,
//! `ln_1p` and `cosh` (independent of the crate's own `exp` and `ln`), in the form that has
//! no cancellation, to a few ulps relative: [`ULPS`] units of roundoff `u = ε/2`. The
//! 50-digit references of `tests/high_precision.rs` check the same through the whole
//! seed network.

use backprop::activation::sigmoid;
use backprop::loss::softmax;
use backprop::{
    Activation, CrossEntropy, Loss, Matrix, Sigmoid, SigmoidCrossEntropy, SoftmaxCrossEntropy, Tanh,
};

/// The relative error allowed against a reference: each side takes a handful of
/// correctly rounded or ≤ 1-ulp operations (one `exp`, a division, one or two products),
/// so 8 units of roundoff `u` bound both with room to spare.
const ULPS: f64 = 8.0;

/// `|got − want| ≤ ULPS · u · |want|`, with `u` the unit roundoff of the type the value
/// was computed in (`f64::EPSILON / 2`, or `f32::EPSILON / 2` for `f32`).
fn assert_relative(what: &str, got: f64, want: f64, u: f64) {
    let error = (got - want).abs();
    assert!(
        error <= ULPS * u * want.abs(),
        "{what}: got {got:e}, want {want:e}, relative error {:.2e} (> {ULPS} u = {:.2e})",
        error / want.abs(),
        ULPS * u
    );
}

const U64: f64 = f64::EPSILON / 2.0;
const U32: f64 = f32::EPSILON as f64 / 2.0;

/// `σ(w)` in the cancellation-free form, with the standard library's `exp`.
fn sigmoid_reference(w: f64) -> f64 {
    if w >= 0.0 {
        1.0 / (1.0 + (-w).exp())
    } else {
        w.exp() / (1.0 + w.exp())
    }
}

/// Logits from 20 to 700 in `f64`, both signs: `σ` rounds to 1 beyond 36.7, and `e^(−700)`
/// is still a normal number.
const LOGITS_F64: [f64; 8] = [20.0, 30.0, 36.0, 40.0, 50.0, 100.0, 300.0, 700.0];

/// Logits up to 80 in `f32`: `σ` rounds to 1 beyond 16.6, and `e^(−80) ≈ 1.8e-35` is still
/// a normal `f32` (the smallest is `1.2e-38`, reached at `e^(−87.3)`).
const LOGITS_F32: [f64; 6] = [10.0, 17.0, 20.0, 40.0, 60.0, 80.0];

#[test]
fn l3_3_sigma_prime_is_sigma_times_sigma_of_minus_z_exact_to_a_few_ulps_up_to_z_700() {
    for z in LOGITS_F64.into_iter().flat_map(|z| [z, -z]) {
        // σ'(z) = σ(z) σ(−z): symmetric in z, about e^(−|z|) far out.
        let want = sigmoid_reference(z) * sigmoid_reference(-z);
        assert_relative(&format!("σ'({z})"), Sigmoid.derivative(z), want, U64);
    }
    // The textbook σ(1 − σ) is already 0 at z = 40, where σ' ≈ 4.2e-18.
    let s = sigmoid(40.0f64);
    assert_eq!(s * (1.0 - s), 0.0);
    assert!(Sigmoid.derivative(40.0f64) > 4.2e-18);
}

#[test]
fn l3_3_sigma_prime_in_f32_is_exact_to_a_few_ulps_up_to_z_80() {
    for z in LOGITS_F32.into_iter().flat_map(|z| [z, -z]) {
        let z32 = z as f32;
        let zz = z32 as f64;
        let want = sigmoid_reference(zz) * sigmoid_reference(-zz);
        assert_relative(
            &format!("σ'({z}) in f32"),
            Sigmoid.derivative(z32) as f64,
            want,
            U32,
        );
    }
}

#[test]
fn l3_6_fused_delta3_is_exact_to_a_few_ulps_for_both_labels_up_to_z_700() {
    for z in LOGITS_F64.into_iter().flat_map(|z| [z, -z]) {
        for y in [0.0, 1.0] {
            // δ[3] = a[3] − y: σ(z) for y = 0, −σ(−z) for y = 1 [L3.6].
            let want = if y == 0.0 {
                sigmoid_reference(z)
            } else {
                -sigmoid_reference(-z)
            };
            let got =
                SigmoidCrossEntropy.gradient(&Matrix::<f64, 1, 1>::filled(z), &Matrix::filled(y));
            assert_relative(&format!("δ[3] at z = {z}, y = {y}"), got[(0, 0)], want, U64);
        }
    }
    // What the textbook σ(z) − y gives at z = 40, y = 1: exactly 0, where δ[3] ≈ −4.2e-18.
    assert_eq!(sigmoid(40.0f64) - 1.0, 0.0);
}

#[test]
fn l3_6_fused_delta3_in_f32_is_exact_to_a_few_ulps_for_both_labels_up_to_z_80() {
    for z in LOGITS_F32.into_iter().flat_map(|z| [z, -z]) {
        for y in [0.0f32, 1.0] {
            let z32 = z as f32;
            let zz = z32 as f64;
            let want = if y == 0.0 {
                sigmoid_reference(zz)
            } else {
                -sigmoid_reference(-zz)
            };
            let (_, grad) = SigmoidCrossEntropy
                .cost_and_gradient(&Matrix::<f32, 1, 1>::filled(z32), &Matrix::filled(y));
            let what = format!("δ[3] at z = {z}, y = {y} in f32");
            assert_relative(&what, grad[(0, 0)] as f64, want, U32);
        }
    }
}

#[test]
fn l3_6_the_unfused_pair_parts_from_the_fused_delta3_where_sigma_rounds_to_one() {
    // The unfused pair: a Sigmoid last layer and CrossEntropy on ŷ = σ(z), whose backward
    // multiplies dJ/da[3] = (ŷ − y) / (ŷ(1 − ŷ)) [L3.2] by σ'(z) [L3.3]. For y = 0 that is
    // σ'(z) / (1 − ŷ): the error of ŷ near 1 (up to about 2u absolute: one rounding of
    // e^(−z), of 1 + e and of the quotient) becomes a relative error of up to
    // 2u / (1 − σ(z)) ≈ 2u e^z in 1 − ŷ.
    let unfused = |z: f64, y: f64| {
        let a = Matrix::<f64, 1, 1>::filled(sigmoid(z));
        CrossEntropy.gradient(&a, &Matrix::filled(y))[(0, 0)] * Sigmoid.derivative(z)
    };
    let fused = |z: f64, y: f64| {
        SigmoidCrossEntropy.gradient(&Matrix::<f64, 1, 1>::filled(z), &Matrix::filled(y))[(0, 0)]
    };
    for z in [1.0f64, 5.0, 10.0, 20.0, 30.0] {
        let want = sigmoid_reference(z);
        assert_relative(&format!("fused δ[3], z = {z}"), fused(z, 0.0), want, U64);
        // Unfused: good only to about 2u e^z relative (plus a few roundings).
        let bound = (ULPS + 2.0 * z.exp()) * U64 * want;
        let error = (unfused(z, 0.0) - want).abs();
        assert!(
            error <= bound,
            "unfused δ[3], z = {z}: error {error:e} > {bound:e}"
        );
    }
    // Once σ(z) rounds to exactly 1 (z > 36.7), CrossEntropy clamps ŷ to 1 − ε and the
    // pair's δ[3] = σ'(z) / ε is a tiny fraction of the truth σ(z) ≈ 1: a confidently
    // wrong example (y = 0 at z = 40) is barely corrected. The fused δ[3] is exact.
    for (z, y) in [(40.0f64, 0.0), (50.0, 0.0), (-40.0, 1.0), (-50.0, 1.0)] {
        let want = if y == 0.0 {
            sigmoid_reference(z)
        } else {
            -sigmoid_reference(-z)
        };
        assert_relative(&format!("fused δ[3], z = {z}"), fused(z, y), want, U64);
        let parted = unfused(z, y);
        assert!(
            parted.abs() < 0.05 * want.abs(),
            "unfused δ[3] at z = {z}, y = {y}: {parted:e}, truth {want:e}"
        );
    }
}

#[test]
fn tanh_derivative_is_exact_to_a_few_ulps_where_tanh_rounds_to_one() {
    // 1 − tanh(z)² is exactly 0 beyond z ≈ 19.1 in f64; the truth is sech² z = 1/cosh² z.
    for z in [0.0f64, 0.5, 5.0, 10.0, 19.0, 20.0, 50.0, 300.0] {
        for z in [z, -z] {
            let want = 1.0 / (z.cosh() * z.cosh());
            assert_relative(&format!("tanh'({z})"), Tanh.derivative(z), want, U64);
        }
    }
    let t = 20.0f64.tanh();
    assert_eq!(1.0 - t * t, 0.0);
}

#[test]
fn softmax_cross_entropy_cost_of_a_confident_example_is_exact_to_a_few_ulps() {
    // Logits (s, 0, −5) with the true class 0 (the arg max): L = ln(1 + e^(−s) + e^(−s−5)).
    // For s = 20 the cost is 2.1e-9; max z + ln Σ e^(z − max) − z_y would round 20 + 2.1e-9
    // to a multiple of ulp(20) = 3.6e-15 before subtracting 20: relative error up to 1e-6.
    for s in [2.0f64, 10.0, 20.0, 30.0, 100.0] {
        let z = Matrix::<f64, 3, 1>::from_column([s, 0.0, -5.0]);
        let y = Matrix::<f64, 3, 1>::from_column([1.0, 0.0, 0.0]);
        let rest = (-s).exp() + (-s - 5.0).exp();
        let want = rest.ln_1p();
        let what = format!("softmax cross-entropy at s = {s}");
        assert_relative(&what, SoftmaxCrossEntropy.cost(&z, &y), want, U64);
        // Its gradient: ŷ − y, with ŷ₀ − 1 = −(ŷ₁ + ŷ₂) = −rest / (1 + rest).
        let grad = SoftmaxCrossEntropy.gradient(&z, &y);
        let sum = 1.0 + rest;
        let want_grad = [-rest / sum, (-s).exp() / sum, (-s - 5.0).exp() / sum];
        for k in 0..3 {
            let what = format!("softmax gradient {k} at s = {s}");
            assert_relative(&what, grad[(k, 0)], want_grad[k], U64);
        }
        // The same exponentials make the prediction.
        let p = softmax(&z);
        assert_relative(&format!("softmax₀ at s = {s}"), p[(0, 0)], 1.0 / sum, U64);
    }
}

#[test]
fn softmax_cross_entropy_of_a_confidently_wrong_example_is_exact_to_a_few_ulps() {
    // Logits (s, 0, −5) with the true class 1: L = s + ln(1 + e^(−s) + e^(−s−5)), a sum of
    // positive terms; ∂L/∂z₁ = ŷ₁ − 1 ≈ −1, ∂L/∂z₀ = ŷ₀ ≈ 1.
    for s in [2.0f64, 20.0, 100.0, 700.0] {
        let z = Matrix::<f64, 3, 1>::from_column([s, 0.0, -5.0]);
        let y = Matrix::<f64, 3, 1>::from_column([0.0, 1.0, 0.0]);
        let rest = (-s).exp() + (-s - 5.0).exp();
        let want = s + rest.ln_1p();
        let what = format!("softmax cross-entropy at s = {s}, class 1");
        assert_relative(&what, SoftmaxCrossEntropy.cost(&z, &y), want, U64);
        let grad = SoftmaxCrossEntropy.gradient(&z, &y);
        let sum = 1.0 + rest;
        let want_grad = [1.0 / sum, (-s).exp() / sum - 1.0, (-s - 5.0).exp() / sum];
        for k in 0..3 {
            let what = format!("softmax gradient {k} at s = {s}, class 1");
            assert_relative(&what, grad[(k, 0)], want_grad[k], U64);
        }
    }
}
