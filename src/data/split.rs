//! Subsets of a [`Dataset`] and its stratified split into training and test parts.

use super::Dataset;
use crate::error::{Error, Result};
use crate::rng::Rng;
use crate::scalar::Scalar;

/// # Subsets and splits
impl<T: Scalar> Dataset<T> {
    /// The examples `indices`, in that order (repeats allowed), with the same names (of
    /// the set, its features, its label and its classes).
    ///
    /// # Errors
    /// [`Error::Invalid`] if an index is out of range.
    pub fn subset(&self, indices: &[usize]) -> Result<Dataset<T>> {
        self.check_indices(indices)?;
        let mut features = Vec::with_capacity(indices.len() * self.n_features);
        for &i in indices {
            features.extend_from_slice(self.features(i));
        }
        Ok(Dataset {
            features,
            labels: indices.iter().map(|&i| self.labels[i]).collect(),
            n_features: self.n_features,
            feature_names: self.feature_names.clone(),
            label_name: self.label_name.clone(),
            class_names: self.class_names.clone(),
            name: self.name.clone(),
        })
    }

    /// Splits into `(training part, test part)` with about `test_fraction` of the examples
    /// in the test part and the same class proportions (by label value) in both parts.
    ///
    /// The test part has `round(n · test_fraction)` examples. Each class `c` of `n_c`
    /// examples gives it `⌊n_c · test_fraction⌋`, and the examples still missing go one
    /// each to the classes with the largest remainders (ties: smaller label first). Which
    /// examples of a class go to the test part is chosen by shuffling the class with
    /// [`Rng::new(seed)`](Rng::new), class by class in increasing label order; the same
    /// seed gives the same split. Both parts keep the original order of the examples and
    /// are named after this set with ` (training part)` or ` (test part)` appended.
    ///
    /// # Errors
    /// [`Error::Invalid`] if `test_fraction` is not strictly between 0 and 1, or if either
    /// part would be empty.
    pub fn stratified_split(
        &self,
        test_fraction: f64,
        seed: u64,
    ) -> Result<(Dataset<T>, Dataset<T>)> {
        if test_fraction.is_nan() || test_fraction <= 0.0 || test_fraction >= 1.0 {
            return Err(Error::invalid(format!(
                "the test fraction must be strictly between 0 and 1, but it is {test_fraction}"
            )));
        }
        let n = self.len();
        let n_test = (n as f64 * test_fraction).round() as usize;
        if n_test == 0 || n_test == n {
            let part = if n_test == 0 { "test" } else { "training" };
            return Err(Error::invalid(format!(
                "splitting {} ({n} examples) with a test fraction of {test_fraction} leaves \
                 the {part} part empty",
                self.name
            )));
        }
        let mut classes = self.classes();
        // Largest-remainder allocation of the n_test test examples among the classes.
        let shares: Vec<f64> = classes
            .iter()
            .map(|(_, m)| m.len() as f64 * test_fraction)
            .collect();
        let mut take: Vec<usize> = shares.iter().map(|s| s.floor() as usize).collect();
        let mut by_remainder: Vec<usize> = (0..classes.len()).collect();
        by_remainder.sort_by(|&a, &b| {
            let (ra, rb) = (shares[a] - shares[a].floor(), shares[b] - shares[b].floor());
            rb.partial_cmp(&ra)
                .unwrap_or(core::cmp::Ordering::Equal)
                .then(a.cmp(&b))
        });
        let missing = n_test.saturating_sub(take.iter().sum());
        for &c in by_remainder.iter().take(missing) {
            take[c] += 1;
        }
        let mut rng = Rng::new(seed);
        let (mut train, mut test) = (Vec::new(), Vec::new());
        for ((_, members), &k) in classes.iter_mut().zip(&take) {
            rng.shuffle(members);
            let k = k.min(members.len());
            test.extend_from_slice(&members[..k]);
            train.extend_from_slice(&members[k..]);
        }
        train.sort_unstable();
        test.sort_unstable();
        let train = self
            .subset(&train)?
            .with_name(format!("{} (training part)", self.name));
        let test = self
            .subset(&test)?
            .with_name(format!("{} (test part)", self.name));
        Ok((train, test))
    }
}
