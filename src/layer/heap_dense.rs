//! [`HeapDense`]: a dense layer whose parameters live on the heap, for networks too
//! large for the stack.
//!
//! # Large networks
//!
//! A [`Dense`] layer holds `W` and `b` as fixed-size arrays, so a network of
//! them is as large as its parameters: 784 → 128 → 10 in `f64` is 0.78 MiB. Every
//! `N::default()` then builds 0.78 MiB on the stack, and safe Rust cannot build it
//! anywhere else: `Box::<N>::default()` builds the value on the stack and moves it (in a
//! debug build it needed 3.9 MiB of stack, more than a spawned thread's 2 MiB), and
//! optimizers, gradient buffers and [`persist::load`](crate::persist::load) all build
//! an `N::default()` somewhere. Whether the compiler elides such copies depends on the
//! build profile, so no promise can rest on it.
//!
//! `HeapDense<T, I, O, A>` is the same layer with `W` and `b` in
//! [`HeapMatrix`]es instead: by value it is two pointers and the activation, whatever
//! `I` and `O`, and every matrix of it is allocated row by row on the heap. A network of
//! such layers is a tuple of small values, so everything that builds one is small too:
//!
//! | step | how | on the stack |
//! |---|---|---|
//! | build | `N::default()` (zeros) or `HeapDense::init` per layer | a few pointers |
//! | initialise | [`Parameters::initialize`] | one row at a time |
//! | optimizers | [`Sgd`](crate::optim::Sgd), [`Momentum`](crate::optim::Momentum), [`Adam`](crate::optim::Adam) `::new` | their state is `Box<N>`, a few pointers |
//! | train | [`Trainer::fit`](crate::train::Trainer::fit) | the batch (see below) and gradients' pointers |
//! | save | [`persist::save`](crate::persist::save) | one line of text |
//! | load | [`persist::load`](crate::persist::load) (returns a small `N`) or [`persist::load_into`](crate::persist::load_into) | one line of text |
//!
//! What stays on the stack is the batch: a layer's input and output are stack matrices
//! `Matrix<T, I, M>` and `Matrix<T, O, M>`, so that a `HeapDense` fits in a tuple next to
//! `Dense` layers and in [`Trainer`](crate::train::Trainer), [`network`](crate::network)
//! and [`train::evaluate`](crate::train::evaluate) unchanged. Inputs are passed by
//! reference, and what `forward` keeps for `backward` (`z`; the input `a_prev` is passed
//! to `backward` again by the caller) is copied to the heap, so a [`HeapDenseCache`] is
//! small by value. Choose the batch size
//! `M` so that `I · M` numbers sit comfortably on the stack. For 784 → 128 → 10 in
//! `f64`, one epoch of [`Trainer`](crate::train::Trainer) needed at least this much
//! stack (KiB, found by bisecting a thread's stack size):
//!
//! ```text
//! batch M   Matrix<f64, 784, M>   opt-level 0   opt-level 1   opt-level 3
//!  8         49                    271           107           111
//! 32        196                    807           371           407
//! 64        392                   1543           731           735
//! ```
//!
//! and everything else (building, initialising, creating an optimizer, saving, loading)
//! at most 35 KiB. An unoptimised build copies each batch a few times, so `M = 64` is
//! close to the whole of a spawned thread's default 2 MiB. (The opt-level 0 column was
//! measured while debug builds still inlined the kernels' tiles, which gave their frames
//! more stack; it is an upper bound now.)
//!
//! The price is an allocation per layer per forward pass (the cache) and one pointer
//! more between the kernels and the weights; [`Dense`], which allocates
//! nothing, stays the layer for networks that fit on the stack.
//!
//! ```
//! use backprop::layer::HeapDense;
//! use backprop::optim::Adam;
//! use backprop::rng::Rng;
//! use backprop::data::Dataset;
//! use backprop::train::Trainer;
//! use backprop::{Identity, Parameters, Relu, SoftmaxCrossEntropy, persist};
//!
//! // 784 → 128 → 10, 101 770 parameters: 0.78 MiB on the heap, 48 bytes by value.
//! type Mnist = (HeapDense<f64, 784, 128, Relu>, HeapDense<f64, 128, 10, Identity>);
//!
//! let run = std::thread::Builder::new().stack_size(2 << 20).spawn(|| {
//!     let mut rng = Rng::new(1);
//!     let mut net = Mnist::default();
//!     net.initialize(&mut rng); // He for ReLU, Xavier for the logits
//!     let mut adam = Adam::new(1e-3)?;
//!
//!     let mut pixels = vec![0.0; 16 * 784];
//!     rng.fill_uniform(&mut pixels, 0.0, 1.0);
//!     let labels = (0..16).map(|k| (k % 10) as f64).collect();
//!     let data = Dataset::from_parts(pixels, labels, 784)?;
//!     Trainer::<8>::mini_batch(1).quiet().fit(&mut net, &SoftmaxCrossEntropy, &mut adam, &data, None)?;
//!
//!     let path = std::env::temp_dir().join(format!("heap-dense-doc-{}.txt", std::process::id()));
//!     persist::save(&net, &path)?;
//!     let mut back = Mnist::default();
//!     persist::load_into(&mut back, &path)?;
//!     std::fs::remove_file(&path).ok();
//!     assert!(back == net);
//!     Ok::<usize, backprop::Error>(net.parameter_count())
//! })?;
//! assert_eq!(run.join().unwrap()?, 101_770);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::activation::Activation;
use crate::heap::HeapMatrix;
use crate::layer::{Dense, Layer};
use crate::matrix::{Matrix, kernels};
use crate::params::Parameters;
use crate::rng::Rng;
use crate::scalar::Scalar;

/// A dense layer `z = W a_prev + b`, `a = g(z)` [N1, N2, N3, S4] whose `W` and `b` live on
/// the heap; see the [module docs](self) for when to use it instead of
/// [`Dense`].
///
/// It computes exactly what a [`Dense`] with the same parameters computes,
/// bit for bit, with the same kernels.
#[derive(PartialEq)]
pub struct HeapDense<T, const I: usize, const O: usize, A> {
    /// `W`, shape `(O, I)`: row `i` holds the weights into unit `i`.
    pub weights: HeapMatrix<T, O, I>,
    /// `b`, shape `(O, 1)`.
    pub bias: HeapMatrix<T, O, 1>,
    /// The activation `g`.
    pub activation: A,
}

/// What [`HeapDense::forward`](Layer::forward) keeps for the backward pass, on the heap:
/// `z`, as [`DenseCache`](crate::DenseCache) does.
#[derive(PartialEq)]
pub struct HeapDenseCache<T, const O: usize, const M: usize> {
    /// The pre-activation `z = W a_prev + b`.
    pub z: HeapMatrix<T, O, M>,
}

impl<T: Scalar, const I: usize, const O: usize, A: Activation<T>> HeapDense<T, I, O, A> {
    /// A layer with the given weights `W` (O, I) and bias `b` (O, 1).
    pub fn new(weights: HeapMatrix<T, O, I>, bias: HeapMatrix<T, O, 1>) -> Self {
        HeapDense {
            weights,
            bias,
            activation: A::default(),
        }
    }

    /// A copy of a stack [`Dense`] layer (its activation too); for layers small enough to
    /// have been built on the stack.
    pub fn from_dense(layer: &Dense<T, I, O, A>) -> Self {
        HeapDense {
            weights: HeapMatrix::from_matrix(&layer.weights),
            bias: HeapMatrix::from_matrix(&layer.bias),
            activation: layer.activation,
        }
    }

    /// The initialisation that suits the activation, as [`Dense::init`]: He for ReLU and
    /// leaky ReLU, Xavier for the others; bias zero.
    pub fn init(rng: &mut Rng) -> Self {
        let mut layer = Self::default();
        layer.initialize(rng);
        layer
    }

    /// Draws the weights in place from `N(0, 2/I)` and zeroes the bias (He, as
    /// [`Dense::fill_he`]).
    pub fn fill_he(&mut self, rng: &mut Rng) {
        let std = T::from_f64((2.0 / I.max(1) as f64).sqrt());
        rng.fill_normal(self.weights.as_mut_slice(), T::ZERO, std);
        self.bias.as_mut_slice().fill(T::ZERO);
    }

    /// Draws the weights in place uniformly from `[−√(6/(I+O)), √(6/(I+O))]` and zeroes
    /// the bias (Xavier, as [`Dense::fill_xavier`]).
    pub fn fill_xavier(&mut self, rng: &mut Rng) {
        let limit = T::from_f64((6.0 / (I + O).max(1) as f64).sqrt());
        rng.fill_uniform(self.weights.as_mut_slice(), -limit, limit);
        self.bias.as_mut_slice().fill(T::ZERO);
    }

    /// `z = W a_prev + b`, with `b` added to every column [N1, S5].
    pub fn pre_activation<const M: usize>(&self, input: &Matrix<T, I, M>) -> Matrix<T, O, M> {
        let mut z = Matrix::zeros();
        self.pre_activation_to(input, z.as_mut_array());
        z
    }

    /// Writes `z = W a_prev + b` into `z`, overwriting it.
    fn pre_activation_to<const M: usize>(&self, input: &Matrix<T, I, M>, z: &mut [[T; M]; O]) {
        kernels::matmul(self.weights.as_array(), input.as_array(), z);
        for (row, b) in z.iter_mut().zip(self.bias.iter()) {
            for v in row.iter_mut() {
                *v += *b;
            }
        }
    }

    /// `δ = ∂J/∂z = ∂J/∂a ⊙ g'(z)`: the diagonal Jacobian `diag(g'(z))` [L2.3] applied as
    /// a Hadamard product [L2.7, L1.2, S4].
    pub fn delta<const M: usize>(
        &self,
        z: &HeapMatrix<T, O, M>,
        grad_output: &Matrix<T, O, M>,
    ) -> Matrix<T, O, M> {
        let g = self.activation;
        Matrix::from_fn(|i, j| grad_output[(i, j)] * g.derivative(z[(i, j)]))
    }
}

impl<T: Scalar, const I: usize, const O: usize, A: Activation<T>> Default
    for HeapDense<T, I, O, A>
{
    /// All weights and biases zero, allocated on the heap. Training needs a random start
    /// instead ([`Parameters::initialize`]).
    fn default() -> Self {
        Self::new(HeapMatrix::zeros(), HeapMatrix::zeros())
    }
}

impl<T: Scalar, const I: usize, const O: usize, A: Activation<T>> Clone for HeapDense<T, I, O, A> {
    /// A copy whose matrices are allocated on the heap (see [`HeapMatrix::clone`]).
    fn clone(&self) -> Self {
        HeapDense {
            weights: self.weights.clone(),
            bias: self.bias.clone(),
            activation: self.activation,
        }
    }
}

impl<T: Scalar, const O: usize, const M: usize> Clone for HeapDenseCache<T, O, M> {
    /// A copy whose matrix is allocated on the heap.
    fn clone(&self) -> Self {
        HeapDenseCache { z: self.z.clone() }
    }
}

impl<T: Scalar, const I: usize, const O: usize, A: Activation<T>> core::fmt::Debug
    for HeapDense<T, I, O, A>
{
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HeapDense")
            .field("weights", &self.weights)
            .field("bias", &self.bias)
            .field("activation", &self.activation)
            .finish()
    }
}

impl<T: Scalar, const O: usize, const M: usize> Default for HeapDenseCache<T, O, M> {
    /// `z` all zeros, on the heap: the place [`forward_to`](Layer::forward_to) writes into.
    fn default() -> Self {
        HeapDenseCache {
            z: HeapMatrix::zeros(),
        }
    }
}

impl<T: Scalar, const O: usize, const M: usize> core::fmt::Debug for HeapDenseCache<T, O, M> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HeapDenseCache")
            .field("z", &self.z)
            .finish()
    }
}

impl<T: Scalar, const I: usize, const O: usize, A: Activation<T>> Parameters<T>
    for HeapDense<T, I, O, A>
{
    fn blocks(&self) -> impl Iterator<Item = &[T]> {
        [self.weights.as_slice(), self.bias.as_slice()].into_iter()
    }

    fn blocks_mut(&mut self) -> impl Iterator<Item = &mut [T]> {
        [self.weights.as_mut_slice(), self.bias.as_mut_slice()].into_iter()
    }

    fn block_shapes(&self) -> impl Iterator<Item = (usize, usize)> {
        [(O, I), (O, 1)].into_iter()
    }

    fn add_scaled(&mut self, alpha: T, other: &Self) {
        self.weights.add_scaled(alpha, &other.weights);
        self.bias.add_scaled(alpha, &other.bias);
    }

    fn initialize(&mut self, rng: &mut Rng) {
        match A::NAME {
            "relu" | "leaky_relu" => self.fill_he(rng),
            _ => self.fill_xavier(rng),
        }
    }

    fn activations(&self) -> impl Iterator<Item = (&'static str, &[T])> {
        core::iter::once((A::NAME, self.activation.constants()))
    }

    fn activations_mut(&mut self) -> impl Iterator<Item = (&'static str, &mut [T])> {
        core::iter::once((A::NAME, self.activation.constants_mut()))
    }
}

impl<T: Scalar, const I: usize, const O: usize, const M: usize, A: Activation<T>> Layer<T, M>
    for HeapDense<T, I, O, A>
{
    type Input = Matrix<T, I, M>;
    type Output = Matrix<T, O, M>;
    type Cache = HeapDenseCache<T, O, M>;

    fn predict(&self, input: &Matrix<T, I, M>) -> Matrix<T, O, M> {
        let g = self.activation;
        self.pre_activation(input).map(|z| g.value(z))
    }

    fn forward_to(
        &self,
        input: &Matrix<T, I, M>,
        output: &mut Matrix<T, O, M>,
        cache: &mut Self::Cache,
    ) {
        let g = self.activation;
        self.pre_activation_to(input, cache.z.as_mut_array()); // z = W a_prev + b   [N1, S5]
        for (a, z) in output.iter_mut().zip(cache.z.iter()) {
            *a = g.value(*z); //                                   a = g(z)           [N1, N5]
        }
    }

    /// Backward pass of `z = W a_prev + b`, `a = g(z)`, given `∂J/∂a` \[S4\], as
    /// [`Dense`]'s:
    ///
    /// ```text
    /// δ          = ∂J/∂a ⊙ g'(z)      ∂a/∂z = diag(g'(z))     [L2.3, L2.7]
    /// dW         = δ a_prevᵀ          ∂z/∂W = I ⊗ a_prevᵀ     [L2.5, L2.8]
    /// db         = Σ_columns δ        ∂z/∂b = I               [L2.6, L2.9, S5]
    /// ∂J/∂a_prev = Wᵀ δ               ∂z/∂a_prev = W          [L2.2]
    /// ```
    ///
    /// `dW` and `db` are written straight into the heap matrices of `grads`.
    fn backward_to(
        &self,
        input: &Matrix<T, I, M>,
        cache: &Self::Cache,
        grad_output: &Matrix<T, O, M>,
        grads: &mut Self,
        grad_input: &mut Matrix<T, I, M>,
    ) {
        let (w, a_prev) = (self.weights.as_array(), input.as_array());
        let delta = self.delta(&cache.z, grad_output); //                δ = ∂J/∂a ⊙ g'(z)   [L2.3, L2.7]
        kernels::matmul_tr(delta.as_array(), a_prev, grads.weights.as_mut_array()); // dW = δ a_prevᵀ [L2.5, L2.8]
        kernels::row_sums(delta.as_array(), grads.bias.as_mut_array()); // db = Σ_columns δ    [L2.6, L2.9]
        kernels::tr_matmul(w, delta.as_array(), grad_input.as_mut_array()); // ∂J/∂a_prev = Wᵀ δ [L2.2]
    }

    fn backward_params(
        &self,
        input: &Matrix<T, I, M>,
        cache: &Self::Cache,
        grad_output: &Matrix<T, O, M>,
        grads: &mut Self,
    ) {
        let a_prev = input.as_array();
        let delta = self.delta(&cache.z, grad_output); //                δ = ∂J/∂a ⊙ g'(z)   [L2.3, L2.7]
        kernels::matmul_tr(delta.as_array(), a_prev, grads.weights.as_mut_array()); // dW = δ a_prevᵀ [L2.5, L2.8]
        kernels::row_sums(delta.as_array(), grads.bias.as_mut_array()); // db = Σ_columns δ    [L2.6, L2.9]
    }
}
