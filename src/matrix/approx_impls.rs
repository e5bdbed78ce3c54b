//! `approx` comparisons for [`Matrix`] (feature `approx`): entrywise, all entries must pass,
//! so matrices that differ in a single entry are not close. Matrices of no entries are
//! always close.

use super::Matrix;
use crate::scalar::Scalar;
use approx::{AbsDiffEq, RelativeEq, UlpsEq};

/// `|a − b| ≤ epsilon` for every pair of entries.
impl<T, const R: usize, const C: usize> AbsDiffEq for Matrix<T, R, C>
where
    T: Scalar + AbsDiffEq<Epsilon = T>,
{
    type Epsilon = T;
    fn default_epsilon() -> T {
        T::default_epsilon()
    }
    fn abs_diff_eq(&self, other: &Self, epsilon: T) -> bool {
        self.iter()
            .zip(other.iter())
            .all(|(a, b)| a.abs_diff_eq(b, epsilon))
    }
}

/// Every pair of entries is within `epsilon` absolutely or `max_relative` relatively
/// (relative to the larger magnitude of the two).
impl<T, const R: usize, const C: usize> RelativeEq for Matrix<T, R, C>
where
    T: Scalar + RelativeEq<Epsilon = T>,
{
    fn default_max_relative() -> T {
        T::default_max_relative()
    }
    fn relative_eq(&self, other: &Self, epsilon: T, max_relative: T) -> bool {
        self.iter()
            .zip(other.iter())
            .all(|(a, b)| a.relative_eq(b, epsilon, max_relative))
    }
}

/// Every pair of entries is within `epsilon` absolutely or `max_ulps` units in the last
/// place apart.
impl<T, const R: usize, const C: usize> UlpsEq for Matrix<T, R, C>
where
    T: Scalar + UlpsEq<Epsilon = T>,
{
    fn default_max_ulps() -> u32 {
        T::default_max_ulps()
    }
    fn ulps_eq(&self, other: &Self, epsilon: T, max_ulps: u32) -> bool {
        self.iter()
            .zip(other.iter())
            .all(|(a, b)| a.ulps_eq(b, epsilon, max_ulps))
    }
}
