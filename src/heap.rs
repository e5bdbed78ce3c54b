//! [`HeapMatrix<T, R, C>`]: a matrix too large for the stack, held in a `Box`.
//!
//! A 512 × 512 `f64` matrix is 2 MiB, the whole stack of a test thread. `Box::new(m)`
//! does not help: `m` is built on the stack first and then moved, and whether the
//! compiler elides that copy depends on the build profile (we watched a 4 MiB
//! `Box::new(Matrix::zeros())` overflow a 2 MiB thread in release but not in debug, and
//! the other way round for `Box::write`). Building a `Box<Matrix>` in place needs
//! `unsafe`, which this crate forbids outside its CPU dispatch. Safe Rust *can* turn a `Box<[[T; C]]>` built by a
//! `Vec` row by row into a `Box<[[T; C]; R]>` in place, so that is what `HeapMatrix`
//! holds: the same row-major `[[T; C]; R]` as [`Matrix`], on the heap, and never more
//! than one row of it on the stack. Its products call the same kernels as `Matrix`.
//!
//! A network too large for the stack is built of
//! [`HeapDense`](crate::layer::HeapDense) layers, whose weights and biases are
//! `HeapMatrix`es: see [Large networks](crate::layer::heap_dense#large-networks) for the
//! whole route, from building to saving and loading.
//!
//! ```
//! use backprop::HeapMatrix;
//!
//! // 4 MiB: twice a test thread's whole stack.
//! let a = HeapMatrix::<f32, 1024, 1024>::from_fn(|i, j| (i == j) as u8 as f32);
//! let b = HeapMatrix::<f32, 1024, 8>::from_fn(|i, j| (i + j) as f32);
//! let c = &a * &b; // identity times b, 1024 × 8
//! assert_eq!(c[(3, 4)], 7.0);
//! assert_eq!(c[(1000, 7)], 1007.0);
//! ```

use crate::matrix::{Matrix, kernels};
use crate::scalar::Scalar;
use core::ops::{Index, IndexMut, Mul};

/// A row-major `R × C` matrix stored on the heap as `Box<[[T; C]; R]>`.
///
/// Built without ever holding the whole matrix on the stack; see the [module
/// docs](self). Convert to and from [`Matrix`] only when the matrix is small enough
/// for the stack.
#[derive(PartialEq)]
pub struct HeapMatrix<T, const R: usize, const C: usize> {
    data: Box<[[T; C]; R]>,
}

impl<T: Scalar, const R: usize, const C: usize> HeapMatrix<T, R, C> {
    /// The matrix with every entry equal to `value`, allocated row by row on the heap.
    pub fn filled(value: T) -> Self {
        let rows: Box<[[T; C]]> = vec![[value; C]; R].into_boxed_slice();
        let data: Box<[[T; C]; R]> = match rows.try_into() {
            Ok(data) => data,
            // The Vec has exactly R rows, so the conversion cannot fail.
            Err(_) => unreachable!("a Vec of R rows converts to [_; R]"),
        };
        HeapMatrix { data }
    }

    /// The matrix of zeros.
    pub fn zeros() -> Self {
        Self::filled(T::ZERO)
    }

    /// The matrix whose entry `(i, j)` is `f(i, j)`.
    pub fn from_fn(mut f: impl FnMut(usize, usize) -> T) -> Self {
        let mut m = Self::zeros();
        for (i, row) in m.data.iter_mut().enumerate() {
            for (j, v) in row.iter_mut().enumerate() {
                *v = f(i, j);
            }
        }
        m
    }

    /// Copies a stack [`Matrix`] to the heap.
    pub fn from_matrix(m: &Matrix<T, R, C>) -> Self {
        let mut out = Self::zeros();
        out.as_mut_slice().copy_from_slice(m.as_slice());
        out
    }

    /// Copies the matrix to a stack [`Matrix`]; only for sizes the stack can hold.
    pub fn to_matrix(&self) -> Matrix<T, R, C> {
        Matrix::from_rows(*self.data)
    }

    /// The storage, `[[T; C]; R]`, borrowed.
    pub fn as_array(&self) -> &[[T; C]; R] {
        &self.data
    }

    /// The storage, `[[T; C]; R]`, borrowed mutably.
    pub fn as_mut_array(&mut self) -> &mut [[T; C]; R] {
        &mut self.data
    }

    /// The entries in row-major order, as one slice of length `R·C`.
    pub fn as_slice(&self) -> &[T] {
        self.data.as_flattened()
    }

    /// The entries in row-major order, as one mutable slice of length `R·C`.
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        self.data.as_flattened_mut()
    }

    /// The entry at row `i`, column `j`, or `None` if out of range.
    pub fn get(&self, i: usize, j: usize) -> Option<&T> {
        self.data.get(i).and_then(|row| row.get(j))
    }

    /// A mutable reference to the entry at row `i`, column `j`, or `None` if out of range.
    pub fn get_mut(&mut self, i: usize, j: usize) -> Option<&mut T> {
        self.data.get_mut(i).and_then(|row| row.get_mut(j))
    }

    /// The entries in row-major order (an exact-size, double-ended iterator).
    pub fn iter(&self) -> core::slice::Iter<'_, T> {
        self.data.as_flattened().iter()
    }

    /// Mutable references to the entries in row-major order.
    pub fn iter_mut(&mut self) -> core::slice::IterMut<'_, T> {
        self.data.as_flattened_mut().iter_mut()
    }

    /// The transpose `Aᵀ`, built on the heap.
    pub fn transpose(&self) -> HeapMatrix<T, C, R> {
        HeapMatrix::from_fn(|j, i| self.data[i][j])
    }

    /// Writes `A B` into `out`, overwriting it; no temporary is built.
    pub fn mul_to<const K: usize>(&self, rhs: &HeapMatrix<T, C, K>, out: &mut HeapMatrix<T, R, K>) {
        kernels::matmul(&self.data, &rhs.data, &mut out.data);
    }
}

/// # Products for backward passes and in-place arithmetic
///
/// The same kernels as [`Matrix`]'s `tr_mul`, `mul_tr` and `add_scaled`, writing into
/// heap matrices.
impl<T: Scalar, const R: usize, const C: usize> HeapMatrix<T, R, C> {
    /// Builds a matrix from a slice of its `R·C` entries in row-major order.
    ///
    /// # Errors
    /// [`Error::Length`](crate::Error::Length) if the slice does not hold exactly `R·C`
    /// entries.
    pub fn try_from_slice(entries: &[T]) -> crate::Result<Self> {
        if entries.len() != R * C {
            return Err(crate::Error::Length {
                rows: R,
                cols: C,
                found: entries.len(),
            });
        }
        let mut m = Self::zeros();
        m.as_mut_slice().copy_from_slice(entries);
        Ok(m)
    }

    /// Writes `Aᵀ B` into `out` for `A` (R × C) and `B` (R × K), without forming `Aᵀ`.
    pub fn tr_mul_to<const K: usize>(
        &self,
        rhs: &HeapMatrix<T, R, K>,
        out: &mut HeapMatrix<T, C, K>,
    ) {
        kernels::tr_matmul(&self.data, &rhs.data, &mut out.data);
    }

    /// Writes `A Bᵀ` into `out` for `A` (R × C) and `B` (K × C), without forming `Bᵀ`.
    pub fn mul_tr_to<const K: usize>(
        &self,
        rhs: &HeapMatrix<T, K, C>,
        out: &mut HeapMatrix<T, R, K>,
    ) {
        kernels::matmul_tr(&self.data, &rhs.data, &mut out.data);
    }

    /// `A += α B`, entry by entry.
    pub fn add_scaled(&mut self, alpha: T, rhs: &Self) {
        for (a, b) in self.iter_mut().zip(rhs.iter()) {
            *a += alpha * *b;
        }
    }

    /// `A *= s`, every entry times the scalar `s`.
    pub fn scale(&mut self, s: T) {
        for a in self.iter_mut() {
            *a *= s;
        }
    }
}

impl<T: Scalar, const R: usize, const K: usize, const C: usize> Mul<&HeapMatrix<T, K, C>>
    for &HeapMatrix<T, R, K>
{
    type Output = HeapMatrix<T, R, C>;
    /// The matrix product `A B`, computed into a new heap matrix.
    fn mul(self, rhs: &HeapMatrix<T, K, C>) -> HeapMatrix<T, R, C> {
        let mut out = HeapMatrix::zeros();
        self.mul_to(rhs, &mut out);
        out
    }
}

impl<T: Scalar, const R: usize, const C: usize> Clone for HeapMatrix<T, R, C> {
    /// A copy allocated row by row on the heap, like [`HeapMatrix::zeros`], and then
    /// filled: the copy never passes through the stack, whatever the build profile.
    fn clone(&self) -> Self {
        let mut out = Self::zeros();
        out.as_mut_slice().copy_from_slice(self.as_slice());
        out
    }
}

impl<T, const R: usize, const C: usize> Index<(usize, usize)> for HeapMatrix<T, R, C> {
    type Output = T;
    /// `m[(i, j)]`.
    ///
    /// # Panics
    /// If `i >= R` or `j >= C`; use [`HeapMatrix::get`] for a checked read.
    fn index(&self, (i, j): (usize, usize)) -> &T {
        &self.data[i][j]
    }
}

impl<T, const R: usize, const C: usize> IndexMut<(usize, usize)> for HeapMatrix<T, R, C> {
    /// `m[(i, j)] = v`.
    ///
    /// # Panics
    /// If `i >= R` or `j >= C`.
    fn index_mut(&mut self, (i, j): (usize, usize)) -> &mut T {
        &mut self.data[i][j]
    }
}

impl<T: Scalar, const R: usize, const C: usize> core::fmt::Debug for HeapMatrix<T, R, C> {
    /// Prints the type and shape only, `HeapMatrix<f32, 1024, 1024>`: the entries of a
    /// matrix this large would flood the output. Use [`HeapMatrix::to_matrix`] on small
    /// ones to see them.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "HeapMatrix<{}, {R}, {C}>", T::NAME)
    }
}
