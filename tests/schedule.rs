//! Learning-rate schedules give the rates of their formulas, and the trainer uses them.
//!
//! * `StepDecay`, `Exponential` and `Cosine` return `α₀ γ^⌊t/s⌋`, `α₀ γᵗ` and
//!   `α_min + ½ (α₀ − α_min)(1 + cos(π min(t, T)/T))` at given epochs: exactly where the
//!   arithmetic is exact (powers of ½, the ends of the cosine), and checked a second way
//!   elsewhere (repeated multiplication, the cosine's symmetry about `T/2`);
//! * a trainer with a schedule sets the optimizer's rate at the start of every epoch `e`
//!   to `rate(α₀, e − 1)`, as the callback of `fit_with` and `History::learning_rates`
//!   observe, and trains exactly as a hand-written loop that sets those rates and calls
//!   `Trainer::epoch` (bit for bit); the optimizer gets `α₀` back afterwards;
//! * bad constants are refused, and a schedule whose rate the optimizer refuses stops
//!   training with a message naming the epoch.
// Uses what needs the standard library (the `std` feature, on by default).
#![cfg(feature = "std")]

use backprop::data::Dataset;
use backprop::network::{self, SeedLoss, SeedNetwork};
use backprop::optim::{Adam, Optimizer, Sgd};
use backprop::rng::Rng;
use backprop::schedule::{Constant, Cosine, Exponential, Schedule, StepDecay};
use backprop::train::{Control, Trainer};
use backprop::{Error, Parameters, Scalar};

/// Every parameter of `p`, in block order, as raw bits.
fn bits<T: Scalar, P: Parameters<T>>(p: &P) -> Vec<u64> {
    p.blocks().flatten().map(|v| v.to_bits_u64()).collect()
}

/// The message of an [`Error::Invalid`]; panics on any other outcome.
fn invalid_message<X: core::fmt::Debug>(result: Result<X, Error>) -> String {
    match result {
        Err(Error::Invalid { message }) => message,
        other => panic!("expected Error::Invalid, got {other:?}"),
    }
}

/// `n` examples of 3 features uniform in `[−2, 2)`, labelled 1 when `x₁ + x₂ − x₃ > 0`.
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

// ----- The formulas ---------------------------------------------------------------------

#[test]
fn constant_is_the_base_rate_at_every_epoch() {
    for t in [0, 1, 7, 1000, usize::MAX] {
        assert_eq!(Constant.rate(0.3, t), 0.3);
    }
}

#[test]
fn step_decay_multiplies_by_gamma_every_s_epochs() {
    // γ = ½: every rate is α₀ times a power of two, exact in f64, so equality is exact.
    let schedule = StepDecay::new(3, 0.5).unwrap();
    let want = [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125];
    for (t, want) in want.into_iter().enumerate() {
        assert_eq!(schedule.rate(0.1, t), want, "t = {t}");
    }
    // And a huge epoch count saturates the exponent rather than wrapping: the rate
    // underflows to 0, it does not come back up.
    assert_eq!(schedule.rate(0.1, usize::MAX), 0.0);
}

#[test]
fn exponential_is_base_times_gamma_to_the_t() {
    let exact = Exponential::new(0.5).unwrap();
    for t in 0..20 {
        assert_eq!(exact.rate(0.1, t), 0.1 / f64::from(1u32 << t), "t = {t}");
    }
    // γ = 0.9: against repeated multiplication, which rounds once per epoch, so the two
    // agree to t + 2 roundings.
    let schedule = Exponential::new(0.9).unwrap();
    let mut by_hand = 0.1;
    for t in 0..50 {
        let got = schedule.rate(0.1, t);
        let bound = (t as f64 + 2.0) * f64::EPSILON * by_hand;
        assert!(
            (got - by_hand).abs() <= bound,
            "t = {t}: {got} against {by_hand}"
        );
        by_hand *= 0.9;
    }
}

#[test]
fn cosine_starts_at_the_base_ends_at_the_minimum_and_is_symmetric_about_half_the_period() {
    let (base, min, period) = (0.1, 0.001, 40);
    let schedule = Cosine::new(period, min).unwrap();
    // cos 0 = 1 and cos π = −1 exactly in f64: the ends are exact.
    assert_eq!(schedule.rate(base, 0), base);
    assert_eq!(schedule.rate(base, period), min);
    // After the period, flat at the minimum.
    assert_eq!(schedule.rate(base, period + 1), min);
    assert_eq!(schedule.rate(base, 10 * period), min);
    // Halfway, cos(π/2) ≈ 6e-17: the mean of the two ends.
    let half = schedule.rate(base, period / 2);
    assert!((half - (base + min) / 2.0).abs() <= 4.0 * f64::EPSILON * base);
    // cos(π − x) = −cos x: rate(t) + rate(T − t) = α₀ + α_min; and the rate falls.
    for t in 0..=period {
        let sum = schedule.rate(base, t) + schedule.rate(base, period - t);
        assert!(
            (sum - (base + min)).abs() <= 8.0 * f64::EPSILON * base,
            "t = {t}"
        );
        if t > 0 {
            assert!(
                schedule.rate(base, t) < schedule.rate(base, t - 1),
                "t = {t}"
            );
        }
    }
    // The formula at one inner point, recomputed here.
    let t = 13.0f64;
    let want = min + 0.5 * (base - min) * (1.0 + (std::f64::consts::PI * t / 40.0).cos());
    assert!((schedule.rate(base, 13) - want).abs() <= 4.0 * f64::EPSILON * base);
}

#[test]
fn schedules_refuse_zero_periods_and_bad_factors_naming_them() {
    assert!(invalid_message(StepDecay::new(0, 0.5)).contains("period"));
    assert!(invalid_message(Cosine::new(0, 0.0)).contains("period"));
    for gamma in [0.0, -0.5, f64::NAN, f64::INFINITY] {
        assert!(invalid_message(StepDecay::new(2, gamma)).contains("γ"));
        assert!(invalid_message(Exponential::new(gamma)).contains("γ"));
    }
    for min in [-0.1, f64::NAN, f64::INFINITY] {
        assert!(invalid_message(Cosine::new(10, min)).contains("smallest rate"));
    }
}

// ----- The optimizer's rate -------------------------------------------------------------

#[test]
fn set_learning_rate_accepts_zero_refuses_nan_and_negatives_and_keeps_the_old_rate() {
    let mut sgd = Sgd::new(0.1).unwrap();
    sgd.set_learning_rate(0.0).unwrap();
    assert_eq!(sgd.learning_rate(), 0.0);
    let mut adam = Adam::<f64, SeedNetwork<f64>>::new(0.01).unwrap();
    for bad in [-0.1, f64::NAN, f64::INFINITY] {
        let message = invalid_message(adam.set_learning_rate(bad));
        assert!(message.contains("learning rate"), "{message}");
        assert_eq!(adam.learning_rate(), 0.01);
    }
    // A rate of 0 is a step that changes nothing.
    let mut net = network::seed_network::<f64>(&mut Rng::new(1));
    let before = bits(&net);
    let grads = network::seed_network::<f64>(&mut Rng::new(2));
    Optimizer::<f64, SeedNetwork<f64>>::step(&mut sgd, &mut net, &grads);
    assert_eq!(bits(&net), before);
}

// ----- The trainer uses the schedule ------------------------------------------------------

#[test]
fn the_trainer_sets_rate_of_base_and_epoch_minus_one_at_each_epoch_and_restores_the_base() {
    let data = separable(40, 3);
    let schedule = StepDecay::new(2, 0.5).unwrap();
    let trainer = Trainer::<8>::mini_batch(7)
        .seed(4)
        .quiet()
        .schedule(schedule);
    let mut net = network::seed_network::<f64>(&mut Rng::new(5));
    let mut sgd = Sgd::new(0.2).unwrap();

    let mut seen = Vec::new();
    let history = trainer
        .fit_with(
            &mut net,
            &SeedLoss::default(),
            &mut sgd,
            &data,
            None,
            |report| {
                seen.push((report.epoch, report.learning_rate));
                Control::Continue
            },
        )
        .unwrap();
    // 0.2 γ^⌊(e − 1)/2⌋ for e = 1 … 7, by the formula.
    let want: Vec<(usize, f64)> = (1..=7)
        .map(|e| (e, 0.2 * 0.5f64.powi(((e - 1) / 2) as i32)))
        .collect();
    assert_eq!(seen, want);
    assert_eq!(seen[6].1, 0.025); // 0.2 / 8, a second way
    let rates: Vec<f64> = want.iter().map(|&(_, r)| r).collect();
    assert_eq!(history.learning_rates, rates);
    assert_eq!(
        sgd.learning_rate(),
        0.2,
        "the optimizer gets its base rate back"
    );
}

#[test]
fn a_scheduled_run_is_bit_for_bit_a_hand_loop_that_sets_each_rate_before_the_epoch() {
    let data = separable(40, 6);
    let schedule = Cosine::new(5, 0.0).unwrap();
    let (epochs, seed) = (6, 7);
    let start = network::seed_network::<f64>(&mut Rng::new(8));

    let mut net = start;
    let mut adam = Adam::new(0.02).unwrap();
    Trainer::<8>::mini_batch(epochs)
        .seed(seed)
        .quiet()
        .schedule(schedule)
        .fit(&mut net, &SeedLoss::default(), &mut adam, &data, None)
        .unwrap();

    // By hand: the trainer's shuffle (Rng::new(seed), one shuffle per epoch), the rate
    // from the formula, then one epoch. Epoch 6 is past the period: rate 0, no change.
    let mut by_hand = start;
    let mut adam_by_hand = Adam::new(0.02).unwrap();
    let mut rng = Rng::new(seed);
    let mut order: Vec<usize> = (0..data.len()).collect();
    let plain = Trainer::<8>::mini_batch(1);
    for e in 1..=epochs {
        rng.shuffle(&mut order);
        let t = (e - 1).min(5) as f64;
        let rate = 0.5 * 0.02 * (1.0 + (std::f64::consts::PI * (t / 5.0)).cos());
        adam_by_hand.set_learning_rate(rate).unwrap();
        plain
            .epoch(
                &mut by_hand,
                &SeedLoss::default(),
                &mut adam_by_hand,
                &data,
                &order,
            )
            .unwrap();
    }
    assert_eq!(bits(&net), bits(&by_hand));
    // And the schedule mattered: a constant rate ends elsewhere.
    let mut constant = start;
    Trainer::<8>::mini_batch(epochs)
        .seed(seed)
        .quiet()
        .fit(
            &mut constant,
            &SeedLoss::default(),
            &mut Adam::new(0.02).unwrap(),
            &data,
            None,
        )
        .unwrap();
    assert_ne!(bits(&net), bits(&constant));
}

#[test]
fn in_f32_the_trainer_rounds_each_scheduled_rate_once_to_f32() {
    let features: Vec<f32> = (0..24).map(|k| ((k * 7 % 11) as f32 - 5.0) / 5.0).collect();
    let labels = features
        .chunks(3)
        .map(|x| f32::from(u8::from(x.iter().sum::<f32>() > 0.0)))
        .collect();
    let data = Dataset::from_parts(features, labels, 3).unwrap();
    let mut net = network::seed_network::<f32>(&mut Rng::new(9));
    let schedule = Exponential::new(0.9).unwrap();
    let history = Trainer::<4>::mini_batch(5)
        .quiet()
        .schedule(schedule)
        .fit(
            &mut net,
            &SeedLoss::default(),
            &mut Sgd::new(0.1f32).unwrap(),
            &data,
            None,
        )
        .unwrap();
    for (t, &rate) in history.learning_rates.iter().enumerate() {
        // α₀ is the f32 0.1, widened exactly; the product is rounded to f32 once.
        let want = (f64::from(0.1f32) * 0.9f64.powi(t as i32)) as f32;
        assert_eq!(rate, f64::from(want), "t = {t}");
    }
}

/// A schedule that goes negative after two epochs: not one the crate offers, but a user
/// may write one.
struct GoesNegative;

impl Schedule for GoesNegative {
    fn rate(&self, base: f64, epoch: usize) -> f64 {
        if epoch < 2 { base } else { -base }
    }
}

#[test]
fn a_rate_the_optimizer_refuses_stops_training_naming_the_epoch_and_restores_the_base() {
    let data = separable(16, 10);
    let mut net = network::seed_network::<f64>(&mut Rng::new(11));
    let mut sgd = Sgd::new(0.1).unwrap();
    let message = invalid_message(
        Trainer::<4>::mini_batch(5)
            .quiet()
            .schedule(GoesNegative)
            .fit(&mut net, &SeedLoss::default(), &mut sgd, &data, None),
    );
    assert!(message.contains("epoch 3"), "{message}");
    assert!(message.contains("-0.1"), "{message}");
    assert_eq!(sgd.learning_rate(), 0.1);
}
