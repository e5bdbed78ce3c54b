//! Per-feature standardisation of a [`Dataset`], fitted on a training set.

use super::Dataset;
use crate::error::{Error, Result, quoted};
use crate::scalar::Scalar;

/// Per-feature standardisation `x′ = (x − mean) / scale`, fitted on a training set and
/// then applied, with the same statistics, to the training and the test set.
///
/// `mean` is the feature's mean over the training examples and `scale` its standard
/// deviation with divisor `n` (the population standard deviation, so the standardised
/// training set has mean 0 and standard deviation exactly 1 up to rounding). A feature
/// that is constant on the training set has no spread to divide by: its scale is 1, so
/// it becomes `x − mean`, which is 0 on the training set.
#[derive(Debug, Clone, PartialEq)]
pub struct Standardizer<T> {
    mean: Vec<T>,
    scale: Vec<T>,
}

impl<T: Scalar> Standardizer<T> {
    /// Computes each feature's mean and standard deviation over `train` (in `f64`).
    ///
    /// # Errors
    /// [`Error::Invalid`] if `train` has no examples, or if a feature's values are so
    /// large that its mean or standard deviation is not finite in `T`.
    pub fn fit(train: &Dataset<T>) -> Result<Self> {
        if train.is_empty() {
            return Err(Error::invalid(format!(
                "cannot fit a standardizer on {}: it has no examples",
                train.name
            )));
        }
        let n = train.len() as f64;
        let d = train.n_features;
        let (mut mean, mut scale) = (Vec::with_capacity(d), Vec::with_capacity(d));
        for j in 0..d {
            let column = || train.iter().map(move |(x, _)| x[j].to_f64());
            let first = train.features(0)[j].to_f64();
            let (m, s) = if column().all(|v| v == first) {
                (first, 1.0)
            } else {
                let m = column().sum::<f64>() / n;
                // √(Σ(x − m)² / n), computed as a·√(Σ((x − m)/a)² / n) with a = max|x − m|
                // so that neither the squares overflow nor tiny spreads underflow.
                let a = column().map(|v| (v - m).abs()).fold(0.0, f64::max);
                let s = a * (column().map(|v| ((v - m) / a).powi(2)).sum::<f64>() / n).sqrt();
                (m, s)
            };
            let (m, mut s) = (T::from_f64(m), T::from_f64(s));
            if s == T::ZERO {
                s = T::ONE; // a spread below T's smallest number: treat as constant
            }
            if !m.is_finite() || !s.is_finite() {
                return Err(Error::invalid(format!(
                    "cannot standardise feature {} of {}: its mean ({m}) or standard \
                     deviation ({s}) is not finite in {}",
                    quoted(&train.feature_names[j]),
                    train.name,
                    T::NAME
                )));
            }
            mean.push(m);
            scale.push(s);
        }
        Ok(Standardizer { mean, scale })
    }

    /// A standardizer with the given per-feature statistics, as [`mean`](Self::mean) and
    /// [`scale`](Self::scale) return them (a saved [`Model`](crate::model::Model) is
    /// read back with this).
    ///
    /// # Errors
    /// [`Error::Invalid`] if the two lists differ in length, or if a mean is not finite
    /// or a scale is not finite and positive, naming the feature.
    pub fn from_parts(mean: Vec<T>, scale: Vec<T>) -> Result<Self> {
        if mean.len() != scale.len() {
            return Err(Error::invalid(format!(
                "a standardizer needs one scale per mean, but {} means and {} scales were given",
                mean.len(),
                scale.len()
            )));
        }
        if let Some(j) = mean.iter().position(|m| !m.is_finite()) {
            return Err(Error::invalid(format!(
                "the mean of feature {j} is {}; it must be finite",
                mean[j]
            )));
        }
        if let Some(j) = scale.iter().position(|&s| !(s.is_finite() && s > T::ZERO)) {
            return Err(Error::invalid(format!(
                "the scale of feature {j} is {}; it must be finite and positive",
                scale[j]
            )));
        }
        Ok(Standardizer { mean, scale })
    }

    /// The per-feature means.
    pub fn mean(&self) -> &[T] {
        &self.mean
    }

    /// The per-feature scales: standard deviations, or 1 for constant features.
    pub fn scale(&self) -> &[T] {
        &self.scale
    }

    /// Replaces every feature value `x` of `data` by `(x − mean) / scale`.
    ///
    /// # Errors
    /// [`Error::Invalid`] if `data` does not have the number of features the standardizer
    /// was fitted on, or if a standardised value would not be finite in `T` (a value far
    /// outside the training set's spread: fitted on `{0, 1e-300}`, the value `1e10`
    /// becomes `2e310`), naming the example and the feature; `data` is then unchanged.
    pub fn apply(&self, data: &mut Dataset<T>) -> Result<()> {
        if data.n_features != self.mean.len() {
            return Err(Error::invalid(format!(
                "the standardizer was fitted on {} features but {} has {}",
                self.mean.len(),
                data.name,
                data.n_features
            )));
        }
        let d = self.mean.len();
        for (i, row) in data.features.chunks_exact(d.max(1)).enumerate() {
            self.check_finite(row).map_err(|j| {
                self.not_finite(
                    row[j],
                    &format!(
                        "feature {} of example {i} of {}",
                        quoted(&data.feature_names[j]),
                        data.name
                    ),
                    j,
                )
            })?;
        }
        for row in data.features.chunks_exact_mut(d.max(1)) {
            self.standardize(row);
        }
        Ok(())
    }

    /// Standardises one example's features in place.
    ///
    /// # Errors
    /// [`Error::Invalid`] if `features` does not have the number of features the
    /// standardizer was fitted on, or if a standardised value would not be finite in `T`;
    /// `features` is then unchanged.
    pub fn apply_to_features(&self, features: &mut [T]) -> Result<()> {
        if features.len() != self.mean.len() {
            return Err(Error::invalid(format!(
                "the standardizer was fitted on {} features but the example has {}",
                self.mean.len(),
                features.len()
            )));
        }
        self.check_finite(features)
            .map_err(|j| self.not_finite(features[j], &format!("feature {j} of the example"), j))?;
        self.standardize(features);
        Ok(())
    }

    /// `(x − mean) / scale` for feature `j`, computed in `f64` and rounded to `T`.
    fn standardized(&self, x: T, j: usize) -> T {
        T::from_f64((x.to_f64() - self.mean[j].to_f64()) / self.scale[j].to_f64())
    }

    /// `Err(j)` for the first feature `j` of `row` whose standardised value is not finite.
    fn check_finite(&self, row: &[T]) -> core::result::Result<(), usize> {
        match (0..row.len()).find(|&j| !self.standardized(row[j], j).is_finite()) {
            Some(j) => Err(j),
            None => Ok(()),
        }
    }

    /// The error for a value `x` of feature `j` (described by `what`) whose standardised
    /// value is not finite.
    fn not_finite(&self, x: T, what: &str, j: usize) -> Error {
        Error::invalid(format!(
            "cannot standardise {what}: ({x} − {}) / {} is not finite in {}; the value is far \
             outside the spread of the data the standardizer was fitted on",
            self.mean[j],
            self.scale[j],
            T::NAME
        ))
    }

    fn standardize(&self, row: &mut [T]) {
        for (j, x) in row.iter_mut().enumerate() {
            *x = self.standardized(*x, j);
        }
    }
}
