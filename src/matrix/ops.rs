//! Arithmetic operators for [`Matrix`], every one of them shape-checked by the compiler.
//!
//! | expression | shapes | meaning |
//! |---|---|---|
//! | `a + b`, `a - b`, `-a` | `(R, C)` with `(R, C)` | elementwise |
//! | `a * s`, `s * a`, `a / s` | `(R, C)` with a scalar | scale every entry |
//! | `a * b` | `(R, K) * (K, C) → (R, C)` | matrix product |
//! | [`a.tr_mul(&b)`](Matrix::tr_mul) | `(K, R)`, `(K, C) → (R, C)` | `Aᵀ B` without forming `Aᵀ` |
//! | [`a.mul_tr(&b)`](Matrix::mul_tr) | `(R, K)`, `(C, K) → (R, C)` | `A Bᵀ` without forming `Bᵀ` |
//!
//! The by-value forms are the natural ones (`Matrix` is `Copy`); the product also has a
//! by-reference form, `&a * &b`, for matrices large enough that copying them matters.

use super::{Matrix, kernels};
use crate::scalar::Scalar;
use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

impl<T: Scalar, const R: usize, const C: usize> Add for Matrix<T, R, C> {
    type Output = Self;
    /// Elementwise sum `A + B`.
    #[inline(always)]
    fn add(mut self, rhs: Self) -> Self {
        self += rhs;
        self
    }
}

impl<T: Scalar, const R: usize, const C: usize> AddAssign for Matrix<T, R, C> {
    /// `A += B`, elementwise.
    #[inline(always)]
    fn add_assign(&mut self, rhs: Self) {
        for (a, b) in self.iter_mut().zip(rhs.iter()) {
            *a += *b;
        }
    }
}

impl<T: Scalar, const R: usize, const C: usize> Sub for Matrix<T, R, C> {
    type Output = Self;
    /// Elementwise difference `A − B`.
    #[inline(always)]
    fn sub(mut self, rhs: Self) -> Self {
        self -= rhs;
        self
    }
}

impl<T: Scalar, const R: usize, const C: usize> SubAssign for Matrix<T, R, C> {
    /// `A -= B`, elementwise.
    #[inline(always)]
    fn sub_assign(&mut self, rhs: Self) {
        for (a, b) in self.iter_mut().zip(rhs.iter()) {
            *a -= *b;
        }
    }
}

impl<T: Scalar, const R: usize, const C: usize> Neg for Matrix<T, R, C> {
    type Output = Self;
    /// `−A`, elementwise.
    #[inline(always)]
    fn neg(self) -> Self {
        self.map(|v| -v)
    }
}

impl<T: Scalar, const R: usize, const C: usize> Mul<T> for Matrix<T, R, C> {
    type Output = Self;
    /// `A s`: every entry times the scalar `s`.
    #[inline(always)]
    fn mul(mut self, s: T) -> Self {
        self *= s;
        self
    }
}

impl<T: Scalar, const R: usize, const C: usize> MulAssign<T> for Matrix<T, R, C> {
    /// `A *= s`, every entry times the scalar `s`.
    #[inline(always)]
    fn mul_assign(&mut self, s: T) {
        for a in self.iter_mut() {
            *a *= s;
        }
    }
}

impl<T: Scalar, const R: usize, const C: usize> Div<T> for Matrix<T, R, C> {
    type Output = Self;
    /// `A / s`: every entry divided by the scalar `s`.
    #[inline(always)]
    fn div(mut self, s: T) -> Self {
        self /= s;
        self
    }
}

impl<T: Scalar, const R: usize, const C: usize> DivAssign<T> for Matrix<T, R, C> {
    /// `A /= s`, every entry divided by the scalar `s`.
    #[inline(always)]
    fn div_assign(&mut self, s: T) {
        for a in self.iter_mut() {
            *a /= s;
        }
    }
}

// `s * A` needs an impl on the foreign scalar type itself, one per type.
macro_rules! impl_scalar_lhs_mul {
    ($t:ty) => {
        impl<const R: usize, const C: usize> Mul<Matrix<$t, R, C>> for $t {
            type Output = Matrix<$t, R, C>;
            /// `s A`: every entry times the scalar `s`.
            #[inline(always)]
            fn mul(self, m: Matrix<$t, R, C>) -> Matrix<$t, R, C> {
                m * self
            }
        }
    };
}
impl_scalar_lhs_mul!(f32);
impl_scalar_lhs_mul!(f64);

impl<T: Scalar, const R: usize, const K: usize, const C: usize> Mul<Matrix<T, K, C>>
    for Matrix<T, R, K>
{
    type Output = Matrix<T, R, C>;
    /// The matrix product `A B`, defined only when `A`'s columns equal `B`'s rows.
    #[inline(always)]
    fn mul(self, rhs: Matrix<T, K, C>) -> Matrix<T, R, C> {
        &self * &rhs
    }
}

impl<T: Scalar, const R: usize, const K: usize, const C: usize> Mul<&Matrix<T, K, C>>
    for &Matrix<T, R, K>
{
    type Output = Matrix<T, R, C>;
    /// The matrix product `A B`, from references.
    #[inline(always)]
    fn mul(self, rhs: &Matrix<T, K, C>) -> Matrix<T, R, C> {
        let mut out = Matrix::zeros();
        kernels::matmul(&self.data, &rhs.data, &mut out.data);
        out
    }
}

/// # Products for backward passes
impl<T: Scalar, const K: usize, const R: usize> Matrix<T, K, R> {
    /// `Aᵀ B` for `A` (K × R) and `B` (K × C), without forming `Aᵀ`.
    ///
    /// `∂J/∂a_prev = Wᵀ δ` \[S4\] is `weights.tr_mul(&delta)`.
    #[inline(always)]
    pub fn tr_mul<const C: usize>(&self, rhs: &Matrix<T, K, C>) -> Matrix<T, R, C> {
        let mut out = Matrix::zeros();
        self.tr_mul_to(rhs, &mut out);
        out
    }

    /// Writes `Aᵀ B` into `out`, overwriting it; no temporary is built.
    #[inline(always)]
    pub fn tr_mul_to<const C: usize>(&self, rhs: &Matrix<T, K, C>, out: &mut Matrix<T, R, C>) {
        kernels::tr_matmul(&self.data, &rhs.data, &mut out.data);
    }
}

impl<T: Scalar, const R: usize, const K: usize> Matrix<T, R, K> {
    /// `A Bᵀ` for `A` (R × K) and `B` (C × K), without forming `Bᵀ`.
    ///
    /// `dW = δ a_prevᵀ` \[S4\] is `delta.mul_tr(&a_prev)`; over a batch the sum runs over
    /// the examples (columns) \[S5\].
    #[inline(always)]
    pub fn mul_tr<const C: usize>(&self, rhs: &Matrix<T, C, K>) -> Matrix<T, R, C> {
        let mut out = Matrix::zeros();
        self.mul_tr_to(rhs, &mut out);
        out
    }

    /// Writes `A Bᵀ` into `out`, overwriting it; no temporary is built. A backward pass
    /// writes `dW = δ a_prevᵀ` straight into the gradient this way, which matters when
    /// `W` is hundreds of kilobytes.
    #[inline(always)]
    pub fn mul_tr_to<const C: usize>(&self, rhs: &Matrix<T, C, K>, out: &mut Matrix<T, R, C>) {
        kernels::matmul_tr(&self.data, &rhs.data, &mut out.data);
    }

    /// Writes `A B` into `out`, overwriting it; no temporary is built.
    #[inline(always)]
    pub fn mul_to<const C: usize>(&self, rhs: &Matrix<T, K, C>, out: &mut Matrix<T, R, C>) {
        kernels::matmul(&self.data, &rhs.data, &mut out.data);
    }

    /// `A += α B` in place (an "axpy"): the update `W := W − α dW` \[C7\] is
    /// `weights.add_scaled(-alpha, &dw)`.
    #[inline(always)]
    pub fn add_scaled(&mut self, alpha: T, rhs: &Self) {
        for (a, b) in self.iter_mut().zip(rhs.iter()) {
            *a += alpha * *b;
        }
    }
}
