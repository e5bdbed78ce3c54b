//! [`Matrix<T, R, C>`]: a fixed-size, row-major matrix whose shape the compiler checks.
//!
//! The shape is part of the type, so a product of matrices whose inner dimensions differ,
//! or a sum of matrices of different shapes, is a compile error rather than a run-time
//! panic. Columns are examples, as in the seed: a batch of `m` inputs of size `n` is a
//! `Matrix<T, n, m>`, and one example is a column vector `Vector<T, n>` (`m = 1`).
//!
//! ```
//! use backprop::Matrix;
//!
//! let w = Matrix::from_rows([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]); // (2, 3)
//! let x = Matrix::from_column([1.0, 0.0, -1.0]);                   // (3, 1)
//! let z = w * x;                                                   // (2, 1)
//! assert_eq!(z, Matrix::from_column([-2.0, -2.0]));
//! ```
//!
//! Operators live in [`ops`] (`+`, `-`, `*`, scalar `*` and `/`); the heap-held
//! form for matrices too large for the stack is [`HeapMatrix`](crate::HeapMatrix).

use crate::error::{Error, Result};
use crate::scalar::Scalar;
use core::ops::{Index, IndexMut};

#[cfg(feature = "approx")]
mod approx_impls;
mod columns;
mod elementwise;
mod format;
pub(crate) mod kernels;
pub mod ops;

/// A matrix of `R` rows and `C` columns of `T`, stored row-major as `[[T; C]; R]`.
///
/// It is `Copy`: a value lives wherever it is put (on the stack, inside a layer, in a
/// `Box`), and operators take it by value. It allocates nothing.
///
/// Shapes are checked by the compiler. Multiplying a 2×3 matrix by a 2×3 matrix does not
/// compile, because `Mul` is only defined for `Matrix<T, R, K> * Matrix<T, K, C>`:
///
/// ```compile_fail,E0308
/// use backprop::Matrix;
/// let a = Matrix::<f64, 2, 3>::zeros();
/// let b = Matrix::<f64, 2, 3>::zeros();
/// let _ = a * b; // error: expected `Matrix<f64, 3, _>`, found `Matrix<f64, 2, 3>`
/// ```
///
/// Nor does adding a 2×3 matrix to a 3×2 one:
///
/// ```compile_fail,E0308
/// use backprop::Matrix;
/// let a = Matrix::<f64, 2, 3>::zeros();
/// let b = Matrix::<f64, 3, 2>::zeros();
/// let _ = a + b; // error: expected `Matrix<f64, 2, 3>`, found `Matrix<f64, 3, 2>`
/// ```
#[derive(Clone, Copy, PartialEq)]
pub struct Matrix<T, const R: usize, const C: usize> {
    pub(crate) data: [[T; C]; R],
}

/// A column vector of `N` entries: `Matrix<T, N, 1>`, the shape of one example \[S5\].
pub type Vector<T, const N: usize> = Matrix<T, N, 1>;

/// A row vector of `N` entries: `Matrix<T, 1, N>`.
pub type RowVector<T, const N: usize> = Matrix<T, 1, N>;

/// # Construction
impl<T: Scalar, const R: usize, const C: usize> Matrix<T, R, C> {
    /// Builds a matrix from its rows: `from_rows([[a, b], [c, d]])` is `[a b; c d]`.
    #[inline(always)]
    pub const fn from_rows(rows: [[T; C]; R]) -> Self {
        Matrix { data: rows }
    }

    /// The matrix of zeros.
    #[inline(always)]
    pub fn zeros() -> Self {
        Self::filled(T::ZERO)
    }

    /// The matrix of ones.
    #[inline(always)]
    pub fn ones() -> Self {
        Self::filled(T::ONE)
    }

    /// The matrix with every entry equal to `value`.
    #[inline(always)]
    pub fn filled(value: T) -> Self {
        Matrix {
            data: [[value; C]; R],
        }
    }

    /// The matrix whose entry `(i, j)` is `f(i, j)`, evaluated row by row.
    ///
    /// ```
    /// use backprop::Matrix;
    /// let m = Matrix::<f64, 2, 3>::from_fn(|i, j| (10 * i + j) as f64);
    /// assert_eq!(m, Matrix::from_rows([[0.0, 1.0, 2.0], [10.0, 11.0, 12.0]]));
    /// ```
    #[inline]
    pub fn from_fn(mut f: impl FnMut(usize, usize) -> T) -> Self {
        let mut m = Self::zeros();
        for (i, row) in m.data.iter_mut().enumerate() {
            for (j, v) in row.iter_mut().enumerate() {
                *v = f(i, j);
            }
        }
        m
    }

    /// Builds a matrix from its `R·C` entries in row-major order.
    ///
    /// The length is checked at compile time: `N` must equal `R * C`.
    ///
    /// ```
    /// use backprop::Matrix;
    /// let m = Matrix::<f64, 2, 2>::from_row_major([1.0, 2.0, 3.0, 4.0]);
    /// assert_eq!(m, Matrix::from_rows([[1.0, 2.0], [3.0, 4.0]]));
    /// ```
    ///
    /// ```compile_fail,E0080
    /// use backprop::Matrix;
    /// // 2×2 needs 4 entries, not 3: rejected when compiled.
    /// let m = Matrix::<f64, 2, 2>::from_row_major([1.0, 2.0, 3.0]);
    /// ```
    #[inline]
    pub fn from_row_major<const N: usize>(entries: [T; N]) -> Self {
        const { assert!(N == R * C, "from_row_major: N must equal R * C") };
        Self::from_fn(|i, j| entries[i * C + j])
    }

    /// Builds a matrix from a slice of its `R·C` entries in row-major order.
    ///
    /// # Errors
    /// [`Error::Length`] if the slice does not hold exactly `R·C` entries.
    ///
    /// ```
    /// use backprop::Matrix;
    /// assert!(Matrix::<f64, 2, 2>::try_from_slice(&[1.0, 2.0, 3.0, 4.0]).is_ok());
    /// let err = Matrix::<f64, 2, 2>::try_from_slice(&[1.0, 2.0, 3.0]).unwrap_err();
    /// assert_eq!(err.to_string(), "a 2×2 matrix needs 4 elements, but the slice has 3");
    /// ```
    pub fn try_from_slice(entries: &[T]) -> Result<Self> {
        if entries.len() != R * C {
            return Err(Error::Length {
                rows: R,
                cols: C,
                found: entries.len(),
            });
        }
        Ok(Self::from_fn(|i, j| entries[i * C + j]))
    }

    /// The `R·C` entries in row-major order, as an array of length `N = R * C`
    /// (checked at compile time).
    #[inline]
    pub fn to_row_major<const N: usize>(&self) -> [T; N] {
        const { assert!(N == R * C, "to_row_major: N must equal R * C") };
        let mut out = [T::ZERO; N];
        for (o, v) in out.iter_mut().zip(self.iter()) {
            *o = *v;
        }
        out
    }

    /// Writes the entries, row-major, into `out`.
    ///
    /// # Errors
    /// [`Error::Length`] if `out` does not have exactly `R·C` entries; `out` is then
    /// left unchanged.
    pub fn write_to_slice(&self, out: &mut [T]) -> Result<()> {
        if out.len() != R * C {
            return Err(Error::Length {
                rows: R,
                cols: C,
                found: out.len(),
            });
        }
        for (o, v) in out.iter_mut().zip(self.iter()) {
            *o = *v;
        }
        Ok(())
    }
}

/// # Column vectors
impl<T: Scalar, const N: usize> Matrix<T, N, 1> {
    /// The column vector with the given entries: `from_column([a, b])` is `[a; b]`.
    #[inline(always)]
    pub fn from_column(entries: [T; N]) -> Self {
        Self::from_fn(|i, _| entries[i])
    }

    /// The entries of a column vector as an array.
    #[inline]
    pub fn to_column(&self) -> [T; N] {
        core::array::from_fn(|i| self.data[i][0])
    }

    /// The diagonal matrix `diag(v)` with `v` on its diagonal: the Jacobian of an
    /// elementwise function is `diag(g'(z))` [L2.3].
    #[inline]
    pub fn diag(&self) -> Matrix<T, N, N> {
        Matrix::from_fn(|i, j| if i == j { self.data[i][0] } else { T::ZERO })
    }
}

/// # Square matrices
impl<T: Scalar, const N: usize> Matrix<T, N, N> {
    /// The identity matrix `I`.
    #[inline]
    pub fn identity() -> Self {
        Self::from_fn(|i, j| if i == j { T::ONE } else { T::ZERO })
    }

    /// The trace: the sum of the diagonal.
    #[inline]
    pub fn trace(&self) -> T {
        (0..N).map(|i| self.data[i][i]).sum()
    }

    /// The diagonal as a column vector.
    #[inline]
    pub fn diagonal(&self) -> Vector<T, N> {
        Matrix::from_fn(|i, _| self.data[i][i])
    }
}

/// # Constants
impl<T: Scalar, const R: usize, const C: usize> Matrix<T, R, C> {
    /// The matrix of zeros, as a constant: `const Z: Matrix<f64, 2, 3> = Matrix::ZERO;`.
    pub const ZERO: Self = Matrix {
        data: [[T::ZERO; C]; R],
    };
    /// The matrix of ones, as a constant.
    pub const ONE: Self = Matrix {
        data: [[T::ONE; C]; R],
    };
}

impl<T: Scalar, const N: usize> Matrix<T, N, N> {
    /// The identity matrix, as a constant: `const I: Matrix<f64, 3, 3> = Matrix::IDENTITY;`.
    pub const IDENTITY: Self = {
        let mut data = [[T::ZERO; N]; N];
        let mut i = 0;
        while i < N {
            data[i][i] = T::ONE;
            i += 1;
        }
        Matrix { data }
    };
}

impl<T: Scalar, const R: usize, const C: usize> Default for Matrix<T, R, C> {
    /// The matrix of zeros.
    fn default() -> Self {
        Self::zeros()
    }
}

impl<T: Scalar, const R: usize, const C: usize> From<[[T; C]; R]> for Matrix<T, R, C> {
    fn from(rows: [[T; C]; R]) -> Self {
        Self::from_rows(rows)
    }
}

impl<T: Scalar, const R: usize, const C: usize> From<Matrix<T, R, C>> for [[T; C]; R] {
    fn from(m: Matrix<T, R, C>) -> Self {
        m.data
    }
}

/// # Access
impl<T: Scalar, const R: usize, const C: usize> Matrix<T, R, C> {
    /// The number of rows, `R`.
    pub const ROWS: usize = R;
    /// The number of columns, `C`.
    pub const COLS: usize = C;

    /// The entry at row `i`, column `j`, or `None` if either is out of range.
    #[inline]
    pub fn get(&self, i: usize, j: usize) -> Option<&T> {
        self.data.get(i).and_then(|row| row.get(j))
    }

    /// A mutable reference to the entry at row `i`, column `j`, or `None` if out of range.
    #[inline]
    pub fn get_mut(&mut self, i: usize, j: usize) -> Option<&mut T> {
        self.data.get_mut(i).and_then(|row| row.get_mut(j))
    }

    /// Row `i` as a `1 × C` matrix.
    ///
    /// # Panics
    /// If `i >= R`.
    #[inline]
    pub fn row(&self, i: usize) -> RowVector<T, C> {
        Matrix {
            data: [self.data[i]],
        }
    }

    /// The entries in row-major order (an exact-size, double-ended iterator).
    #[inline]
    pub fn iter(&self) -> core::slice::Iter<'_, T> {
        self.data.as_flattened().iter()
    }

    /// Mutable references to the entries in row-major order.
    #[inline]
    pub fn iter_mut(&mut self) -> core::slice::IterMut<'_, T> {
        self.data.as_flattened_mut().iter_mut()
    }

    /// The rows, each as an array `&[T; C]`.
    #[inline]
    pub fn rows(&self) -> core::slice::Iter<'_, [T; C]> {
        self.data.iter()
    }

    /// The storage, `[[T; C]; R]`, borrowed.
    #[inline(always)]
    pub fn as_array(&self) -> &[[T; C]; R] {
        &self.data
    }

    /// The storage, `[[T; C]; R]`, borrowed mutably.
    #[inline(always)]
    pub fn as_mut_array(&mut self) -> &mut [[T; C]; R] {
        &mut self.data
    }

    /// The entries in row-major order, as one slice of length `R·C`.
    #[inline(always)]
    pub fn as_slice(&self) -> &[T] {
        self.data.as_flattened()
    }

    /// The entries in row-major order, as one mutable slice of length `R·C`.
    #[inline(always)]
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        self.data.as_flattened_mut()
    }

    /// The storage, `[[T; C]; R]`, by value.
    #[inline(always)]
    pub fn into_array(self) -> [[T; C]; R] {
        self.data
    }
}

impl<T, const R: usize, const C: usize> Index<(usize, usize)> for Matrix<T, R, C> {
    type Output = T;
    /// `m[(i, j)]`: the entry at row `i`, column `j` (0-based).
    ///
    /// # Panics
    /// If `i >= R` or `j >= C`; use [`Matrix::get`] for a checked read.
    #[inline(always)]
    fn index(&self, (i, j): (usize, usize)) -> &T {
        &self.data[i][j]
    }
}

impl<T, const R: usize, const C: usize> IndexMut<(usize, usize)> for Matrix<T, R, C> {
    /// `m[(i, j)] = v`.
    ///
    /// # Panics
    /// If `i >= R` or `j >= C`; use [`Matrix::get_mut`] for a checked write.
    #[inline(always)]
    fn index_mut(&mut self, (i, j): (usize, usize)) -> &mut T {
        &mut self.data[i][j]
    }
}

/// # Structure: transpose, products, vectorisation
impl<T: Scalar, const R: usize, const C: usize> Matrix<T, R, C> {
    /// The transpose `Aᵀ`, with `Aᵀ[(j, i)] = A[(i, j)]`.
    #[inline]
    pub fn transpose(&self) -> Matrix<T, C, R> {
        Matrix::from_fn(|j, i| self.data[i][j])
    }

    /// The Hadamard (elementwise) product `A ⊙ B`, the seed's `*` [N5, L2.7].
    #[inline]
    pub fn hadamard(&self, rhs: &Self) -> Self {
        self.zip_map(rhs, |a, b| a * b)
    }

    /// The dot (Frobenius inner) product `Σᵢⱼ A[(i, j)] B[(i, j)]`; for two column vectors
    /// it is `aᵀ b`.
    #[inline]
    pub fn dot(&self, rhs: &Self) -> T {
        let mut s = T::ZERO;
        for (a, b) in self.iter().zip(rhs.iter()) {
            s += *a * *b;
        }
        s
    }

    /// The outer product `u vᵀ` of two column vectors: an `R × C` matrix.
    /// `dW = δ a_prevᵀ` is one [L2.8].
    #[inline]
    pub fn outer(u: &Vector<T, R>, v: &Vector<T, C>) -> Self {
        Self::from_fn(|i, j| u.data[i][0] * v.data[j][0])
    }

    /// The Kronecker product `A ⊗ B`: block `(i, j)` of the result is `A[(i, j)] B`.
    ///
    /// Stable Rust cannot write `R * R2` as a const generic, so the result's shape is a
    /// parameter of its own, checked at compile time: `RR == R * R2` and `CC == C * C2`.
    /// `∂z/∂W = I ⊗ a_prevᵀ` is one [L2.5, L1.3].
    ///
    /// ```
    /// use backprop::Matrix;
    /// let i2 = Matrix::<f64, 2, 2>::identity();
    /// let a = Matrix::from_rows([[1.0, 2.0, 3.0]]);
    /// let k: Matrix<f64, 2, 6> = i2.kron(&a);
    /// assert_eq!(k, Matrix::from_rows([[1.0, 2.0, 3.0, 0.0, 0.0, 0.0],
    ///                                  [0.0, 0.0, 0.0, 1.0, 2.0, 3.0]]));
    /// ```
    ///
    /// A result of the wrong size does not compile:
    ///
    /// ```compile_fail,E0080
    /// use backprop::Matrix;
    /// let i2 = Matrix::<f64, 2, 2>::identity();
    /// let a = Matrix::<f64, 1, 3>::zeros();
    /// let k: Matrix<f64, 2, 5> = i2.kron(&a); // 2·3 = 6 columns, not 5
    /// ```
    #[inline]
    pub fn kron<const R2: usize, const C2: usize, const RR: usize, const CC: usize>(
        &self,
        rhs: &Matrix<T, R2, C2>,
    ) -> Matrix<T, RR, CC> {
        const {
            assert!(RR == R * R2, "kron: RR must equal R * R2");
            assert!(CC == C * C2, "kron: CC must equal C * C2");
        };
        Matrix::from_fn(|i, j| self.data[i / R2][j / C2] * rhs.data[i % R2][j % C2])
    }

    /// `vec(A)` as a row `(1, R·C)`: the entries row by row, the derivation's
    /// vectorisation \[M2\]. `N` must equal `R * C` (checked at compile time).
    ///
    /// ```compile_fail,E0080
    /// use backprop::Matrix;
    /// let a = Matrix::<f64, 2, 3>::zeros();
    /// let v: Matrix<f64, 1, 5> = a.vec_row(); // 2·3 = 6, not 5
    /// ```
    #[inline]
    pub fn vec_row<const N: usize>(&self) -> RowVector<T, N> {
        const { assert!(N == R * C, "vec_row: N must equal R * C") };
        Matrix::from_fn(|_, k| self.data[k / C][k % C])
    }

    /// `vec(A)` as a column `(R·C, 1)`: the entries row by row. `N` must equal `R * C`
    /// (checked at compile time).
    ///
    /// ```compile_fail,E0080
    /// use backprop::Matrix;
    /// let a = Matrix::<f64, 2, 3>::zeros();
    /// let v: Matrix<f64, 7, 1> = a.vec_column(); // 2·3 = 6, not 7
    /// ```
    #[inline]
    pub fn vec_column<const N: usize>(&self) -> Vector<T, N> {
        const { assert!(N == R * C, "vec_column: N must equal R * C") };
        Matrix::from_fn(|k, _| self.data[k / C][k % C])
    }

    /// The same entries, in the same row-major order, as an `R2 × C2` matrix;
    /// `R2 · C2` must equal `R · C` (checked at compile time). Reshaping the (1, O·I)
    /// Jacobian `∂J/∂W` gives the gradient `dW` \[M2\].
    ///
    /// ```compile_fail,E0080
    /// use backprop::Matrix;
    /// let a = Matrix::<f64, 1, 8>::zeros();
    /// let w: Matrix<f64, 3, 3> = a.reshape(); // 9 entries, not 8
    /// ```
    #[inline]
    pub fn reshape<const R2: usize, const C2: usize>(&self) -> Matrix<T, R2, C2> {
        const { assert!(R2 * C2 == R * C, "reshape: R2 * C2 must equal R * C") };
        Matrix::from_fn(|i, j| {
            let k = i * C2 + j;
            self.data[k / C][k % C]
        })
    }
}
