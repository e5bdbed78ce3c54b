//! Weight decay does what its formula says, to the weights only, for every optimizer.
//!
//! L2 regularisation adds `(λ/2) Σ W²` to the cost, so `λ W` to each weight's gradient
//! and nothing to a bias's; decoupled decay (AdamW) subtracts `α λ W` apart from Adam's
//! step. The claims, each checked against the formula recomputed here:
//!
//! * one SGD step from known weights and gradients is `W − α (dW + λ W)` bit for bit
//!   (f64 and f32), and the biases take the plain step `b − α db`, bit for bit;
//! * with zero gradients, SGD with decay multiplies the weights by `1 − αλ` per step
//!   (to rounding after `k` steps, checked against `(1 − αλ)ᵏ W₀`), and leaves the biases
//!   exactly as they were;
//! * momentum's velocity accumulates `dW + λ W` (two steps replayed by hand, bit for
//!   bit); coupled Adam feeds `dW + λ W` to its moments, AdamW keeps the moments of `dW`
//!   alone (equal, bit for bit, to plain Adam's) and subtracts `α λ W` (both replayed by
//!   hand, bit for bit);
//! * the two kinds differ as documented: with zero gradients AdamW shrinks each weight
//!   by the factor `1 − αλ`, while coupled Adam moves each by about `α`, whatever `λ`;
//! * `λ = 0` is no decay: the same bits as an optimizer built without it;
//! * training with decay ends with weights of smaller norm than training without it;
//! * `λ` that is negative, NaN or infinite is refused with a message naming `λ`.
// Uses what needs the standard library (the `std` feature, on by default).
#![cfg(feature = "std")]

use backprop::data::Dataset;
use backprop::network::{self, SeedLoss, SeedNetwork};
use backprop::optim::{Adam, Momentum, Optimizer, Sgd, WeightDecay};
use backprop::rng::Rng;
use backprop::train::Trainer;
use backprop::{Error, Parameters, Scalar};

/// Every parameter of `p`, in block order, as raw bits.
fn bits<T: Scalar, P: Parameters<T>>(p: &P) -> Vec<u64> {
    p.blocks().flatten().map(|v| v.to_bits_u64()).collect()
}

/// The blocks of `p` as vectors, in order: `W[1], b[1], W[2], b[2], W[3], b[3]`.
fn blocks<T: Scalar, P: Parameters<T>>(p: &P) -> Vec<Vec<T>> {
    p.blocks().map(<[T]>::to_vec).collect()
}

/// Block `k` is a weight matrix when `k` is even (the seed's layout, `W[l]` then `b[l]`).
fn is_weight(k: usize) -> bool {
    k % 2 == 0
}

/// `√(Σ W²)` over the weights of every layer, biases left out.
fn weight_norm<P: Parameters<f64>>(p: &P) -> f64 {
    p.blocks()
        .enumerate()
        .filter(|(k, _)| is_weight(*k))
        .flat_map(|(_, b)| b.iter())
        .map(|w| w * w)
        .sum::<f64>()
        .sqrt()
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

/// The message of an [`Error::Invalid`]; panics on any other outcome.
fn invalid_message<X: core::fmt::Debug>(result: Result<X, Error>) -> String {
    match result {
        Err(Error::Invalid { message }) => message,
        other => panic!("expected Error::Invalid, got {other:?}"),
    }
}

// ----- SGD ------------------------------------------------------------------------------

fn check_sgd_decay_step_is_the_formula<T: Scalar>() {
    let (alpha, lambda) = (T::from_f64(0.1), T::from_f64(0.03));
    let net0 = random_seed_network::<T>(1);
    let grads = random_seed_network::<T>(2);
    let mut net = net0;
    Sgd::new(alpha)
        .unwrap()
        .weight_decay(lambda)
        .unwrap()
        .step(&mut net, &grads);

    // By hand, block by block: W − α (dW + λ W) for weights, b − α db for biases.
    let mut want = net0;
    for (k, (theta, d)) in want.blocks_mut().zip(grads.blocks()).enumerate() {
        for (theta, &d) in theta.iter_mut().zip(d) {
            *theta = if is_weight(k) {
                *theta - alpha * (d + lambda * *theta)
            } else {
                *theta - alpha * d
            };
        }
    }
    assert_eq!(bits(&net), bits(&want));

    // The biases a second way: exactly where plain SGD puts them.
    let mut plain = net0;
    Sgd::new(alpha).unwrap().step(&mut plain, &grads);
    for (k, (got, plain)) in blocks(&net).iter().zip(blocks(&plain)).enumerate() {
        let (got, plain): (Vec<u64>, Vec<u64>) = (
            got.iter().map(|v| v.to_bits_u64()).collect(),
            plain.iter().map(|v| v.to_bits_u64()).collect(),
        );
        if is_weight(k) {
            assert_ne!(got, plain, "block {k}: the weights are decayed");
        } else {
            assert_eq!(got, plain, "block {k}: the biases are not decayed");
        }
    }
}

#[test]
fn sgd_decay_step_is_w_minus_alpha_times_dw_plus_lambda_w_bit_for_bit_f64() {
    check_sgd_decay_step_is_the_formula::<f64>();
}

#[test]
fn sgd_decay_step_is_w_minus_alpha_times_dw_plus_lambda_w_bit_for_bit_f32() {
    check_sgd_decay_step_is_the_formula::<f32>();
}

#[test]
fn with_zero_gradients_sgd_decay_multiplies_the_weights_by_one_minus_alpha_lambda_per_step() {
    let (alpha, lambda) = (0.1f64, 0.5f64);
    let net0 = random_seed_network::<f64>(3);
    let zero = SeedNetwork::<f64>::default();
    let mut sgd = Sgd::new(alpha).unwrap().weight_decay(lambda).unwrap();
    let mut net = net0;

    // One step: W − α (0 + λ W), bit for bit.
    sgd.step(&mut net, &zero);
    for (k, (got, start)) in blocks(&net).iter().zip(blocks(&net0)).enumerate() {
        for (got, w) in got.iter().zip(&start) {
            let want = if is_weight(k) {
                w - alpha * (0.0 + lambda * w)
            } else {
                *w
            };
            assert_eq!(got.to_bits(), want.to_bits(), "block {k}");
        }
    }

    // Twenty steps: (1 − αλ)²⁰ W₀ = 0.95²⁰ W₀ ≈ 0.358 W₀, to rounding (each step rounds
    // twice or three times, relative 2⁻⁵³ each).
    for _ in 1..20 {
        sgd.step(&mut net, &zero);
    }
    let factor = (1.0 - alpha * lambda).powi(20);
    for (k, (got, start)) in blocks(&net).iter().zip(blocks(&net0)).enumerate() {
        for (got, w) in got.iter().zip(&start) {
            if is_weight(k) {
                assert!(
                    (got - factor * w).abs() <= 100.0 * f64::EPSILON * w.abs(),
                    "block {k}: {got} against {}",
                    factor * w
                );
            } else {
                assert_eq!(got.to_bits(), w.to_bits(), "block {k}: a bias moved");
            }
        }
    }
}

// ----- Momentum -------------------------------------------------------------------------

#[test]
fn momentum_decay_accumulates_dw_plus_lambda_w_in_the_velocity_two_steps_by_hand() {
    let (alpha, beta, lambda) = (0.05f64, 0.9f64, 0.2f64);
    let net0 = random_seed_network::<f64>(4);
    let (g1, g2) = (random_seed_network::<f64>(5), random_seed_network::<f64>(6));
    let mut momentum = Momentum::new(alpha, beta)
        .unwrap()
        .weight_decay(lambda)
        .unwrap();
    let mut net = net0;
    momentum.step(&mut net, &g1);
    momentum.step(&mut net, &g2);

    // By hand: v := β v + (dW + λ W), W := W − α v; v := β v + db, b := b − α v.
    let (mut theta, mut v) = (blocks(&net0), blocks(&SeedNetwork::<f64>::default()));
    for g in [blocks(&g1), blocks(&g2)] {
        for k in 0..theta.len() {
            for i in 0..theta[k].len() {
                let gradient = if is_weight(k) {
                    g[k][i] + lambda * theta[k][i]
                } else {
                    g[k][i]
                };
                v[k][i] = beta * v[k][i] + gradient;
                theta[k][i] -= alpha * v[k][i];
            }
        }
    }
    let flat = |b: Vec<Vec<f64>>| -> Vec<u64> { b.concat().iter().map(|x| x.to_bits()).collect() };
    assert_eq!(bits(&net), flat(theta));
    assert_eq!(bits(momentum.velocity()), flat(v));
}

// ----- Adam: coupled L2 and decoupled (AdamW) -------------------------------------------

/// Two Adam steps replayed by hand with the arithmetic of the crate's docs, with
/// `coupled` added to the weights' gradient (`g = dW + coupled·W`) and `decoupled`
/// subtracted apart (`W := W − α m̂/(√v̂ + ε) − α·decoupled·W`): the parameters and both
/// moments, as bits.
fn adam_by_hand(
    net0: &SeedNetwork<f64>,
    gradients: &[SeedNetwork<f64>],
    alpha: f64,
    coupled: f64,
    decoupled: f64,
) -> (Vec<u64>, Vec<u64>, Vec<u64>) {
    let (b1, b2, eps) = (0.9f64, 0.999f64, 1e-8f64);
    let zero = blocks(&SeedNetwork::<f64>::default());
    let (mut theta, mut m, mut v) = (blocks(net0), zero.clone(), zero);
    for (t, g) in gradients.iter().enumerate() {
        let g = blocks(g);
        let t = t as i32 + 1;
        let (c1, c2) = (1.0 - b1.powi(t), 1.0 - b2.powi(t));
        for k in 0..theta.len() {
            for i in 0..theta[k].len() {
                let w = theta[k][i];
                let grad = if is_weight(k) && coupled > 0.0 {
                    g[k][i] + coupled * w
                } else {
                    g[k][i]
                };
                m[k][i] = b1 * m[k][i] + (1.0 - b1) * grad;
                v[k][i] = b2 * v[k][i] + (1.0 - b2) * grad * grad;
                let step = alpha * (m[k][i] / c1) / ((v[k][i] / c2).sqrt() + eps);
                theta[k][i] = if is_weight(k) && decoupled > 0.0 {
                    w - step - alpha * decoupled * w
                } else {
                    w - step
                };
            }
        }
    }
    let flat = |b: Vec<Vec<f64>>| -> Vec<u64> { b.concat().iter().map(|x| x.to_bits()).collect() };
    (flat(theta), flat(m), flat(v))
}

/// Two steps of `adam` from `net0` on `gradients`: the parameters and both moments.
fn adam_run(
    mut adam: Adam<f64, SeedNetwork<f64>>,
    net0: &SeedNetwork<f64>,
    gradients: &[SeedNetwork<f64>],
) -> (Vec<u64>, Vec<u64>, Vec<u64>) {
    let mut net = *net0;
    for g in gradients {
        adam.step(&mut net, g);
    }
    (
        bits(&net),
        bits(adam.first_moment()),
        bits(adam.second_moment()),
    )
}

#[test]
fn coupled_adam_feeds_dw_plus_lambda_w_to_its_moments_two_steps_by_hand() {
    let (alpha, lambda) = (0.01, 0.1);
    let net0 = random_seed_network::<f64>(7);
    let gradients = [random_seed_network(8), random_seed_network(9)];
    let adam = Adam::new(alpha).unwrap().weight_decay(lambda).unwrap();
    assert_eq!(adam.decay(), WeightDecay::L2(lambda));
    assert_eq!(
        adam_run(adam, &net0, &gradients),
        adam_by_hand(&net0, &gradients, alpha, lambda, 0.0)
    );
}

#[test]
fn adamw_subtracts_alpha_lambda_w_apart_and_keeps_plain_adams_moments() {
    let (alpha, lambda) = (0.01, 0.1);
    let net0 = random_seed_network::<f64>(10);
    let gradients = [random_seed_network(11), random_seed_network(12)];
    let adamw = Adam::new(alpha)
        .unwrap()
        .decoupled_weight_decay(lambda)
        .unwrap();
    assert_eq!(adamw.decay(), WeightDecay::Decoupled(lambda));
    let (theta, m, v) = adam_run(adamw, &net0, &gradients);
    assert_eq!(
        (theta.clone(), m.clone(), v.clone()),
        adam_by_hand(&net0, &gradients, alpha, 0.0, lambda)
    );
    // The moments a second way: those of plain Adam, which sees dW alone too.
    let (plain_theta, plain_m, plain_v) = adam_run(Adam::new(alpha).unwrap(), &net0, &gradients);
    assert_eq!((m, v), (plain_m, plain_v));
    assert_ne!(theta, plain_theta);
}

#[test]
fn with_zero_gradients_adamw_shrinks_by_one_minus_alpha_lambda_but_coupled_adam_moves_about_alpha()
{
    // With dW = 0: AdamW's moments stay 0, its Adam step is 0/(0 + ε) = 0, and the decay
    // gives W − α λ W = (1 − αλ) W. Coupled Adam instead sees g = λ W, so after one step
    // m̂ = λ W, v̂ = λ² W², and the update is α λ W / (λ |W| + ε) ≈ α sign(W): a fixed
    // move of α, whatever λ, which is why decoupled decay is the one that scales with λ.
    let (alpha, lambda) = (0.01f64, 0.1f64);
    let net0 = random_seed_network::<f64>(13);
    let zero = SeedNetwork::<f64>::default();

    let mut decoupled = net0;
    Adam::new(alpha)
        .unwrap()
        .decoupled_weight_decay(lambda)
        .unwrap()
        .step(&mut decoupled, &zero);
    let mut coupled = net0;
    Adam::new(alpha)
        .unwrap()
        .weight_decay(lambda)
        .unwrap()
        .step(&mut coupled, &zero);

    let start = blocks(&net0);
    for (k, (d, c)) in blocks(&decoupled).iter().zip(blocks(&coupled)).enumerate() {
        for i in 0..d.len() {
            let w = start[k][i];
            if !is_weight(k) {
                assert_eq!((d[i].to_bits(), c[i].to_bits()), (w.to_bits(), w.to_bits()));
                continue;
            }
            // The decoupled formula with a zero step, as the crate writes it.
            assert_eq!(
                d[i].to_bits(),
                (w - 0.0 - alpha * lambda * w).to_bits(),
                "W {k}/{i}"
            );
            // ≈ α sign(W), within α ε / (λ |W|) plus rounding of W − update.
            let tolerance = alpha * 1e-8 / (lambda * w.abs()) + 1e-15 * (w.abs() + alpha);
            assert!(
                (c[i] - (w - alpha * w.signum())).abs() <= tolerance,
                "W {k}/{i}: {w} → {}",
                c[i]
            );
        }
    }
}

// ----- λ = 0 is no decay ------------------------------------------------------------------

#[test]
fn a_decay_of_zero_gives_the_same_bits_as_no_decay_for_every_optimizer() {
    let net0 = random_seed_network::<f64>(14);
    let gradients = [
        random_seed_network(15),
        random_seed_network(16),
        random_seed_network(17),
    ];
    fn run(
        opt: &mut impl Optimizer<f64, SeedNetwork<f64>>,
        net0: &SeedNetwork<f64>,
        g: &[SeedNetwork<f64>],
    ) -> Vec<u64> {
        let mut net = *net0;
        for g in g {
            opt.step(&mut net, g);
        }
        bits(&net)
    }
    let sgd = Sgd::new(0.1).unwrap();
    assert_eq!(sgd.weight_decay(0.0).unwrap().decay(), WeightDecay::None);
    assert_eq!(
        run(&mut sgd.weight_decay(0.0).unwrap(), &net0, &gradients),
        run(&mut sgd.clone(), &net0, &gradients)
    );
    let momentum = Momentum::new(0.1, 0.9).unwrap();
    assert_eq!(
        run(
            &mut momentum.clone().weight_decay(0.0).unwrap(),
            &net0,
            &gradients
        ),
        run(&mut momentum.clone(), &net0, &gradients)
    );
    let adam = Adam::new(0.01).unwrap();
    let plain = run(&mut adam.clone(), &net0, &gradients);
    assert_eq!(
        run(
            &mut adam.clone().weight_decay(0.0).unwrap(),
            &net0,
            &gradients
        ),
        plain
    );
    assert_eq!(
        run(
            &mut adam.clone().decoupled_weight_decay(0.0).unwrap(),
            &net0,
            &gradients
        ),
        plain
    );
}

// ----- Trained weights are smaller with decay -----------------------------------------------

/// `n` examples of 3 features uniform in `[−2, 2)`, labelled 1 when `x₁ + x₂ − x₃ > 0`:
/// separable, so without decay the weights grow to sharpen the sigmoid.
fn separable(n: usize, seed: u64) -> Dataset<f64> {
    let mut rng = Rng::new(seed);
    let mut features = vec![0.0; 3 * n];
    rng.fill_uniform(&mut features, -2.0, 2.0);
    let labels = features
        .chunks(3)
        .map(|x| f64::from(u8::from(x[0] + x[1] - x[2] > 0.0)))
        .collect();
    Dataset::from_parts(features, labels, 3).unwrap()
}

/// The weight norm after 100 epochs with `optimizer`, from a fixed start.
fn trained_weight_norm(mut optimizer: impl Optimizer<f64, SeedNetwork<f64>>) -> f64 {
    let data = separable(64, 20);
    let mut net = network::seed_network::<f64>(&mut Rng::new(21));
    Trainer::<8>::mini_batch(100)
        .seed(22)
        .quiet()
        .evaluate_never()
        .fit(&mut net, &SeedLoss::default(), &mut optimizer, &data, None)
        .unwrap();
    weight_norm(&net)
}

#[test]
fn training_with_weight_decay_ends_with_smaller_weights_for_every_optimizer() {
    let lambda = 0.01;
    let pairs = [
        (
            "SGD",
            trained_weight_norm(Sgd::new(0.1).unwrap()),
            trained_weight_norm(Sgd::new(0.1).unwrap().weight_decay(lambda).unwrap()),
        ),
        (
            "momentum",
            trained_weight_norm(Momentum::new(0.02, 0.9).unwrap()),
            trained_weight_norm(
                Momentum::new(0.02, 0.9)
                    .unwrap()
                    .weight_decay(lambda)
                    .unwrap(),
            ),
        ),
        (
            "Adam (L2)",
            trained_weight_norm(Adam::new(0.01).unwrap()),
            trained_weight_norm(Adam::new(0.01).unwrap().weight_decay(lambda).unwrap()),
        ),
        (
            "AdamW",
            trained_weight_norm(Adam::new(0.01).unwrap()),
            trained_weight_norm(
                Adam::new(0.01)
                    .unwrap()
                    .decoupled_weight_decay(10.0 * lambda)
                    .unwrap(),
            ),
        ),
    ];
    for (name, plain, decayed) in pairs {
        eprintln!("{name}: ‖W‖ {plain:.4} without decay, {decayed:.4} with");
        assert!(decayed < 0.9 * plain, "{name}: {decayed} against {plain}");
    }
}

// ----- Bad λ ------------------------------------------------------------------------------

#[test]
fn a_weight_decay_that_is_negative_nan_or_infinite_is_refused_naming_lambda() {
    for lambda in [-0.1, f64::NAN, f64::INFINITY] {
        for message in [
            invalid_message(Sgd::new(0.1).unwrap().weight_decay(lambda)),
            invalid_message(
                Momentum::<f64, SeedNetwork<f64>>::new(0.1, 0.9)
                    .unwrap()
                    .weight_decay(lambda),
            ),
            invalid_message(
                Adam::<f64, SeedNetwork<f64>>::new(0.1)
                    .unwrap()
                    .weight_decay(lambda),
            ),
            invalid_message(
                Adam::<f64, SeedNetwork<f64>>::new(0.1)
                    .unwrap()
                    .decoupled_weight_decay(lambda),
            ),
        ] {
            assert!(message.contains("weight decay λ"), "{message}");
            assert!(message.contains(&lambda.to_string()), "{message}");
        }
    }
}
