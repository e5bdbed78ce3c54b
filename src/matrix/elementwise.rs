//! Elementwise mapping and folding of a [`Matrix`]: `map`, `zip_map`, sums and the like.

use super::{Matrix, RowVector, Vector, kernels};
use crate::scalar::Scalar;

/// # Elementwise mapping and folding
impl<T: Scalar, const R: usize, const C: usize> Matrix<T, R, C> {
    /// The matrix `f(A[(i, j)])`, with `f` called row by row, in row-major order.
    #[inline(always)]
    pub fn map(&self, mut f: impl FnMut(T) -> T) -> Self {
        // Built row by row in place (no copy of `self` to overwrite, no zeroing).
        Matrix {
            data: core::array::from_fn(|i| {
                let row = &self.data[i];
                core::array::from_fn(|j| f(row[j]))
            }),
        }
    }

    /// The matrix `f(A[(i, j)], B[(i, j)])`, with `f` called in row-major order.
    #[inline(always)]
    pub fn zip_map(&self, rhs: &Self, mut f: impl FnMut(T, T) -> T) -> Self {
        Matrix {
            data: core::array::from_fn(|i| {
                let (a, b) = (&self.data[i], &rhs.data[i]);
                core::array::from_fn(|j| f(a[j], b[j]))
            }),
        }
    }

    /// The sum of all entries.
    #[inline]
    pub fn sum(&self) -> T {
        let mut s = T::ZERO;
        for row in self.data.iter() {
            s += kernels::sum(row);
        }
        s
    }

    /// The sum of each row, `Σ_columns A`: an `R × 1` column. Over a batch whose
    /// columns are examples this is `db = Σ_columns δ` before the `1/m` \[S5\].
    #[inline]
    pub fn row_sums(&self) -> Vector<T, R> {
        // Eight partial sums per row (see `kernels::sum`): a long row is not one chain
        // of dependent additions.
        let mut sums = Vector::zeros();
        kernels::row_sums(&self.data, &mut sums.data);
        sums
    }

    /// The sum of each column, `Σ_rows A`: a `1 × C` row.
    #[inline]
    pub fn column_sums(&self) -> RowVector<T, C> {
        let mut out = RowVector::zeros();
        for row in self.data.iter() {
            for (o, v) in out.data[0].iter_mut().zip(row.iter()) {
                *o += *v;
            }
        }
        out
    }

    /// The Frobenius norm `‖A‖_F = sqrt(Σ A[(i, j)]²) = sqrt(vec(A) · vec(A))`, scaled by
    /// the largest `|A[(i, j)]|` on the way so that it is finite whenever every entry is
    /// (no square overflows); NaN if an entry is NaN.
    #[inline]
    pub fn norm(&self) -> T {
        crate::scalar::euclidean_norm(|| self.iter())
    }

    /// The largest entry, or `None` for an empty matrix or one whose entries are all NaN.
    /// NaN entries are skipped; on ties, the entry [`argmax`](Self::argmax) finds first.
    #[inline]
    pub fn max(&self) -> Option<T> {
        self.argmax().map(|(i, j)| self.data[i][j])
    }

    /// The position `(row, column)` of the largest entry (the first, on ties), or `None`
    /// for an empty matrix or one whose entries are all NaN.
    #[inline]
    pub fn argmax(&self) -> Option<(usize, usize)> {
        let mut best: Option<(usize, usize)> = None;
        for (i, row) in self.data.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                if v.is_nan() {
                    continue;
                }
                match best {
                    Some((bi, bj)) if self.data[bi][bj] >= *v => {}
                    _ => best = Some((i, j)),
                }
            }
        }
        best
    }

    /// `true` if every entry is finite (neither NaN nor ±∞).
    #[inline]
    pub fn is_finite(&self) -> bool {
        self.iter().all(|v| v.is_finite())
    }

    /// The largest `|A[(i, j)] − B[(i, j)]|`, `0` for an empty matrix.
    ///
    /// If any difference is NaN (an entry is NaN, or both are the same infinity) the
    /// result is NaN, so a check such as `a.max_abs_diff(&b) <= tol` fails rather than
    /// silently passing.
    ///
    /// ```
    /// use backprop::Matrix;
    /// let a = Matrix::from_rows([[1.0, f64::NAN]]);
    /// let b = Matrix::from_rows([[1.0, 2.0]]);
    /// assert!(a.max_abs_diff(&b).is_nan());
    /// ```
    #[inline]
    pub fn max_abs_diff(&self, rhs: &Self) -> T {
        let mut m = T::ZERO;
        for (a, b) in self.iter().zip(rhs.iter()) {
            let d = (*a - *b).abs();
            if d.is_nan() {
                return d;
            }
            m = m.max(d);
        }
        m
    }
}
