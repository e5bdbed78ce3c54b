//! `HeapDense` is `Dense` with its parameters on the heap, and nothing else: for the same
//! parameters it computes the same numbers, bit for bit.
//!
//! * `predict`, `forward` (output and cache) and `backward` (`dW`, `db`, `∂J/∂input`) and
//!   `backward_params` of a `HeapDense` equal those of the `Dense` it was copied from,
//!   bit for bit, on random layers and batches [S4, S5]: both call the same kernels in
//!   the same order, so no tolerance is needed.
//! * A network mixing the two (`HeapDense` first, `Dense` after) computes the gradients
//!   of the all-`Dense` network bit for bit, so heap layers compose with stack ones.
//! * Initialisation draws the same numbers as `Dense`'s (He for ReLU, Xavier otherwise),
//!   and an optimizer step updates both the same way.
//! * Its value is small: four pointers for a two-layer network of any size, which is
//!   what makes `N::default()`, optimizer state and gradient buffers cheap on the stack.
// Uses what needs the standard library (the `std` feature, on by default).
#![cfg(feature = "std")]

#[allow(dead_code)]
#[path = "common/strategies.rs"]
mod strategies;

use backprop::layer::HeapDense;
use backprop::network;
use backprop::optim::{Adam, Optimizer};
use backprop::rng::Rng;
use backprop::{
    Activation, Dense, Identity, Layer, LeakyRelu, Matrix, Parameters, Relu, Sigmoid, SquaredError,
    Tanh,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use strategies::matrix_in;

/// Every entry of a matrix as raw bits, to compare without a tolerance.
fn bits<const R: usize, const C: usize>(m: &Matrix<f64, R, C>) -> Vec<u64> {
    m.iter().map(|v| v.to_bits()).collect()
}

/// Every parameter as raw bits, in block order.
fn parameter_bits<P: Parameters<f64>>(p: &P) -> Vec<u64> {
    p.blocks().flatten().map(|v| v.to_bits()).collect()
}

/// A network of type `N` initialised from `Rng::new(seed)`.
fn initialized<N: Parameters<f64>>(seed: u64) -> N {
    let mut net = N::default();
    net.initialize(&mut Rng::new(seed));
    net
}

/// A 5 → 3 layer with activation `g`, as `Dense` and as its `HeapDense` copy, on a batch
/// of 4: every pass agrees bit for bit.
fn check_layer<A: Activation<f64>>(
    g: A,
    weights: Matrix<f64, 3, 5>,
    bias: Matrix<f64, 3, 1>,
    input: Matrix<f64, 5, 4>,
    upstream: Matrix<f64, 3, 4>,
) -> Result<(), TestCaseError> {
    let mut dense = Dense::<f64, 5, 3, A>::new(weights, bias);
    dense.activation = g;
    let heap = HeapDense::from_dense(&dense);

    prop_assert_eq!(bits(&heap.predict(&input)), bits(&dense.predict(&input)));
    let (a_heap, cache_heap) = heap.forward(&input);
    let (a_dense, cache_dense) = dense.forward(&input);
    prop_assert_eq!(bits(&a_heap), bits(&a_dense));
    prop_assert_eq!(bits(&cache_heap.z.to_matrix()), bits(&cache_dense.z));

    let (mut g_heap, mut g_dense) = (HeapDense::default(), Dense::default());
    let da_heap = heap.backward(&input, &cache_heap, &upstream, &mut g_heap);
    let da_dense = dense.backward(&input, &cache_dense, &upstream, &mut g_dense);
    prop_assert_eq!(bits(&da_heap), bits(&da_dense)); //             ∂J/∂a_prev = Wᵀ δ [L2.2]
    prop_assert_eq!(parameter_bits(&g_heap), parameter_bits(&g_dense)); // dW, db [L2.8, L2.9]

    let mut g_heap_params = HeapDense::default();
    heap.backward_params(&input, &cache_heap, &upstream, &mut g_heap_params);
    prop_assert_eq!(parameter_bits(&g_heap_params), parameter_bits(&g_dense));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn s4_heap_dense_passes_equal_dense_passes_bit_for_bit(
        weights in matrix_in::<3, 5>(-2.0..2.0),
        bias in matrix_in::<3, 1>(-1.0..1.0),
        input in matrix_in::<5, 4>(-2.0..2.0),
        upstream in matrix_in::<3, 4>(-1.0..1.0),
    ) {
        check_layer(Relu, weights, bias, input, upstream)?;
        check_layer(LeakyRelu { slope: 0.3 }, weights, bias, input, upstream)?;
        check_layer(Sigmoid, weights, bias, input, upstream)?;
        check_layer(Tanh, weights, bias, input, upstream)?;
        check_layer(Identity, weights, bias, input, upstream)?;
    }

    #[test]
    fn a_network_mixing_heap_dense_and_dense_has_the_gradients_of_the_all_dense_one(
        seed in 0u64..1000,
        x in matrix_in::<3, 4>(-2.0..2.0),
        y in matrix_in::<1, 4>(0.0..1.0),
    ) {
        let dense: (Dense<f64, 3, 4, Relu>, Dense<f64, 4, 2, Tanh>, Dense<f64, 2, 1, Sigmoid>) =
            initialized(seed);
        let mixed = (HeapDense::from_dense(&dense.0), dense.1, HeapDense::from_dense(&dense.2));
        let mut g_dense = Default::default();
        let mut g_mixed: (HeapDense<f64, 3, 4, Relu>, Dense<f64, 4, 2, Tanh>, HeapDense<f64, 2, 1, Sigmoid>) =
            Default::default();
        let c_dense = network::cost_and_gradients(&dense, &SquaredError, &x, &y, &mut g_dense);
        let c_mixed = network::cost_and_gradients(&mixed, &SquaredError, &x, &y, &mut g_mixed);
        prop_assert_eq!(c_mixed.to_bits(), c_dense.to_bits());
        prop_assert_eq!(parameter_bits(&g_mixed), parameter_bits(&g_dense));
    }
}

#[test]
fn heap_dense_initialisation_draws_what_dense_draws() {
    // He for ReLU and leaky ReLU, Xavier for the others: the same numbers from the same
    // generator, so a heap network starts where its stack twin starts.
    type Stack = (
        Dense<f64, 6, 5, Relu>,
        Dense<f64, 5, 4, LeakyRelu<f64>>,
        Dense<f64, 4, 2, Tanh>,
    );
    type Heap = (
        HeapDense<f64, 6, 5, Relu>,
        HeapDense<f64, 5, 4, LeakyRelu<f64>>,
        HeapDense<f64, 4, 2, Tanh>,
    );
    let stack: Stack = initialized(21);
    let heap: Heap = initialized(21);
    assert_eq!(parameter_bits(&heap), parameter_bits(&stack));
    // And a layer built by `init` draws as `Dense::init` does.
    let (a, b) = (
        HeapDense::<f64, 6, 5, Sigmoid>::init(&mut Rng::new(22)),
        Dense::<f64, 6, 5, Sigmoid>::init(&mut Rng::new(22)),
    );
    assert_eq!(parameter_bits(&a), parameter_bits(&b));
}

#[test]
fn an_adam_step_updates_heap_dense_as_it_updates_dense() {
    let stack: Dense<f64, 4, 3, Relu> = initialized(31);
    let grads: Dense<f64, 4, 3, Relu> = initialized(32);
    let (mut heap, heap_grads) = (HeapDense::from_dense(&stack), HeapDense::from_dense(&grads));
    let mut stack = stack;
    let (mut adam_stack, mut adam_heap) = (Adam::new(0.01).unwrap(), Adam::new(0.01).unwrap());
    for _ in 0..3 {
        adam_stack.step(&mut stack, &grads);
        adam_heap.step(&mut heap, &heap_grads);
    }
    assert_eq!(parameter_bits(&heap), parameter_bits(&stack));
}

#[test]
fn a_heap_dense_network_is_four_pointers_by_value_whatever_its_size() {
    let pointer = size_of::<Box<[f64; 1]>>();
    assert_eq!(
        size_of::<(HeapDense<f64, 3, 4, Relu>, HeapDense<f64, 4, 1, Identity>)>(),
        4 * pointer
    );
    assert_eq!(
        size_of::<(
            HeapDense<f64, 4096, 4096, Relu>,
            HeapDense<f64, 4096, 10, Identity>
        )>(),
        4 * pointer
    );
    // A leaky ReLU carries its slope by value.
    assert_eq!(
        size_of::<HeapDense<f64, 4096, 4096, LeakyRelu<f64>>>(),
        2 * pointer + size_of::<f64>()
    );
}
