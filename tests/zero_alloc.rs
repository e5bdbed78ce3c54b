//! Proves that training a fixed-size network touches no heap: one per-example SGD step
//! and one mini-batch step of the seed network (forward, backward, update) make zero
//! allocations, in `f32` and `f64`, and so do momentum's and Adam's steps once built.
//! The regularised steps allocate nothing either: SGD, momentum and Adam with L2 weight
//! decay, AdamW, and a step whose rate a schedule has just set.
//!
//! The counting global allocator is `tests/common/counting.rs`, shared with
//! `tests/footprint.rs`: it counts, per thread, the allocations made while a measurement
//! runs.

use backprop::network::{self, SeedLoss, SeedNetwork};
use backprop::optim::{Optimizer, Sgd};
use backprop::rng::Rng;
use backprop::{Matrix, Scalar};

#[path = "common/counting.rs"]
mod counting;
use counting::allocations_in;

#[test]
fn the_counter_sees_a_heap_allocation() {
    // Without this, a broken counter would make every test below pass.
    let n = allocations_in(|| {
        std::hint::black_box(vec![1u8; 16]);
    });
    assert_eq!(n, 1);
}

fn sgd_step_allocates_nothing<T: Scalar>() {
    let mut rng = Rng::new(1);
    let mut net: SeedNetwork<T> = network::seed_network(&mut rng);
    let mut grads = SeedNetwork::<T>::default();
    let mut sgd = Sgd::new(T::from_f64(0.01)).expect("a valid learning rate");
    let x = Matrix::from_column([T::ONE, T::from_f64(-0.5), T::TWO]);
    let y = Matrix::from_column([T::ONE]);
    let n = allocations_in(|| {
        for _ in 0..10 {
            network::gradients(&net, &SeedLoss::default(), &x, &y, &mut grads);
            sgd.step(&mut net, &grads);
        }
    });
    assert_eq!(n, 0, "ten SGD steps allocated {n} times");
}

fn minibatch_step_allocates_nothing<T: Scalar>() {
    let mut rng = Rng::new(2);
    let mut net: SeedNetwork<T> = network::seed_network(&mut rng);
    let mut grads = SeedNetwork::<T>::default();
    let mut sgd = Sgd::new(T::from_f64(0.01)).expect("a valid learning rate");
    let x: Matrix<T, 3, 64> =
        Matrix::from_fn(|i, j| T::from_f64(((i * 7 + j * 3) % 11) as f64 / 5.0 - 1.0));
    let y: Matrix<T, 1, 64> = Matrix::from_fn(|_, j| T::from_usize(j % 2));
    let n = allocations_in(|| {
        for _ in 0..10 {
            let cost = network::cost_and_gradients(&net, &SeedLoss::default(), &x, &y, &mut grads);
            sgd.step(&mut net, &grads);
            std::hint::black_box(cost);
        }
    });
    assert_eq!(n, 0, "ten mini-batch steps allocated {n} times");
}

#[test]
fn one_sgd_step_of_the_seed_network_allocates_nothing_f32() {
    sgd_step_allocates_nothing::<f32>();
}

#[test]
fn one_sgd_step_of_the_seed_network_allocates_nothing_f64() {
    sgd_step_allocates_nothing::<f64>();
}

#[test]
fn one_minibatch_step_of_the_seed_network_allocates_nothing_f32() {
    minibatch_step_allocates_nothing::<f32>();
}

#[test]
fn one_minibatch_step_of_the_seed_network_allocates_nothing_f64() {
    minibatch_step_allocates_nothing::<f64>();
}

#[test]
fn momentum_and_adam_steps_allocate_nothing_once_built() {
    // Their state is allocated once, when the optimizer is built; a step only updates it.
    use backprop::optim::{Adam, Momentum};
    let mut rng = Rng::new(3);
    let mut net: SeedNetwork<f32> = network::seed_network(&mut rng);
    let mut grads = SeedNetwork::<f32>::default();
    let mut momentum = Momentum::new(0.01f32, 0.9).expect("valid constants");
    let mut adam = Adam::new(0.001f32).expect("a valid learning rate");
    let x = Matrix::from_column([1.0f32, -0.5, 2.0]);
    let y = Matrix::from_column([1.0f32]);
    let n = allocations_in(|| {
        for _ in 0..10 {
            network::gradients(&net, &SeedLoss::default(), &x, &y, &mut grads);
            momentum.step(&mut net, &grads);
            adam.step(&mut net, &grads);
        }
    });
    assert_eq!(n, 0, "ten momentum and Adam steps allocated {n} times");
}

#[test]
fn weight_decay_adamw_and_scheduled_steps_allocate_nothing_once_built() {
    use backprop::optim::{Adam, Momentum};
    use backprop::schedule::{Cosine, Schedule};
    let mut rng = Rng::new(4);
    let mut net: SeedNetwork<f64> = network::seed_network(&mut rng);
    let mut grads = SeedNetwork::<f64>::default();
    let mut sgd = Sgd::new(0.01)
        .and_then(|o| o.weight_decay(1e-3))
        .expect("valid");
    let mut momentum = Momentum::new(0.01, 0.9)
        .and_then(|o| o.weight_decay(1e-3))
        .expect("valid");
    let mut adam = Adam::new(0.001)
        .and_then(|o| o.weight_decay(1e-3))
        .expect("valid");
    let mut adamw = Adam::new(0.001)
        .and_then(|o| o.decoupled_weight_decay(1e-2))
        .expect("valid");
    let schedule = Cosine::new(10, 0.0).expect("valid");
    let x = Matrix::from_column([1.0, -0.5, 2.0]);
    let y = Matrix::from_column([1.0]);
    let n = allocations_in(|| {
        for epoch in 0..10 {
            let rate = schedule.rate(0.01, epoch);
            sgd.set_learning_rate(rate).expect("a valid rate");
            network::gradients(&net, &SeedLoss::default(), &x, &y, &mut grads);
            sgd.step(&mut net, &grads);
            momentum.step(&mut net, &grads);
            adam.step(&mut net, &grads);
            adamw.step(&mut net, &grads);
        }
    });
    assert_eq!(
        n, 0,
        "ten regularised and scheduled steps allocated {n} times"
    );
}
