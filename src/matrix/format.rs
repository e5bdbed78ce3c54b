//! `Debug` and `Display` for [`Matrix`]: rows on lines, columns aligned, without an
//! allocator.

use super::Matrix;
use crate::scalar::Scalar;
use core::fmt;

impl<T: Scalar, const R: usize, const C: usize> fmt::Debug for Matrix<T, R, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Matrix<{}, {R}, {C}>", T::NAME)?;
        f.debug_list().entries(self.data.iter()).finish()
    }
}

impl<T: Scalar, const R: usize, const C: usize> fmt::Display for Matrix<T, R, C> {
    /// Prints the matrix one row per line, each column right-aligned to its widest
    /// entry; a precision (`{:.3}`) applies to every entry, while width, fill, alignment
    /// and sign flags are ignored. A matrix with no rows prints nothing; one with no
    /// columns prints `[ ]` for each row.
    ///
    /// ```
    /// use backprop::Matrix;
    /// let m = Matrix::from_rows([[1.0, -2.5], [10.0, 0.25]]);
    /// assert_eq!(format!("{m:.2}"), "[  1.00 -2.50 ]\n[ 10.00  0.25 ]");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let precision = f.precision();
        // Each cell is formatted twice, first only to count its characters (so the
        // columns can be aligned without an allocator).
        let cell = |out: &mut dyn fmt::Write, v: &T| match precision {
            Some(p) => write!(out, "{v:.p$}"),
            None => write!(out, "{v}"),
        };
        let width = |v: &T| {
            let mut count = CharCount(0);
            let _ = cell(&mut count, v);
            count.0
        };
        let mut widths = [0usize; C];
        for row in self.data.iter() {
            for (w, v) in widths.iter_mut().zip(row.iter()) {
                *w = (*w).max(width(v));
            }
        }
        for (i, row) in self.data.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            f.write_str("[")?;
            for (w, v) in widths.iter().zip(row.iter()) {
                write!(f, " {:>1$}", "", w - width(v))?;
                cell(f, v)?;
            }
            f.write_str(" ]")?;
        }
        Ok(())
    }
}

/// A writer that only counts the characters written to it.
struct CharCount(usize);

impl fmt::Write for CharCount {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 += s.chars().count();
        Ok(())
    }
}
