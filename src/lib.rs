//! # backprop
//!
//! Backpropagation from scratch: a fixed-size, shape-checked [`Matrix`] written by hand,
//! and (as the crate grows) dense layers whose `backward` methods spell out each
//! Jacobian product of the derivation, line by line.
//!
//! No numeric dependency: every number is computed by code in this crate.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod activation;
pub mod data;
pub mod error;
pub mod gradcheck;
pub mod heap;
pub mod jacobian;
pub mod layer;
pub mod loss;
pub mod matrix;
pub mod metrics;
pub mod network;
pub mod optim;
pub mod params;
pub mod persist;
pub mod plot;
pub mod rng;
pub mod scalar;
pub mod train;

pub use activation::{Activation, Identity, LeakyRelu, Relu, Sigmoid, Tanh};
pub use error::{Error, Result};
pub use heap::HeapMatrix;
pub use layer::{Dense, DenseCache, Layer};
pub use loss::{CrossEntropy, Loss, SigmoidCrossEntropy, SoftmaxCrossEntropy, SquaredError};
pub use matrix::{Matrix, RowVector, Vector};
pub use network::SeedNetwork;
pub use params::Parameters;
pub use scalar::Scalar;
