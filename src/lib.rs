//! # backprop
//!
//! Backpropagation from scratch, with nothing but its own code: a hand-written,
//! fixed-size [`Matrix<T, R, C>`](Matrix) whose shapes the compiler checks, dense layers
//! whose [`backward`](Layer::backward) methods spell out each Jacobian product of the
//! derivation line by line, networks composed from layers, and training by stochastic,
//! mini-batch and batch gradient descent. No numeric dependency, no `unsafe` outside the
//! run-time CPU dispatch in [`simd`] (calls into AVX2 / AVX-512 builds of the same safe
//! kernels; `--no-default-features` forbids `unsafe` entirely), and no allocation in a
//! fixed-size forward pass, backward pass or optimizer step.
//!
//! ```
//! use backprop::network::{self, SeedLoss, SeedNetwork};
//! use backprop::optim::{Optimizer, Sgd};
//! use backprop::rng::Rng;
//! use backprop::{Matrix, Parameters};
//!
//! // The seed's 3 → 4 → 2 → 1 classifier: ReLU, ReLU, sigmoid + cross-entropy [N1–N5].
//! let mut net: SeedNetwork<f64> = network::seed_network(&mut Rng::new(1));
//! assert_eq!(net.parameter_count(), 29); // [N4]
//!
//! let x = Matrix::from_column([0.5, -1.0, 2.0]); // one example is a column [S5]
//! let y = Matrix::from_column([1.0]);
//! let mut grads = SeedNetwork::default(); // gradients are shaped like the network [M2]
//! let before = network::cost_and_gradients(&net, &SeedLoss::default(), &x, &y, &mut grads);
//! Sgd::new(0.1)?.step(&mut net, &grads); // W := W − α dW [C7]
//! assert!(network::cost(&net, &SeedLoss::default(), &x, &y) < before);
//! # Ok::<(), backprop::Error>(())
//! ```
//!
//! ## Features
//!
//! | feature | default | what it gives |
//! |---|---|---|
//! | `std` | yes | data sets and CSV ([`data`]), files ([`persist`], [`model`], [`plot`]), heap-held matrices and layers ([`HeapMatrix`], [`HeapDense`]), the `Dataset` trainer ([`train::Trainer::fit`]), predictions over a data set ([`predict`]), error messages of any length |
//! | `simd-dispatch` | yes | large products in AVX2 / AVX-512 builds chosen at run time ([`simd`]); needs `std` |
//! | `approx` | no | `approx`'s comparison traits for [`Matrix`] |
//!
//! With `default-features = false` the crate is `#![no_std]` and uses no allocator:
//! matrices, activations, losses, [`Dense`] layers and tuple networks, [`network`],
//! [`jacobian`], [`gradcheck`], [`rng`], the optimizers, the schedules and
//! [`train::Trainer::fit_examples`] over a borrowed array of examples all work; the
//! square root, `tanh`, `powi` and `cos` that `core` lacks come from [`scalar::math`]
//! (the square root correctly rounded, the others within 4 ulp of the standard library's).
//! See "Training without an allocator" in [`train`] for the memory the seed network needs.
//!
//! ## Shapes are types
//!
//! A batch of `m` examples of size `n` is a `Matrix<T, n, m>` (columns are examples, the
//! seed's convention). A product whose inner sizes differ, or a network whose layers do
//! not fit together, does not compile:
//!
//! ```compile_fail,E0308
//! use backprop::Matrix;
//! let w = Matrix::<f64, 4, 3>::zeros();
//! let x = Matrix::<f64, 4, 1>::zeros();
//! let z = w * x; // (4, 3) · (4, 1): error, expected `Matrix<f64, 3, _>`
//! ```
//!
//! ## The derivation map
//!
//! The seed is a blog post deriving backpropagation for a 3 → 4 → 2 → 1 binary
//! classifier; its equations carry tags such as **[L2.5]** (the [`derivation`] module
//! restores them, one section per tag, with its reasoning: [`derivation#l2-5`](derivation#l2-5)).
//! For each group of tags, the code that implements it and the tests that prove it (every
//! test in `tests/derivation.rs` is named after its tag; `tests/layers.rs`,
//! `tests/losses.rs` and `tests/network.rs` check the same claims with proptest against
//! finite differences on random shapes):
//!
//! | tags | what | code | proof |
//! |---|---|---|---|
//! | [N1–N3](derivation#n1) | `z[l] = W[l] a[l−1] + b[l]`, `a[l] = g(z[l])` | [`Dense::pre_activation`], [`Layer::forward`], [`SeedNetwork`] | `n1_…`, `n2_…`, `n3_…` |
//! | [N4](derivation#n4) | 29 parameters in 6 gradient matrices | [`Parameters::parameter_count`], [`params`] | `n4_seed_network_has_29_parameters_…` |
//! | [N5, L2.4, L3.3](derivation#n5) | `g = max(0, z)`, `σ`, their derivatives, `g'(0) = 0` | [`Relu`], [`Sigmoid`], [`activation::sigmoid`] | `n5_…`, `l2_4_…`, `l3_3_…` |
//! | [C1–C4](derivation#c1) | squared error, cross-entropy, its Bernoulli meaning | [`SquaredError`], [`CrossEntropy`], [`loss`] | `c1_…` to `c4_…` |
//! | [C5–C6](derivation#c5) | the cost of one example, of `m` examples | [`Loss::cost`], [`train::Trainer`] | `c5_…`, `c6_…` |
//! | [C7](derivation#c7) | `W := W − α dW` | [`optim::Sgd`], [`Parameters::add_scaled`] | `c7_…`, `tests/optim.rs` |
//! | [M1, M2](derivation#m1) | Jacobian shapes; `dW` is `∂J/∂W` reshaped | [`jacobian`], [`Matrix::reshape`], [`jacobian::reshape_to_gradient`] | `m1_…`, `m2_…` |
//! | [M3](derivation#m3) | `(ABC)ᵀ = CᵀBᵀAᵀ` | [`Matrix::transpose`] | `m3_…`, `tests/matrix_laws.rs` |
//! | [L3.1–L3.7](derivation#l3-1) | `δ[3] = a[3] − y`, `dW[3] = δ[3] a[2]ᵀ` | [`SigmoidCrossEntropy`], [`Layer::backward`] | `l3_1_…` to `l3_7_…` |
//! | [L3.8](derivation#l3-8) | the squared loss's `δ[3]`, no cancellation | [`SquaredError`] | `l3_8_…` |
//! | [L2.1–L2.9](derivation#l2-1) | `δ[2] = (W[3]ᵀ δ[3]) ⊙ g'(z[2])`, `dW[2] = δ[2] a[1]ᵀ` | [`Dense::delta`], [`Layer::backward`], [`jacobian::dz_dw`] | `l2_1_…` to `l2_9_…` |
//! | [L1.1–L1.4](derivation#l1-1) | `δ[1] = (W[2]ᵀ δ[2]) ⊙ g'(z[1])`, `dW[1] = δ[1] xᵀ` | [`jacobian::dz_next_dz`], [`Layer::backward_params`] | `l1_1_…` to `l1_4_…` |
//! | [S1–S4](derivation#s1) | the summary, any dense layer | [`Layer::backward`] on [`Dense`] | `s1_…` to `s4_…` |
//! | [S5](derivation#s5) | batches: `dW = (1/m) dZ Aᵀ`, `db = (1/m) Σ dZ` | [`loss`] (the `1/m`), [`Matrix::mul_tr`], [`Matrix::row_sums`] | `s5_…`, `tests/training.rs` |
//!
//! A worked example in `tests/derivation.rs` checks the forward values, the cost and all
//! 29 gradients of one fixed network against values derived symbolically with sympy
//! (`tests/reference/worked_example.py`), to 1e-12; the [`derivation`] walks through the
//! same numbers.
//!
//! ## Where to start reading
//!
//! With the maths: the [`derivation`] module derives every equation the code implements.
//! Then the code, from the bottom up, each module uses only those above it in this list:
//! [`scalar`] (f32, f64) → [`matrix`] (+ [`heap`] for matrices too large for the stack)
//! and [`rng`] → [`activation`], [`loss`] and [`data`] → [`layer`] and [`params`] →
//! [`network`], [`jacobian`] and [`gradcheck`] → [`optim`], [`persist`] and [`metrics`]
//! → [`train`] (with [`schedule`] for learning-rate schedules), [`predict`] (what a
//! trained network predicts: probabilities, classes, the confusion matrix), [`model`]
//! (a trained classifier with its standardizer and class names in one file, predicting
//! from raw feature values) and [`plot`].
#![cfg_attr(not(feature = "std"), no_std)]
// Without an allocator an error's message is held inline (`error::Text`, at most 94 bytes), so
// `Result<_, Error>` is larger than clippy likes; errors are the cold path, and boxing
// them would need the allocator this build does not have.
#![cfg_attr(not(feature = "std"), allow(clippy::result_large_err))]
#![cfg_attr(not(feature = "simd-dispatch"), forbid(unsafe_code))]
#![cfg_attr(feature = "simd-dispatch", deny(unsafe_code))]
#![warn(missing_docs)]

// The unit tests use `format!` and `Vec` even when the library itself has no std.
#[cfg(all(test, not(feature = "std")))]
extern crate std;

pub mod activation;
#[cfg(feature = "std")]
pub mod data;
#[doc = include_str!("derivation.md")]
pub mod derivation {}
pub mod error;
pub mod gradcheck;
#[cfg(feature = "std")]
pub mod heap;
pub mod jacobian;
pub mod layer;
pub mod loss;
pub mod matrix;
pub mod metrics;
#[cfg(feature = "std")]
pub mod model;
pub mod network;
pub mod optim;
pub mod params;
#[cfg(feature = "std")]
pub mod persist;
#[cfg(feature = "std")]
pub mod plot;
#[cfg(feature = "std")]
pub mod predict;
pub mod rng;
pub mod scalar;
pub mod schedule;
pub mod simd;
pub mod train;

pub use activation::{Activation, Identity, LeakyRelu, Relu, Sigmoid, Tanh};
pub use error::{Error, Result};
#[cfg(feature = "std")]
pub use heap::HeapMatrix;
#[cfg(feature = "std")]
pub use layer::HeapDense;
pub use layer::{Dense, DenseCache, Layer};
pub use loss::{CrossEntropy, Loss, SigmoidCrossEntropy, SoftmaxCrossEntropy, SquaredError};
pub use matrix::{Matrix, RowVector, Vector};
pub use network::{SeedLoss, SeedNetwork};
pub use params::Parameters;
pub use scalar::Scalar;

/// The README's code blocks, compiled and run as doctests so that they stay true (with
/// `std`: they read files and data sets).
#[cfg(all(doctest, feature = "std"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
