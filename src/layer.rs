//! Layers: the [`Layer`] trait, the [`Dense`] layer whose backward pass is the
//! derivation, and stacks of layers (tuples) that are layers themselves.
//!
//! A layer maps a batch `Matrix<T, I, M>` (columns are examples; `M = 1` is one example
//! \[S5\]) to a batch `Matrix<T, O, M>`. `forward` records in a cache what `backward`
//! needs besides the input; `backward`, given the same input, turns `∂J/∂output` into the
//! parameters' gradients and `∂J/∂input`.
//!
//! [`HeapDense`] is the same dense layer with its parameters on the heap, for networks
//! too large for the stack (see [Large networks](heap_dense#large-networks)); the two
//! mix freely in one network.
//!
//! A stack of layers is a tuple, `(Dense<…>, Dense<…>, …)`, and is itself a layer. Its
//! shapes are checked by the compiler: a layer whose input size differs from the previous
//! layer's output size does not compile.
//!
//! ```compile_fail,E0271
//! use backprop::{Dense, Layer, Matrix, Relu, Sigmoid};
//! // 3 → 4, then a layer that expects 5 inputs: rejected.
//! let net: (Dense<f64, 3, 4, Relu>, Dense<f64, 5, 1, Sigmoid>) = Default::default();
//! let y = Layer::<f64, 1>::predict(&net, &Matrix::<f64, 3, 1>::zeros());
//! ```

#[cfg(feature = "std")]
pub mod heap_dense;
mod stack;

#[cfg(feature = "std")]
pub use heap_dense::{HeapDense, HeapDenseCache};

use crate::activation::Activation;
use crate::matrix::{Matrix, Vector};
use crate::params::Parameters;
use crate::rng::Rng;
use crate::scalar::Scalar;

/// A differentiable map from a batch of `M` inputs to a batch of `M` outputs.
///
/// Gradients have the layer's own type (`dW` is shaped like `W` \[M2\]): `backward`
/// writes them into a `&mut Self`, which is also what optimizers update with.
pub trait Layer<T: Scalar, const M: usize>: Parameters<T> {
    /// The input batch, `Matrix<T, I, M>` for a dense layer; `Default` gives the place
    /// that [`backward`](Layer::backward) writes `∂J/∂input` into.
    type Input: Default;
    /// The output batch, `Matrix<T, O, M>` for a dense layer; `Default` gives the place
    /// that [`forward`](Layer::forward) writes it into.
    type Output: Default;
    /// What `forward` records for `backward` besides the input: a dense layer's
    /// pre-activation `z`; in a stack, every layer's cache and every output but the last
    /// (the next layer's input).
    ///
    /// The input itself is not in the cache: whoever ran `forward` still holds it and
    /// passes it to `backward`. A batch of 64 MNIST images is 196 KiB in `f32`, and a
    /// copy in the cache cost every training step a copy of it, and more copies each
    /// time the cache moved. `Default` gives the place that [`forward`](Layer::forward)
    /// writes it into.
    type Cache: Default;

    /// The forward pass without a cache: for predictions.
    fn predict(&self, input: &Self::Input) -> Self::Output;

    /// The forward pass: the output, and a cache of what the backward pass needs.
    ///
    /// Runs [`forward_to`](Layer::forward_to) on a default output and cache.
    #[inline(always)]
    fn forward(&self, input: &Self::Input) -> (Self::Output, Self::Cache) {
        let (mut output, mut cache) = (Self::Output::default(), Self::Cache::default());
        self.forward_to(input, &mut output, &mut cache);
        (output, cache)
    }

    /// The forward pass written in place: the output into `output` and what the backward
    /// pass needs into `cache`, overwriting both.
    ///
    /// Every layer writes its results where they stay: a stack passes each layer a slot
    /// of its own cache for that layer's output, which is also where the next layer
    /// reads its input. A forward pass that returned batches by value moved each one a
    /// few times on its way into the cache, and moving 32 KiB can cost more than
    /// computing it: a copy whose destination lies a few bytes after its source modulo
    /// 4 KiB ran at 3 GB/s instead of 50 on a Zen 3 core.
    fn forward_to(&self, input: &Self::Input, output: &mut Self::Output, cache: &mut Self::Cache);

    /// The backward pass: given the input and the cache of a forward pass and
    /// `∂J/∂output`, writes `∂J/∂θ` for every parameter into `grads` (overwriting it) and
    /// returns `∂J/∂input`.
    ///
    /// Runs [`backward_to`](Layer::backward_to) on a default `∂J/∂input`.
    #[inline(always)]
    fn backward(
        &self,
        input: &Self::Input,
        cache: &Self::Cache,
        grad_output: &Self::Output,
        grads: &mut Self,
    ) -> Self::Input {
        let mut grad_input = Self::Input::default();
        self.backward_to(input, cache, grad_output, grads, &mut grad_input);
        grad_input
    }

    /// The backward pass written in place: `∂J/∂θ` into `grads` and `∂J/∂input` into
    /// `grad_input`, overwriting both (see [`forward_to`](Layer::forward_to) for why in
    /// place).
    fn backward_to(
        &self,
        input: &Self::Input,
        cache: &Self::Cache,
        grad_output: &Self::Output,
        grads: &mut Self,
        grad_input: &mut Self::Input,
    );

    /// Like [`backward`](Layer::backward), but without `∂J/∂input`: what the first layer of
    /// a network needs, since nothing comes before it (saves the product `W[1]ᵀ δ[1]`).
    fn backward_params(
        &self,
        input: &Self::Input,
        cache: &Self::Cache,
        grad_output: &Self::Output,
        grads: &mut Self,
    ) {
        self.backward(input, cache, grad_output, grads);
    }
}

/// A dense (fully connected) layer: `z = W a_prev + b`, `a = g(z)` [N1, N2, N3, S4].
///
/// `W` is `(O, I)` and `b` is `(O, 1)` \[N1\]; over a batch the bias is added to every
/// column \[S5\]. The activation `g` is a type parameter ([`Relu`](crate::Relu),
/// [`Sigmoid`](crate::Sigmoid) …) and a field (it is zero-sized for all but
/// [`LeakyRelu`](crate::LeakyRelu)).
#[derive(Clone, Copy, PartialEq)]
pub struct Dense<T, const I: usize, const O: usize, A> {
    /// `W`, shape `(O, I)`: row `i` holds the weights into unit `i`.
    pub weights: Matrix<T, O, I>,
    /// `b`, shape `(O, 1)`.
    pub bias: Vector<T, O>,
    /// The activation `g`.
    pub activation: A,
}

/// What [`Dense::forward`](Layer::forward) keeps for the backward pass: `z`, from which
/// `g'(z)` is computed. The other factor of `dW = δ a_prevᵀ`, the input `a_prev`, is passed
/// to [`backward`](Layer::backward) by the caller, who holds it already.
#[derive(Clone, Copy, PartialEq)]
pub struct DenseCache<T, const O: usize, const M: usize> {
    /// The pre-activation `z = W a_prev + b`.
    pub z: Matrix<T, O, M>,
}

impl<T: Scalar, const I: usize, const O: usize, A: Activation<T>> Dense<T, I, O, A> {
    /// A layer with the given weights `W` (O, I) and bias `b` (O, 1).
    pub fn new(weights: Matrix<T, O, I>, bias: Vector<T, O>) -> Self {
        Dense {
            weights,
            bias,
            activation: A::default(),
        }
    }

    /// He initialisation, for ReLU layers: weights drawn from `N(0, 2/I)`, bias zero.
    ///
    /// Keeps the variance of `z` roughly constant from layer to layer when half the
    /// units are switched off by ReLU (He et al., 2015).
    pub fn he(rng: &mut Rng) -> Self {
        let mut layer = Self::default();
        layer.fill_he(rng);
        layer
    }

    /// Xavier/Glorot initialisation, for sigmoid, tanh and linear layers: weights drawn
    /// uniformly from `[−√(6/(I+O)), √(6/(I+O))]`, bias zero (Glorot and Bengio, 2010).
    pub fn xavier(rng: &mut Rng) -> Self {
        let mut layer = Self::default();
        layer.fill_xavier(rng);
        layer
    }

    /// The initialisation that suits the activation: [`he`](Dense::he) for ReLU and
    /// leaky ReLU, [`xavier`](Dense::xavier) for the others.
    ///
    /// Why not zeros: with all weights equal, every unit of a layer computes the same
    /// `z`, receives the same `δ` and the same update, and so stays equal to the others
    /// forever: the layer behaves like a single unit. Random weights break that symmetry.
    ///
    /// For a network too large for the stack, use [`HeapDense`] layers instead (see
    /// [Large networks](heap_dense#large-networks)).
    pub fn init(rng: &mut Rng) -> Self {
        let mut layer = Self::default();
        layer.initialize(rng);
        layer
    }

    /// Draws the weights in place from `N(0, 2/I)` and zeroes the bias ([`he`](Dense::he)).
    pub fn fill_he(&mut self, rng: &mut Rng) {
        let std = T::from_f64((2.0 / I.max(1) as f64).sqrt());
        rng.fill_normal(self.weights.as_mut_slice(), T::ZERO, std);
        self.bias = Matrix::zeros();
    }

    /// Draws the weights in place uniformly from `[−√(6/(I+O)), √(6/(I+O))]` and zeroes
    /// the bias ([`xavier`](Dense::xavier)).
    pub fn fill_xavier(&mut self, rng: &mut Rng) {
        let limit = T::from_f64((6.0 / (I + O).max(1) as f64).sqrt());
        rng.fill_uniform(self.weights.as_mut_slice(), -limit, limit);
        self.bias = Matrix::zeros();
    }

    /// `z = W a_prev + b`, with `b` added to every column [N1, S5].
    #[inline(always)]
    pub fn pre_activation<const M: usize>(&self, input: &Matrix<T, I, M>) -> Matrix<T, O, M> {
        let mut z = Matrix::zeros();
        self.pre_activation_to(input, &mut z);
        z
    }

    /// Writes `z = W a_prev + b` into `z`, overwriting it:
    /// [`pre_activation`](Dense::pre_activation) without a temporary, for a `z` that has
    /// its place already (a cache's).
    #[inline(always)]
    pub fn pre_activation_to<const M: usize>(
        &self,
        input: &Matrix<T, I, M>,
        z: &mut Matrix<T, O, M>,
    ) {
        self.weights.mul_to(input, z);
        for (row, b) in z.as_mut_array().iter_mut().zip(self.bias.iter()) {
            for v in row.iter_mut() {
                *v += *b;
            }
        }
    }

    /// `δ = ∂J/∂z = ∂J/∂a ⊙ g'(z)`: the diagonal Jacobian `diag(g'(z))` [L2.3] applied as
    /// a Hadamard product [L2.7, L1.2, S4].
    #[inline(always)]
    pub fn delta<const M: usize>(
        &self,
        z: &Matrix<T, O, M>,
        grad_output: &Matrix<T, O, M>,
    ) -> Matrix<T, O, M> {
        let mut delta = Matrix::zeros();
        self.delta_to(z, grad_output, &mut delta);
        delta
    }

    /// Writes `δ = ∂J/∂a ⊙ g'(z)` into `delta`, overwriting it: [`delta`](Dense::delta)
    /// without a temporary.
    #[inline(always)]
    pub fn delta_to<const M: usize>(
        &self,
        z: &Matrix<T, O, M>,
        grad_output: &Matrix<T, O, M>,
        delta: &mut Matrix<T, O, M>,
    ) {
        for ((d, da), z) in delta.iter_mut().zip(grad_output.iter()).zip(z.iter()) {
            *d = *da * self.activation.derivative(*z);
        }
    }
}

impl<T: Scalar, const I: usize, const O: usize, A: Activation<T>> core::fmt::Debug
    for Dense<T, I, O, A>
{
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Dense")
            .field("weights", &self.weights)
            .field("bias", &self.bias)
            .field("activation", &self.activation)
            .finish()
    }
}

impl<T: Scalar, const O: usize, const M: usize> Default for DenseCache<T, O, M> {
    /// `z` all zeros: the place [`forward_to`](Layer::forward_to) writes into.
    fn default() -> Self {
        DenseCache { z: Matrix::zeros() }
    }
}

impl<T: Scalar, const O: usize, const M: usize> core::fmt::Debug for DenseCache<T, O, M> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DenseCache").field("z", &self.z).finish()
    }
}

impl<T: Scalar, const I: usize, const O: usize, A: Activation<T>> Default for Dense<T, I, O, A> {
    /// All weights and biases zero. Training needs a random start instead: with equal
    /// weights every unit of a layer gets the same gradient and they never differ.
    fn default() -> Self {
        Self::new(Matrix::zeros(), Matrix::zeros())
    }
}

impl<T: Scalar, const I: usize, const O: usize, A: Activation<T>> Parameters<T>
    for Dense<T, I, O, A>
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

    #[inline(always)]
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
    for Dense<T, I, O, A>
{
    type Input = Matrix<T, I, M>;
    type Output = Matrix<T, O, M>;
    type Cache = DenseCache<T, O, M>;

    #[inline(always)]
    fn predict(&self, input: &Matrix<T, I, M>) -> Matrix<T, O, M> {
        let g = self.activation;
        self.pre_activation(input).map(|z| g.value(z))
    }

    #[inline(always)]
    fn forward_to(
        &self,
        input: &Matrix<T, I, M>,
        output: &mut Matrix<T, O, M>,
        cache: &mut Self::Cache,
    ) {
        let g = self.activation;
        self.pre_activation_to(input, &mut cache.z); //       z = W a_prev + b   [N1, S5]
        for (a, z) in output.iter_mut().zip(cache.z.iter()) {
            *a = g.value(*z); //                               a = g(z)           [N1, N5]
        }
    }

    /// Backward pass of `z = W a_prev + b`, `a = g(z)`, given `∂J/∂a` \[S4\]:
    ///
    /// ```text
    /// δ          = ∂J/∂a ⊙ g'(z)      ∂a/∂z = diag(g'(z))     [L2.3, L2.7]
    /// dW         = δ a_prevᵀ          ∂z/∂W = I ⊗ a_prevᵀ     [L2.5, L2.8]
    /// db         = Σ_columns δ        ∂z/∂b = I               [L2.6, L2.9, S5]
    /// ∂J/∂a_prev = Wᵀ δ               ∂z/∂a_prev = W          [L2.2]
    /// ```
    ///
    /// Over a batch, `δ` already carries the `1/m` of the mean cost (see
    /// [`loss`](crate::loss)), so `dW = δ a_prevᵀ` sums the examples' contributions
    /// into their mean \[S5\].
    #[inline(always)]
    fn backward_to(
        &self,
        input: &Matrix<T, I, M>,
        cache: &Self::Cache,
        grad_output: &Matrix<T, O, M>,
        grads: &mut Self,
        grad_input: &mut Matrix<T, I, M>,
    ) {
        let mut delta = Matrix::zeros();
        self.delta_to(&cache.z, grad_output, &mut delta); // δ = ∂J/∂a ⊙ g'(z)   [L2.3, L2.7]
        delta.mul_tr_to(input, &mut grads.weights); //       dW = δ a_prevᵀ      [L2.5, L2.8]
        grads.bias = delta.row_sums(); //                     db = Σ_columns δ    [L2.6, L2.9]
        self.weights.tr_mul_to(&delta, grad_input); //        ∂J/∂a_prev = Wᵀ δ   [L2.2]
    }

    #[inline(always)]
    fn backward_params(
        &self,
        input: &Matrix<T, I, M>,
        cache: &Self::Cache,
        grad_output: &Matrix<T, O, M>,
        grads: &mut Self,
    ) {
        let mut delta = Matrix::zeros();
        self.delta_to(&cache.z, grad_output, &mut delta); // δ = ∂J/∂a ⊙ g'(z)   [L2.3, L2.7]
        delta.mul_tr_to(input, &mut grads.weights); //       dW = δ a_prevᵀ      [L2.5, L2.8]
        grads.bias = delta.row_sums(); //                     db = Σ_columns δ    [L2.6, L2.9]
    }
}
