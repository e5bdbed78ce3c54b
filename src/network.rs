//! Networks: stacks of layers with a loss at the end, and the seed's own network.
//!
//! A network is any [`Layer`] whose input and output are matrices, usually a tuple of
//! [`Dense`] layers. The functions here run it forward, compute the cost, and run the
//! backward pass from the loss's gradient to every parameter:
//!
//! ```text
//! forward:   a[0] = x,  z[l] = W[l] a[l−1] + b[l],  a[l] = g(z[l])      [N1–N3, S5]
//! loss:      J = (1/m) Σᵢ L(ŷ(i), y(i)),  ∂J/∂a[L] from the loss          [C6]
//! backward:  δ[l] = ∂J/∂a[l] ⊙ g'(z[l]),  dW[l] = δ[l] a[l−1]ᵀ,
//!            db[l] = Σ_columns δ[l],  ∂J/∂a[l−1] = W[l]ᵀ δ[l]             [S4]
//! ```
//!
//! ```
//! use backprop::network::{self, SeedNetwork};
//! use backprop::{Matrix, Parameters, SigmoidCrossEntropy};
//!
//! let net = SeedNetwork::<f64>::default();
//! assert_eq!(net.parameter_count(), 29); // [N4]
//!
//! let x = Matrix::from_column([1.0, 2.0, 3.0]);
//! let y = Matrix::from_column([1.0]);
//! let mut grads = SeedNetwork::<f64>::default();
//! let cost = network::cost_and_gradients(&net, &SigmoidCrossEntropy, &x, &y, &mut grads);
//! assert!((cost - 2f64.ln()).abs() < 1e-12); // all-zero weights: ŷ = σ(0) = ½
//! ```

use crate::activation::{Identity, Relu};
use crate::layer::{Dense, Layer};
use crate::loss::Loss;
use crate::matrix::Matrix;
use crate::params::Parameters;
use crate::rng::Rng;
use crate::scalar::Scalar;
use core::marker::PhantomData;

/// The seed's 3 → 4 → 2 → 1 binary classifier [N1–N5]: ReLU, ReLU, then the logit
/// `z[3]`, with 29 parameters \[N4\].
///
/// ```text
/// z[1] = W[1] x + b[1],     a[1] = g(z[1])      W[1] (4, 3)   [N1]
/// z[2] = W[2] a[1] + b[2],  a[2] = g(z[2])      W[2] (2, 4)   [N2]
/// z[3] = W[3] a[2] + b[3],  a[3] = σ(z[3]) = ŷ  W[3] (1, 2)   [N3]
/// ```
///
/// The last layer outputs `z[3]`; train it with [`SeedLoss`] =
/// [`SigmoidCrossEntropy`](crate::SigmoidCrossEntropy), which applies `σ` and gives
/// `δ[3] = a[3] − y` [L3.6] directly. `net.0`, `net.1`, `net.2` are layers 1, 2, 3.
/// (The unfused form, `Dense<T, 2, 1, Sigmoid>` with
/// [`CrossEntropy`](crate::CrossEntropy), has the same gradients in exact arithmetic and
/// agrees to rounding while `σ(z[3])` stays away from 0 and 1; where the sigmoid
/// saturates it loses accuracy and then fails, see
/// [`CrossEntropy`](crate::CrossEntropy#where-it-parts-from-the-fused-form).)
pub type SeedNetwork<T> = (
    Dense<T, 3, 4, Relu>,
    Dense<T, 4, 2, Relu>,
    Dense<T, 2, 1, Identity>,
);

/// A [`SeedNetwork`] with random weights: He initialisation for the two ReLU layers,
/// Xavier for the last, biases zero (see [`Dense::init`]).
pub fn seed_network<T: Scalar>(rng: &mut Rng) -> SeedNetwork<T> {
    let mut net = SeedNetwork::default();
    net.initialize(rng);
    net
}

/// The loss the seed trains [`SeedNetwork`] with: sigmoid and cross-entropy, fused [L3.6].
pub type SeedLoss = crate::loss::SigmoidCrossEntropy;

/// The network's output for a batch `x` (no cache is kept).
pub fn forward<T, N, const I: usize, const O: usize, const M: usize>(
    net: &N,
    x: &Matrix<T, I, M>,
) -> Matrix<T, O, M>
where
    T: Scalar,
    N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>,
{
    net.predict(x)
}

/// The predictions `ŷ` for a batch `x`: the network's output passed through the loss's
/// link (`σ` for [`SigmoidCrossEntropy`](crate::SigmoidCrossEntropy)).
pub fn predict<T, N, L, const I: usize, const O: usize, const M: usize>(
    net: &N,
    loss: &L,
    x: &Matrix<T, I, M>,
) -> Matrix<T, O, M>
where
    T: Scalar,
    N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>,
    L: Loss<T>,
{
    loss.predict(&net.predict(x))
}

/// The cost `J = (1/m) Σᵢ L(ŷ(i), y(i))` of the batch `(x, y)` [C5, C6].
pub fn cost<T, N, L, const I: usize, const O: usize, const M: usize>(
    net: &N,
    loss: &L,
    x: &Matrix<T, I, M>,
    y: &Matrix<T, O, M>,
) -> T
where
    T: Scalar,
    N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>,
    L: Loss<T>,
{
    loss.cost(&net.predict(x), y)
}

/// Backpropagation: writes `∂J/∂θ` for every parameter θ of `net` into `grads`, for the
/// batch `(x, y)`. The cost itself is not computed (a training step does not need it).
///
/// ```text
/// ∂J/∂a[L] = loss.gradient(a[L], y)          (δ[3] = a[3] − y for the seed [L3.6])
/// then each layer from the last to the first  [S1–S4]
/// ```
///
/// The output and the forward caches are zeroed locals; a loop of steps can hold them
/// in a [`Workspace`] and call [`gradients_in`] instead.
#[inline(always)]
pub fn gradients<T, N, L, const I: usize, const O: usize, const M: usize>(
    net: &N,
    loss: &L,
    x: &Matrix<T, I, M>,
    y: &Matrix<T, O, M>,
    grads: &mut N,
) where
    T: Scalar,
    N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>,
    L: Loss<T>,
{
    let (mut output, mut cache) = (Matrix::zeros(), N::Cache::default());
    backprop_with(&mut output, &mut cache, net, x, grads, |a| {
        ((), loss.gradient(a, y))
    });
}

/// Like [`gradients`], and also returns the cost `J` of the batch \[C6\] (from
/// [`Loss::cost_and_gradient`], which shares work between the two where it can).
#[inline(always)]
pub fn cost_and_gradients<T, N, L, const I: usize, const O: usize, const M: usize>(
    net: &N,
    loss: &L,
    x: &Matrix<T, I, M>,
    y: &Matrix<T, O, M>,
    grads: &mut N,
) -> T
where
    T: Scalar,
    N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>,
    L: Loss<T>,
{
    let (mut output, mut cache) = (Matrix::zeros(), N::Cache::default());
    backprop_with(&mut output, &mut cache, net, x, grads, |a| {
        loss.cost_and_gradient(a, y)
    })
}

/// Where a training step of `net` on batches of `M` keeps what its forward pass computes
/// for its backward pass: the output `a[L]` and every layer's cache (`z[l]`, `a[l]`).
///
/// [`gradients`] and [`cost_and_gradients`] zero fresh buffers for these each call:
/// 3.5 KiB for the seed network on a batch of 64 in `f32`, 5–8% of that step's time
/// (`cargo bench --bench network -- minibatch64_step`). A loop that holds one workspace
/// and passes it to [`gradients_in`] or [`cost_and_gradients_in`] zeroes it once. Every
/// step overwrites all of it, so the results are the same bits either way.
///
/// ```
/// use backprop::network::{self, SeedLoss, SeedNetwork, Workspace};
/// use backprop::rng::Rng;
/// use backprop::Matrix;
///
/// let net: SeedNetwork<f32> = network::seed_network(&mut Rng::new(1));
/// let (x, y) = (Matrix::<f32, 3, 8>::filled(0.5), Matrix::<f32, 1, 8>::filled(1.0));
/// let mut workspace = Workspace::default();
/// let (mut held, mut fresh) = (SeedNetwork::default(), SeedNetwork::default());
/// for _ in 0..3 {
///     network::gradients_in(&mut workspace, &net, &SeedLoss::default(), &x, &y, &mut held);
/// }
/// network::gradients(&net, &SeedLoss::default(), &x, &y, &mut fresh);
/// assert_eq!(held, fresh);
/// assert_eq!(*workspace.output(), network::forward(&net, &x)); // a[L] of the last step
/// ```
pub struct Workspace<T: Scalar, N: Layer<T, M>, const M: usize> {
    output: N::Output,
    cache: N::Cache,
    _scalar: PhantomData<T>,
}

impl<T: Scalar, N: Layer<T, M>, const M: usize> Workspace<T, N, M> {
    /// The network's output `a[L]` (before the loss's link, e.g. the logit `z[3]` of the
    /// seed network) from the last step run in this workspace.
    pub fn output(&self) -> &N::Output {
        &self.output
    }
}

impl<T: Scalar, N: Layer<T, M>, const M: usize> core::fmt::Debug for Workspace<T, N, M> {
    /// The type's name only: what it holds is scratch, overwritten by every step.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Workspace").finish_non_exhaustive()
    }
}

impl<T: Scalar, N: Layer<T, M>, const M: usize> Default for Workspace<T, N, M> {
    /// A zeroed workspace.
    #[inline(always)]
    fn default() -> Self {
        Workspace {
            output: N::Output::default(),
            cache: N::Cache::default(),
            _scalar: PhantomData,
        }
    }
}

/// [`gradients`] with the output and the forward caches in `workspace` (see [`Workspace`]).
#[inline(always)]
pub fn gradients_in<T, N, L, const I: usize, const O: usize, const M: usize>(
    workspace: &mut Workspace<T, N, M>,
    net: &N,
    loss: &L,
    x: &Matrix<T, I, M>,
    y: &Matrix<T, O, M>,
    grads: &mut N,
) where
    T: Scalar,
    N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>,
    L: Loss<T>,
{
    let Workspace { output, cache, .. } = workspace;
    backprop_with(output, cache, net, x, grads, |a| ((), loss.gradient(a, y)));
}

/// [`cost_and_gradients`] with the output and the forward caches in `workspace` (see
/// [`Workspace`]).
#[inline(always)]
pub fn cost_and_gradients_in<T, N, L, const I: usize, const O: usize, const M: usize>(
    workspace: &mut Workspace<T, N, M>,
    net: &N,
    loss: &L,
    x: &Matrix<T, I, M>,
    y: &Matrix<T, O, M>,
    grads: &mut N,
) -> T
where
    T: Scalar,
    N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>,
    L: Loss<T>,
{
    let Workspace { output, cache, .. } = workspace;
    backprop_with(output, cache, net, x, grads, |a| {
        loss.cost_and_gradient(a, y)
    })
}

/// The body of [`gradients`], [`cost_and_gradients`] and their `_in` forms: the forward
/// pass into `output` and `cache`, then `head` (the loss) turns `a[L]` into `∂J/∂a[L]`
/// and whatever else it returns (the cost), then the backward pass.
#[inline(always)]
fn backprop_with<T, N, R, const I: usize, const O: usize, const M: usize>(
    output: &mut Matrix<T, O, M>,
    cache: &mut N::Cache,
    net: &N,
    x: &Matrix<T, I, M>,
    grads: &mut N,
    head: impl FnOnce(&Matrix<T, O, M>) -> (R, Matrix<T, O, M>),
) -> R
where
    T: Scalar,
    N: Layer<T, M, Input = Matrix<T, I, M>, Output = Matrix<T, O, M>>,
{
    net.forward_to(x, output, cache); //                 a[L] and the caches     [N1–N3, S5]
    let (result, grad_output) = head(output); //         ∂J/∂a[L] (and J)        [L3.6, C6]
    net.backward_params(x, cache, &grad_output, grads); // every δ, dW, db       [S1–S4]
    result
}
