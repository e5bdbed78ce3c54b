//! The optimizers of `backprop::optim` do what their formulas say, and they minimise.
//!
//! * SGD's step is exactly `θ − α dθ` [C7], bit for bit, for every one of the seed
//!   network's 29 parameters [N4], in f64 and f32.
//! * Momentum's velocity recursion `v := β v + dθ`, `θ := θ − α v` is replayed by hand for
//!   three steps (bit for bit, same order of operations), and checked a second way
//!   against its closed form `θ₃ = θ₀ − α((1 + β + β²) g₁ + (1 + β) g₂ + g₃)`.
//! * Adam's first two steps are recomputed in the test, in f64, from the formulas in the
//!   docs of `src/optim.rs` (first and second moments, bias correction, the step), one
//!   line per formula; after the first step the update is `α g / (|g| + ε) ≈ α sign(g)`.
//! * Each optimizer drives a convex problem (least squares with one linear layer) from
//!   its start to the optimum, which the test computes in closed form from the normal
//!   equations and checks a second way (the gradient there is zero).
//! * The constructors reject learning rates that are not positive and finite, and
//!   momentum or betas outside `[0, 1)`, with messages that name the culprit and value.

use backprop::network::{self, SeedNetwork};
use backprop::optim::{Adam, Momentum, Optimizer, Sgd};
use backprop::rng::Rng;
use backprop::{Dense, Error, Identity, Matrix, Parameters, Scalar, SquaredError};

/// Every parameter of `p`, in block order, as f64.
fn values<T: Scalar, P: Parameters<T>>(p: &P) -> Vec<f64> {
    p.blocks().flatten().map(|v| v.to_f64()).collect()
}

/// Every parameter of `p`, in block order, as raw bits.
fn bits<T: Scalar, P: Parameters<T>>(p: &P) -> Vec<u64> {
    p.blocks().flatten().map(|v| v.to_bits_u64()).collect()
}

/// A seed network whose every parameter (biases too) is drawn from `N(0, 1)`.
fn random_seed_network<T: Scalar>(seed: u64) -> SeedNetwork<T> {
    let mut net = SeedNetwork::<T>::default();
    let mut rng = Rng::new(seed);
    for block in net.blocks_mut() {
        rng.fill_normal(block, T::ZERO, T::ONE);
    }
    net
}

/// Sets the parameters of `p`, in block order, from `values`.
fn set_values<T: Scalar, P: Parameters<T>>(p: &mut P, values: &[T]) {
    let mut it = values.iter();
    for v in p.blocks_mut().flatten() {
        *v = *it.next().expect("enough values");
    }
    assert!(it.next().is_none(), "too many values");
}

/// The message of an [`Error::Invalid`]; panics on any other outcome.
fn invalid_message<X: core::fmt::Debug>(result: Result<X, Error>) -> String {
    match result {
        Err(Error::Invalid { message }) => message.to_string(),
        other => panic!("expected Error::Invalid, got {other:?}"),
    }
}

// ----- SGD [C7] -------------------------------------------------------------------------

fn check_sgd_step_is_exact<T: Scalar>() {
    let net0 = random_seed_network::<T>(1);
    let grads = random_seed_network::<T>(2);
    let alpha = T::from_f64(0.1);

    let mut net = net0;
    Sgd::new(alpha).unwrap().step(&mut net, &grads);

    // By hand, parameter by parameter: θ − α dθ, rounded once for the product and once
    // for the difference, as IEEE arithmetic in T does it.
    let expected: Vec<u64> = net0
        .blocks()
        .flatten()
        .zip(grads.blocks().flatten())
        .map(|(&theta, &d)| (theta - alpha * d).to_bits_u64())
        .collect();
    assert_eq!(bits(&net), expected);
    assert_eq!(expected.len(), 29); // every parameter of the seed network [N4]
}

#[test]
fn c7_sgd_step_is_theta_minus_alpha_dtheta_bit_for_bit_f64() {
    check_sgd_step_is_exact::<f64>();
}

#[test]
fn c7_sgd_step_is_theta_minus_alpha_dtheta_bit_for_bit_f32() {
    check_sgd_step_is_exact::<f32>();
}

#[test]
fn c7_sgd_with_a_zero_gradient_leaves_the_parameters_unchanged() {
    let net0 = random_seed_network::<f64>(3);
    let mut net = net0;
    Sgd::new(0.5)
        .unwrap()
        .step(&mut net, &SeedNetwork::<f64>::default());
    assert_eq!(bits(&net), bits(&net0));
}

#[test]
fn sgd_reports_its_learning_rate() {
    assert_eq!(Sgd::new(0.25f64).unwrap().learning_rate(), 0.25);
}

// ----- Momentum -------------------------------------------------------------------------

#[test]
fn momentum_velocity_recursion_over_three_steps_matches_hand_computation() {
    let (alpha, beta) = (0.1f64, 0.9f64);
    let net0 = random_seed_network::<f64>(10);
    let g: [SeedNetwork<f64>; 3] = [
        random_seed_network(11),
        random_seed_network(12),
        random_seed_network(13),
    ];

    let mut net = net0;
    let mut opt = Momentum::<f64, SeedNetwork<f64>>::new(alpha, beta).unwrap();
    assert_eq!(bits(opt.velocity()), vec![0; 29]); // v starts at zero
    for gk in &g {
        opt.step(&mut net, gk);
    }

    // First way: the recursion by hand, per parameter, in the order the docs write it:
    //   v₁ = β·0 + g₁,  θ₁ = θ₀ − α v₁
    //   v₂ = β v₁ + g₂, θ₂ = θ₁ − α v₂
    //   v₃ = β v₂ + g₃, θ₃ = θ₂ − α v₃
    // The same operations in the same order, so the result must agree bit for bit.
    let (theta0, g1, g2, g3) = (values(&net0), values(&g[0]), values(&g[1]), values(&g[2]));
    let mut hand_theta = Vec::new();
    let mut hand_v = Vec::new();
    for k in 0..29 {
        let v1 = beta * 0.0 + g1[k];
        let t1 = theta0[k] - alpha * v1;
        let v2 = beta * v1 + g2[k];
        let t2 = t1 - alpha * v2;
        let v3 = beta * v2 + g3[k];
        let t3 = t2 - alpha * v3;
        hand_theta.push(t3.to_bits());
        hand_v.push(v3.to_bits());
    }
    assert_eq!(bits(&net), hand_theta);
    assert_eq!(bits(opt.velocity()), hand_v);

    // Second way: the closed form of the recursion,
    //   v₃ = β² g₁ + β g₂ + g₃,
    //   θ₃ = θ₀ − α (v₁ + v₂ + v₃) = θ₀ − α ((1 + β + β²) g₁ + (1 + β) g₂ + g₃),
    // equal up to rounding (a few ulps of the terms' magnitudes).
    let (theta, v) = (values(&net), values(opt.velocity()));
    for k in 0..29 {
        let v3 = beta * beta * g1[k] + beta * g2[k] + g3[k];
        let t3 =
            theta0[k] - alpha * ((1.0 + beta + beta * beta) * g1[k] + (1.0 + beta) * g2[k] + g3[k]);
        let scale = theta0[k].abs() + 3.0 * (g1[k].abs() + g2[k].abs() + g3[k].abs());
        assert!(
            (v[k] - v3).abs() <= 1e-15 * scale,
            "v[{k}]: {} vs {v3}",
            v[k]
        );
        assert!(
            (theta[k] - t3).abs() <= 1e-15 * scale,
            "θ[{k}]: {} vs {t3}",
            theta[k]
        );
    }
}

#[test]
fn momentum_with_beta_zero_is_sgd() {
    let net0 = random_seed_network::<f64>(20);
    let (mut a, mut b) = (net0, net0);
    let mut momentum = Momentum::<f64, SeedNetwork<f64>>::new(0.05, 0.0).unwrap();
    let mut sgd = Sgd::new(0.05).unwrap();
    for seed in 21..24 {
        let g = random_seed_network::<f64>(seed);
        momentum.step(&mut a, &g);
        sgd.step(&mut b, &g);
    }
    // v = 0·v + dθ = dθ exactly, so θ − α v is θ − α dθ bit for bit.
    assert_eq!(bits(&a), bits(&b));
}

// ----- Adam -----------------------------------------------------------------------------

/// Gradients for the Adam test: random, but with a zero, a huge and a tiny entry placed
/// where they show the behaviour of the first step.
fn adam_gradient(seed: u64) -> SeedNetwork<f64> {
    let mut g = random_seed_network::<f64>(seed);
    let mut entries = values(&g);
    entries[0] = 0.0; //    m = v = 0: no step at all
    entries[1] = 1e6; //    huge: the step is still α
    entries[2] = -3e-7; //  |g| ≫ ε: the step is ≈ −α·sign(g) = +α
    entries[3] = 1e-9; //   |g| < ε: the step is α g / (|g| + ε) ≈ α/11, far from α
    set_values(&mut g, &entries);
    g
}

#[test]
fn adam_first_two_steps_match_the_formulas_computed_by_hand() {
    let (alpha, beta1, beta2, eps) = (0.01f64, 0.9f64, 0.999f64, 1e-8f64);
    let net0 = random_seed_network::<f64>(30);
    let (g1, g2) = (adam_gradient(31), adam_gradient(32));

    let mut net = net0;
    let mut adam = Adam::<f64, SeedNetwork<f64>>::new(alpha).unwrap();
    assert_eq!(adam.steps(), 0);
    adam.step(&mut net, &g1);
    assert_eq!(adam.steps(), 1);
    let after1 = (
        values(&net),
        values(adam.first_moment()),
        values(adam.second_moment()),
    );
    adam.step(&mut net, &g2);
    assert_eq!(adam.steps(), 2);
    let after2 = (
        values(&net),
        values(adam.first_moment()),
        values(adam.second_moment()),
    );

    // The expected values, computed here in f64 from the formulas of src/optim.rs, step by
    // step, parameter by parameter, independently of the crate's code:
    //   m := β₁ m + (1 − β₁) g,  v := β₂ v + (1 − β₂) g²,
    //   m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ),  θ := θ − α m̂ / (√v̂ + ε).
    // A few ulps apart at most (the crate may order the operations differently), so the
    // tolerance is 1e-14 relative to each quantity's size.
    let close = |what: &str, k: usize, got: f64, want: f64| {
        assert!(
            (got - want).abs() <= 1e-14 * want.abs().max(1e-300),
            "{what}[{k}]: got {got}, want {want}"
        );
    };
    let (theta0, g1, g2) = (values(&net0), values(&g1), values(&g2));
    for k in 0..29 {
        // Step t = 1, from m₀ = v₀ = 0.
        let m1 = (1.0 - beta1) * g1[k];
        let v1 = (1.0 - beta2) * g1[k] * g1[k];
        let m1_hat = m1 / (1.0 - beta1);
        let v1_hat = v1 / (1.0 - beta2);
        let theta1 = theta0[k] - alpha * m1_hat / (v1_hat.sqrt() + eps);
        close("m after step 1", k, after1.1[k], m1);
        close("v after step 1", k, after1.2[k], v1);
        close("θ after step 1", k, after1.0[k], theta1);

        // Step t = 2.
        let m2 = beta1 * m1 + (1.0 - beta1) * g2[k];
        let v2 = beta2 * v1 + (1.0 - beta2) * g2[k] * g2[k];
        let m2_hat = m2 / (1.0 - beta1 * beta1);
        let v2_hat = v2 / (1.0 - beta2 * beta2);
        let theta2 = theta1 - alpha * m2_hat / (v2_hat.sqrt() + eps);
        close("m after step 2", k, after2.1[k], m2);
        close("v after step 2", k, after2.2[k], v2);
        close("θ after step 2", k, after2.0[k], theta2);
    }
}

#[test]
fn adam_first_step_is_about_alpha_times_sign_of_the_gradient() {
    // After one step m̂ = g and v̂ = g² (the bias correction undoes the (1 − β) factors), so
    // the update is −α g / (|g| + ε) = −α sign(g) / (1 + ε/|g|): within α ε/|g| of
    // −α sign(g), whatever the size of g, and exactly 0 where g = 0.
    let alpha = 0.01f64;
    let eps = 1e-8;
    let net0 = random_seed_network::<f64>(40);
    let g = adam_gradient(41);
    let mut net = net0;
    Adam::<f64, SeedNetwork<f64>>::new(alpha)
        .unwrap()
        .step(&mut net, &g);

    let (theta0, theta1, g) = (values(&net0), values(&net), values(&g));
    for k in 0..29 {
        let update = theta1[k] - theta0[k];
        if g[k] == 0.0 {
            assert_eq!(update, 0.0, "parameter {k}: zero gradient, no step");
            continue;
        }
        // 1e-15·|θ| allows for the rounding of θ − update.
        let tolerance = alpha * eps / g[k].abs() + 1e-15 * (theta0[k].abs() + alpha);
        if eps / g[k].abs() < 1e-6 {
            assert!(
                (update + alpha * g[k].signum()).abs() <= tolerance,
                "parameter {k}: g = {}, update {update}, want ≈ {}",
                g[k],
                -alpha * g[k].signum()
            );
        }
    }
    // The "≈" needs |g| ≫ ε: with g = 1e-9 < ε = 1e-8 the step is α·1e-9/(1.1e-8) = α/11.
    let tiny = theta1[3] - theta0[3];
    assert!((tiny + alpha / 11.0).abs() <= 1e-12 * alpha, "{tiny}");
    // And a gradient of 1e6 moves its parameter by α, not by α·1e6.
    assert!((theta1[1] - theta0[1] + alpha).abs() <= 1e-14);
}

// ----- Every optimizer minimises a convex problem ---------------------------------------

/// A linear model `ŷ = w·x + b` trained with the squared error: `J(w, b) =
/// (1/2m) Σᵢ (w·x(i) + b − y(i))²` is a convex quadratic [C1, C6].
type Linear = Dense<f64, 3, 1, Identity>;

/// Eight examples (columns) of three features, and targets `2x₁ − x₂ + ½x₃ + 1` plus a
/// fixed residual, so that the optimum does not fit exactly (J* > 0).
fn least_squares_problem() -> (Matrix<f64, 3, 8>, Matrix<f64, 1, 8>) {
    let x = Matrix::from_rows([
        [1.0, -1.0, 0.5, 2.0, -1.5, 0.0, 1.5, -0.5],
        [0.5, 1.0, -2.0, 0.0, 1.0, -1.0, 1.5, -1.5],
        [2.0, 0.0, 1.0, -1.0, -2.0, 1.5, -0.5, 0.5],
    ]);
    let residual = [0.3, -0.2, 0.1, -0.4, 0.25, 0.05, -0.15, 0.2];
    let y =
        Matrix::from_fn(|_, j| 2.0 * x[(0, j)] - x[(1, j)] + 0.5 * x[(2, j)] + 1.0 + residual[j]);
    (x, y)
}

/// The least-squares optimum `(w*, b*)` from the normal equations
/// `(Σ x̃ x̃ᵀ) θ = Σ x̃ y` with `x̃ = (x₁, x₂, x₃, 1)`, solved by Gaussian elimination with
/// partial pivoting (4 unknowns).
fn least_squares_optimum(x: &Matrix<f64, 3, 8>, y: &Matrix<f64, 1, 8>) -> Linear {
    let mut a = [[0.0f64; 5]; 4]; // the augmented system [A | r]
    for j in 0..8 {
        let xt = [x[(0, j)], x[(1, j)], x[(2, j)], 1.0];
        for r in 0..4 {
            for c in 0..4 {
                a[r][c] += xt[r] * xt[c];
            }
            a[r][4] += xt[r] * y[(0, j)];
        }
    }
    for col in 0..4 {
        let pivot = (col..4)
            .max_by(|&p, &q| a[p][col].abs().total_cmp(&a[q][col].abs()))
            .unwrap();
        a.swap(col, pivot);
        let (upper, lower) = a.split_at_mut(col + 1);
        let pivot_row = &upper[col];
        for row in lower {
            let f = row[col] / pivot_row[col];
            for (x, p) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                *x -= f * p;
            }
        }
    }
    let mut theta = [0.0f64; 4];
    for r in (0..4).rev() {
        let s: f64 = (r + 1..4).map(|c| a[r][c] * theta[c]).sum();
        theta[r] = (a[r][4] - s) / a[r][r];
    }
    Linear::new(
        Matrix::from_rows([[theta[0], theta[1], theta[2]]]),
        Matrix::from_column([theta[3]]),
    )
}

/// Runs `steps` full-batch steps of `opt` from `w = 0, b = 0` and returns the costs
/// before each step and after the last (`steps + 1` values), and the final model.
fn minimise(opt: &mut impl Optimizer<f64, Linear>, steps: usize) -> (Vec<f64>, Linear) {
    let (x, y) = least_squares_problem();
    let mut model = Linear::default();
    let mut grads = Linear::default();
    let mut costs = Vec::with_capacity(steps + 1);
    for _ in 0..steps {
        costs.push(network::cost_and_gradients(
            &model,
            &SquaredError,
            &x,
            &y,
            &mut grads,
        ));
        opt.step(&mut model, &grads);
    }
    costs.push(network::cost(&model, &SquaredError, &x, &y));
    (costs, model)
}

/// The cost at the optimum, and the gradient norm at `model`.
fn optimum_cost_and_gradient_norm(model: &Linear) -> (f64, f64) {
    let (x, y) = least_squares_problem();
    let best = least_squares_optimum(&x, &y);
    let mut grads = Linear::default();
    network::gradients(model, &SquaredError, &x, &y, &mut grads);
    (network::cost(&best, &SquaredError, &x, &y), grads.norm())
}

#[test]
fn the_closed_form_optimum_has_zero_gradient() {
    // The check of the reference itself: at (w*, b*) every partial derivative vanishes
    // (up to rounding), and the fit is not exact, so J* > 0.
    let (x, y) = least_squares_problem();
    let best = least_squares_optimum(&x, &y);
    let (j_star, gradient_norm) = optimum_cost_and_gradient_norm(&best);
    assert!(gradient_norm < 1e-13, "{gradient_norm}");
    assert!(j_star > 1e-3, "{j_star}");
    // Not far from the generating coefficients (2, −1, ½) and 1.
    let w = best.weights;
    assert!((w[(0, 0)] - 2.0).abs() < 0.2 && (w[(0, 1)] + 1.0).abs() < 0.2);
    assert!((w[(0, 2)] - 0.5).abs() < 0.2 && (best.bias[(0, 0)] - 1.0).abs() < 0.2);
}

/// The claims every optimizer must meet on the convex problem: the cost goes down over
/// every window of 50 steps (unless it already sits at `J*` to rounding) and in all, ends
/// within `gap` of the optimum `J*`, and the gradient norm ends below `gradient`.
fn assert_minimises(name: &str, costs: &[f64], model: &Linear, gap: f64, gradient: f64) {
    let (j_star, gradient_norm) = optimum_cost_and_gradient_norm(model);
    let (first, last) = (costs[0], *costs.last().unwrap());
    assert!(last < first, "{name}: cost {first} → {last}");
    for (k, window) in costs.windows(51).step_by(50).enumerate() {
        assert!(
            window[50] < window[0] || window[0] - j_star <= 1e-15,
            "{name}: cost rose over steps {}..{}: {} → {}",
            50 * k,
            50 * k + 50,
            window[0],
            window[50]
        );
    }
    // The optimum is a lower bound (up to rounding), and it is approached.
    assert!(last >= j_star - 1e-12, "{name}: {last} below J* = {j_star}");
    assert!(
        last - j_star <= gap,
        "{name}: J − J* = {} after 200 steps",
        last - j_star
    );
    assert!(
        gradient_norm <= gradient,
        "{name}: ‖∇J‖ = {gradient_norm} after 200 steps"
    );
}

#[test]
fn sgd_minimises_least_squares_and_its_cost_falls_at_every_step() {
    let (costs, model) = minimise(&mut Sgd::new(0.2).unwrap(), 200);
    // The Hessian of J is (1/m) Σ x̃ x̃ᵀ, whose eigenvalues lie in [0.70, 2.39] (power
    // iteration on the 4×4 matrix, done outside the test). With α = 0.2 < 1/λ_max ≈ 0.42,
    // gradient descent on a quadratic lowers the cost at every step, and the error
    // shrinks at least by 1 − α λ_min ≈ 0.86 per step: below rounding within 200 steps.
    // (Until it reaches J* to rounding, after which it stays there, within a few ulps.)
    let (j_star, _) = optimum_cost_and_gradient_norm(&model);
    for (k, pair) in costs.windows(2).enumerate() {
        assert!(
            pair[1] < pair[0] || pair[0] - j_star <= 1e-15,
            "step {k}: {} → {}",
            pair[0],
            pair[1]
        );
    }
    assert!(costs.iter().all(|&c| c >= j_star - 1e-15));
    assert_minimises("SGD", &costs, &model, 1e-10, 1e-5);
}

// The tolerances of the next two tests are about 40× (momentum) and 20× (Adam) above what
// the runs reach (J − J* ≈ 2.6e-10 and 5.1e-9, ‖∇J‖ ≈ 2.8e-5 and 9.2e-5 from J₀ − J* ≈ 5):
// momentum oscillates on its way in, and Adam's constant step size makes it creep the last
// part of the way.
#[test]
fn momentum_minimises_least_squares() {
    let mut opt = Momentum::<f64, Linear>::new(0.05, 0.9).unwrap();
    let (costs, model) = minimise(&mut opt, 200);
    assert_minimises("momentum", &costs, &model, 1e-8, 1e-4);
}

#[test]
fn adam_minimises_least_squares() {
    let mut opt = Adam::<f64, Linear>::new(0.05).unwrap();
    let (costs, model) = minimise(&mut opt, 200);
    assert_minimises("Adam", &costs, &model, 1e-7, 1e-3);
}

// ----- Constructors reject bad constants ------------------------------------------------

#[test]
fn constructors_reject_a_learning_rate_that_is_not_positive_and_finite() {
    type Net = SeedNetwork<f64>;
    for (alpha, shown) in [
        (0.0, "0"),
        (-0.1, "-0.1"),
        (f64::NAN, "NaN"),
        (f64::INFINITY, "inf"),
        (f64::NEG_INFINITY, "-inf"),
    ] {
        let want = format!("the learning rate must be positive and finite, got {shown}");
        assert_eq!(invalid_message(Sgd::new(alpha)), want);
        assert_eq!(invalid_message(Momentum::<f64, Net>::new(alpha, 0.9)), want);
        assert_eq!(invalid_message(Adam::<f64, Net>::new(alpha)), want);
        assert_eq!(
            invalid_message(Adam::<f64, Net>::with(alpha, 0.9, 0.999, 1e-8)),
            want
        );
    }
    // f32 too, and a subnormal rate is positive and finite, hence accepted.
    assert_eq!(
        invalid_message(Sgd::new(-1.0f32)),
        "the learning rate must be positive and finite, got -1"
    );
    assert!(Sgd::new(f64::MIN_POSITIVE / 2.0).is_ok());
}

#[test]
fn constructors_reject_momentum_and_betas_outside_zero_to_one() {
    type Net = SeedNetwork<f64>;
    for (beta, shown) in [
        (1.0, "1"),
        (1.5, "1.5"),
        (-0.1, "-0.1"),
        (f64::NAN, "NaN"),
        (f64::INFINITY, "inf"),
    ] {
        assert_eq!(
            invalid_message(Momentum::<f64, Net>::new(0.1, beta)),
            format!("the momentum must be in [0, 1), got {shown}")
        );
        assert_eq!(
            invalid_message(Adam::<f64, Net>::with(0.1, beta, 0.999, 1e-8)),
            format!("β₁ must be in [0, 1), got {shown}")
        );
        assert_eq!(
            invalid_message(Adam::<f64, Net>::with(0.1, 0.9, beta, 1e-8)),
            format!("β₂ must be in [0, 1), got {shown}")
        );
    }
    // The ends of [0, 1): 0 is allowed, 1 is not (checked above).
    assert!(Momentum::<f64, Net>::new(0.1, 0.0).is_ok());
    assert!(Adam::<f64, Net>::with(0.1, 0.0, 0.0, 1e-8).is_ok());
}

#[test]
fn adam_rejects_an_epsilon_that_is_not_positive_and_finite() {
    type Net = SeedNetwork<f64>;
    for (eps, shown) in [(0.0, "0"), (-1e-8, "-0.00000001"), (f64::NAN, "NaN")] {
        assert_eq!(
            invalid_message(Adam::<f64, Net>::with(0.1, 0.9, 0.999, eps)),
            format!("ε must be positive and finite, got {shown}")
        );
    }
}

#[test]
fn the_learning_rate_is_checked_before_the_betas() {
    // With several bad constants, the message names the first in argument order.
    let err = Adam::<f64, SeedNetwork<f64>>::with(0.0, 2.0, 2.0, 0.0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the learning rate must be positive and finite, got 0"
    );
}
