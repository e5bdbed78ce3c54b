//! One way to visit every parameter of a layer or network, together with anything
//! shaped like it (its gradient, an optimizer's state).
//!
//! A network's parameters are a sequence of *blocks*: for each dense layer, in order,
//! its weights `W[l]` (row-major) and then its bias `b[l]` \[N4\]. Gradients have the
//! network's own type (`dW` is shaped like `W` \[M2\]), so zipping `net.blocks_mut()` with
//! `grads.blocks()` pairs every parameter with its partial derivative, and one optimizer
//! and one gradient check serve every network.

use crate::error::{Text, text};
use crate::rng::Rng;
use crate::scalar::Scalar;

/// Something made of parameter blocks: a [`Dense`](crate::layer::Dense) layer, a network
/// (a tuple of layers), its gradients, or an optimizer's state shaped like it.
pub trait Parameters<T: Scalar>: Clone + Default {
    /// The blocks, in order: for each layer its weights (row-major), then its bias.
    fn blocks(&self) -> impl Iterator<Item = &[T]>;

    /// The blocks, mutably, in the same order as [`blocks`](Parameters::blocks).
    fn blocks_mut(&mut self) -> impl Iterator<Item = &mut [T]>;

    /// The `(rows, columns)` of each block, in the same order.
    fn block_shapes(&self) -> impl Iterator<Item = (usize, usize)>;

    /// The number of parameters, `Σ rows · columns` over the blocks (29 for the seed \[N4\]).
    fn parameter_count(&self) -> usize {
        self.blocks().map(|b| b.len()).sum()
    }

    /// Sets every parameter to zero.
    fn set_zero(&mut self) {
        for block in self.blocks_mut() {
            block.fill(T::ZERO);
        }
    }

    /// `self += α · other`, parameter by parameter: the SGD update `θ := θ − α dθ` \[C7\]
    /// is `net.add_scaled(-α, &grads)`.
    ///
    /// Implemented matrix by matrix rather than through [`blocks`](Parameters::blocks),
    /// so that fixed sizes reach the compiler: it is the hot loop of every SGD step.
    fn add_scaled(&mut self, alpha: T, other: &Self);

    /// Draws fresh random parameters in place, layer by layer: He initialisation for
    /// ReLU layers, Xavier for the others, biases zero (see
    /// [`Dense::init`](crate::layer::Dense::init)). In place, so that a network of
    /// [`HeapDense`](crate::layer::HeapDense) layers, whose parameters live on the heap,
    /// is initialised without any of them passing through the stack (see [Large
    /// networks](crate::layer::heap_dense#large-networks)):
    ///
    /// ```
    /// # #[cfg(feature = "std")] { // HeapDense needs std
    /// use backprop::layer::HeapDense;
    /// use backprop::rng::Rng;
    /// use backprop::{Identity, Parameters, Relu};
    ///
    /// type Mnist = (HeapDense<f64, 784, 128, Relu>, HeapDense<f64, 128, 10, Identity>);
    /// let mut net = Mnist::default(); // 0.78 MiB of zeros on the heap
    /// net.initialize(&mut Rng::new(1));
    /// assert_eq!(net.parameter_count(), 784 * 128 + 128 + 128 * 10 + 10);
    /// # }
    /// ```
    fn initialize(&mut self, rng: &mut Rng);

    /// Each layer's activation, in order: its [`NAME`](crate::Activation::NAME) and its
    /// [`constants`](crate::Activation::constants) (the leaky ReLU's slope). Saved files
    /// record them. Empty for a type that has no layers of its own.
    fn activations(&self) -> impl Iterator<Item = (&'static str, &[T])> {
        core::iter::empty()
    }

    /// The same, with the constants mutable: what loading a saved file sets.
    fn activations_mut(&mut self) -> impl Iterator<Item = (&'static str, &mut [T])> {
        core::iter::empty()
    }

    /// `true` if every parameter is finite.
    fn is_finite(&self) -> bool {
        self.blocks().all(|b| b.iter().all(|v| v.is_finite()))
    }

    /// The Euclidean norm of all parameters taken as one vector, `‖θ‖₂ = √(Σ θₖ²)`.
    ///
    /// Computed as `s · √(Σ (θₖ / s)²)` with `s = maxₖ |θₖ|`, so that no square overflows
    /// or underflows: the norm is finite whenever every parameter is (one `f32` weight of
    /// `1e20` has norm `1e20`, where `Σ θₖ²` would be `∞`). NaN if any parameter is NaN,
    /// `∞` if any is infinite.
    fn norm(&self) -> T {
        crate::scalar::euclidean_norm(|| self.blocks().flatten())
    }

    /// Where parameter `index` (counting across all blocks in order) lives: its block,
    /// and its offset in that block (row-major), if it exists.
    fn locate(&self, index: usize) -> Option<(usize, usize)> {
        let mut k = index;
        for (block, (rows, cols)) in self.block_shapes().enumerate() {
            if k < rows * cols {
                return Some((block, k));
            }
            k -= rows * cols;
        }
        None
    }

    /// Parameter `index` (counting across all blocks in order), if it exists.
    fn parameter(&self, index: usize) -> Option<T> {
        let (block, offset) = self.locate(index)?;
        self.blocks().nth(block).map(|b| b[offset])
    }

    /// Sets parameter `index` (counting across all blocks in order) to `value`; returns
    /// `false`, changing nothing, if there is no such parameter.
    fn set_parameter(&mut self, index: usize, value: T) -> bool {
        let Some((block, offset)) = self.locate(index) else {
            return false;
        };
        match self.blocks_mut().nth(block) {
            Some(b) => {
                b[offset] = value;
                true
            }
            None => false,
        }
    }

    /// The seed's name for parameter `index`: `W[l](i, j)` or `b[l](i)`, with layers,
    /// rows and columns counted from 1 as in the seed's `W[3]12` [L3.4].
    ///
    /// Assumes the layout of dense layers: two blocks per layer, weights then bias.
    fn parameter_name(&self, index: usize) -> Option<Text> {
        let (block, offset) = self.locate(index)?;
        let (_, cols) = self.block_shapes().nth(block)?;
        let (i, j) = (offset / cols + 1, offset % cols + 1);
        Some(if block % 2 == 0 {
            text!("{}({i}, {j})", block_name(block))
        } else {
            text!("{}({i})", block_name(block))
        })
    }
}

/// The seed's name of parameter block `k` of a stack of dense layers: `W[l]` for even
/// `k`, `b[l]` for odd, with `l = k/2 + 1` (each layer has weights, then a bias).
pub fn block_name(k: usize) -> Text {
    text!("{}[{}]", if k % 2 == 0 { "W" } else { "b" }, k / 2 + 1)
}
