//! k-fold cross-validation: [`k_fold`] and [`k_fold_indices`], stratified by label.

use super::Dataset;
use crate::error::{Error, Result};
use crate::rng::Rng;
use crate::scalar::Scalar;

/// The test folds of a stratified k-fold split of `data`: `k` lists of example indices
/// (each increasing) that together hold every index exactly once.
///
/// The examples are dealt into `k` folds of (almost) equal size
/// that keep the class proportions, each fold the test part once.
///
/// ```text
/// fold 1:  [test ][train][train][train][train]
/// fold 2:  [train][test ][train][train][train]
/// …
/// fold k:  [train][train][train][train][test ]
/// ```
///
/// The deal is stratified by label value: the examples of each class, in increasing
/// label order, are shuffled with [`Rng::new(seed)`](Rng::new) and dealt round-robin to
/// the folds, each class continuing at the fold where the previous one stopped. So every
/// fold has `⌊n/k⌋` or `⌈n/k⌉` examples, and `⌊n_c/k⌋` or `⌈n_c/k⌉` of each class `c`
/// with `n_c` examples: the class proportions of the whole set, up to one example per
/// class. The same seed gives the same folds. (For a regression target, whose values
/// are mostly distinct, the deal in label order spreads small and large targets evenly
/// over the folds.)
///
/// ```
/// use backprop::data::{self, Dataset};
///
/// let data = Dataset::<f64>::from_parts((0..10).map(f64::from).collect(),
///                                       vec![0., 0., 0., 0., 1., 1., 1., 1., 1., 1.], 1)?;
/// let folds = data::k_fold(&data, 2, 7)?;
/// assert_eq!(data::k_fold_indices(&data, 2, 7)?.concat().len(), 10);
/// assert_eq!(folds.len(), 2);
/// for (train, test) in &folds {
///     assert_eq!((train.len(), test.len()), (5, 5));
///     assert_eq!(test.class_counts(), vec![(0.0, 2), (1.0, 3)]); // 4 : 6 as in the whole set
/// }
/// # Ok::<(), backprop::Error>(())
/// ```
///
/// # Errors
/// [`Error::Invalid`] if `k < 2` (one fold leaves nothing to train on) or `k > n` (a
/// fold would be empty), naming `k` and `n`.
pub fn k_fold_indices<T: Scalar>(
    data: &Dataset<T>,
    k: usize,
    seed: u64,
) -> Result<Vec<Vec<usize>>> {
    let n = data.len();
    if k < 2 {
        return Err(Error::invalid(format!(
            "k-fold cross-validation needs k ≥ 2 folds, but k is {k}"
        )));
    }
    if k > n {
        return Err(Error::invalid(format!(
            "k-fold cross-validation of {} ({n} examples) into k = {k} folds would leave \
             a fold empty: k must be at most {n}",
            data.name()
        )));
    }
    let mut rng = Rng::new(seed);
    let mut folds = vec![Vec::with_capacity(n / k + 1); k];
    let mut next = 0;
    for (_, mut members) in data.classes() {
        rng.shuffle(&mut members);
        for i in members {
            folds[next].push(i);
            next = (next + 1) % k;
        }
    }
    for fold in &mut folds {
        fold.sort_unstable();
    }
    Ok(folds)
}

/// Stratified k-fold cross-validation of `data`: `k` pairs `(training part, test part)`,
/// where test part `j` is fold `j` of [`k_fold_indices`] and its training part is all
/// the other examples. Both parts keep the original order of the examples and are
/// named after `data` with ` (fold j of k, training part)` or `(fold j of k, test
/// part)` appended.
///
/// # Errors
/// As [`k_fold_indices`].
pub fn k_fold<T: Scalar>(
    data: &Dataset<T>,
    k: usize,
    seed: u64,
) -> Result<Vec<(Dataset<T>, Dataset<T>)>> {
    let folds = k_fold_indices(data, k, seed)?;
    let mut in_fold = vec![0; data.len()];
    for (j, fold) in folds.iter().enumerate() {
        for &i in fold {
            in_fold[i] = j;
        }
    }
    folds
        .iter()
        .enumerate()
        .map(|(j, test)| {
            let train: Vec<usize> = (0..data.len()).filter(|&i| in_fold[i] != j).collect();
            let name = |part: &str| format!("{} (fold {} of {k}, {part} part)", data.name(), j + 1);
            Ok((
                data.subset(&train)?.with_name(name("training")),
                data.subset(test)?.with_name(name("test")),
            ))
        })
        .collect()
}
