//! # backprop
//!
//! Backpropagation from scratch: a fixed-size, shape-checked [`Matrix`] written by hand,
//! and (as the crate grows) dense layers whose `backward` methods spell out each
//! Jacobian product of the derivation, line by line.
//!
//! No numeric dependency: every number is computed by code in this crate.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod data;
pub mod error;
pub mod heap;
pub mod matrix;
pub mod rng;
pub mod scalar;

pub use error::{Error, Result};
pub use heap::HeapMatrix;
pub use matrix::{Matrix, RowVector, Vector};
pub use scalar::Scalar;
