//! The derivation's full Jacobian matrices, built as real matrices \[M1\].
//!
//! A backward pass never builds these: it multiplies by them implicitly (a Hadamard
//! product for a diagonal Jacobian, `δ a_prevᵀ` for `I ⊗ a_prevᵀ`). They are here so that
//! tests and learners can multiply the chain rule out in full and see that it equals
//! what [`Dense::backward_to`](crate::Layer::backward_to) computes.
//!
//! Convention \[M1\]: the Jacobian of `f: Rᵐ → Rⁿ` is the `(n, m)` matrix `[∂fᵢ/∂xⱼ]`;
//! a matrix argument `W` counts as the row `vec(W)` (row by row) \[M2\].

use crate::activation::Activation;
use crate::matrix::{Matrix, RowVector, Vector};
use crate::scalar::Scalar;

/// `∂a/∂z = diag(g'(z))`, `(N, N)`: an elementwise function has a diagonal Jacobian
/// [L2.3].
pub fn da_dz<T: Scalar, A: Activation<T>, const N: usize>(
    g: &A,
    z: &Vector<T, N>,
) -> Matrix<T, N, N> {
    z.map(|z| g.derivative(z)).diag()
}

/// `∂z/∂W = I_O ⊗ a_prevᵀ`, `(O, O·I)`, for `z = W a_prev + b` with `W` `(O, I)`:
/// row `i` holds `a_prevᵀ` in the columns of row `i` of `W` and zeros elsewhere
/// [L2.5, L1.3]. `OI` must equal `O · I` (checked at compile time).
pub fn dz_dw<T: Scalar, const O: usize, const I: usize, const OI: usize>(
    a_prev: &Vector<T, I>,
) -> Matrix<T, O, OI> {
    Matrix::<T, O, O>::identity().kron(&a_prev.transpose())
}

/// `∂z/∂b = I_O`, `(O, O)` [L2.6, L1.3].
pub fn dz_db<T: Scalar, const O: usize>() -> Matrix<T, O, O> {
    Matrix::identity()
}

/// `∂z/∂a_prev = W`, `(O, I)` [L2.2].
pub fn dz_da_prev<T: Scalar, const O: usize, const I: usize>(
    weights: &Matrix<T, O, I>,
) -> Matrix<T, O, I> {
    *weights
}

/// `∂z[l+1]/∂z[l] = W[l+1] diag(g'(z[l]))`, `(O, N)` [L1.1]: through `a[l] = g(z[l])` and
/// then `z[l+1] = W[l+1] a[l] + b[l+1]`.
pub fn dz_next_dz<T: Scalar, A: Activation<T>, const O: usize, const N: usize>(
    next_weights: &Matrix<T, O, N>,
    g: &A,
    z: &Vector<T, N>,
) -> Matrix<T, O, N> {
    *next_weights * da_dz(g, z)
}

/// Reshapes the `(1, O·I)` Jacobian `∂J/∂W` of the scalar `J` into the gradient `dW`,
/// `(O, I)`, shaped like `W` \[M2\]. `OI` must equal `O · I` (checked at compile time).
pub fn reshape_to_gradient<T: Scalar, const O: usize, const I: usize, const OI: usize>(
    jacobian: &RowVector<T, OI>,
) -> Matrix<T, O, I> {
    jacobian.reshape()
}
