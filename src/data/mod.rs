//! Data sets: [`Dataset`] (examples with features and a label, which may be a named
//! class), loaded from CSV by a hand-written reader, split by class ([`Dataset::stratified_split`]), standardised
//! ([`Standardizer`]) and cut into batches whose columns are examples
//! ([`Dataset::fill_batch`]).
//!
//! ```
//! use backprop::data::{CsvOptions, Dataset, Standardizer};
//! use backprop::Matrix;
//!
//! let text = "height,weight,label\n1.0,2.0,0\n3.0,4.0,1\n5.0,6.0,1\n7.0,8.0,0\n";
//! let data = Dataset::<f64>::from_csv_str(text, "toy.csv", &CsvOptions::new().binary(true))?;
//! assert_eq!((data.len(), data.n_features()), (4, 2));
//!
//! let (mut train, mut test) = data.stratified_split(0.5, 7)?;
//! let scaler = Standardizer::fit(&train)?;
//! scaler.apply(&mut train)?;
//! scaler.apply(&mut test)?; // the test part is scaled with the training statistics
//!
//! // A batch of 2 examples for a network with 2 inputs: column k is example k.
//! let (mut x, mut y) = (Matrix::<f64, 2, 2>::zeros(), Matrix::<f64, 1, 2>::zeros());
//! train.fill_batch(&[1, 0], &mut x, &mut y)?;
//! assert_eq!(x.column(0).to_column(), [train.features(1)[0], train.features(1)[1]]);
//! # Ok::<(), backprop::Error>(())
//! ```
//!
//! # The CSV dialect
//!
//! Fields are separated by commas; lines end in `\n` or `\r\n` (a file whose lines end
//! in `\r` alone is refused, with a message that says so); spaces and tabs around a
//! field are ignored; a field may be enclosed in double quotes (a quote inside is written
//! `""`), which allows commas in header names; a UTF-8 byte order mark at the start is
//! skipped. Blank lines may follow the last row but may not appear before it. Every
//! value must be a finite number as Rust's `f64::from_str` reads it (`1`, `-2.5`,
//! `3e-4`), except labels read as [class names](#class-labels), which may be any
//! non-empty text; every row must have as many fields as the first.
//!
//! # Class labels
//!
//! By default a label is a number, like the features. For a classifier whose label
//! column holds class names (`setosa`, `versicolor` …) or class numbers, read it with
//! [`CsvOptions::classes`]: each label becomes a class index `0, 1, …, K − 1`, and the
//! names are kept in [`Dataset::class_names`] (for messages and metrics). The classes
//! are numbered in sorted order of their names, so the numbering does not depend on the
//! order of the rows: by value when every name is a number (`2` before `10`), else by
//! the names' characters (Unicode code points, so `Zebra` before `ant`). To fix the
//! numbering yourself, for instance so that a test file with only some of the classes
//! numbers them as the training file does, give the names in order with
//! [`CsvOptions::class_names`]. [`one_hot`] turns class indices into the one-hot target
//! columns that [`SoftmaxCrossEntropy`](crate::SoftmaxCrossEntropy) compares with.
//!
//! ```
//! use backprop::data::{CsvOptions, Dataset};
//! let text = "petal_length,species\n1.4,setosa\n5.1,virginica\n4.5,versicolor\n";
//! let data = Dataset::<f64>::from_csv_str(text, "iris.csv", &CsvOptions::new().classes())?;
//! assert_eq!(data.class_names(), ["setosa", "versicolor", "virginica"]);
//! assert_eq!(data.labels(), [0.0, 2.0, 1.0]);
//! # Ok::<(), backprop::Error>(())
//! ```
//!
//! One concept a file: [`Dataset`] and its batches here, reading CSV in `csv.rs`
//! ([`Dataset::from_csv_path`], [`CsvOptions`]), subsets and stratified splits in
//! `split.rs`, k-fold cross-validation ([`k_fold`]) in `k_fold.rs`, [`Standardizer`] in
//! `standardize.rs`, class names in labels in `classes.rs`, and [`one_hot`] targets in
//! `one_hot.rs`.

mod classes;
mod csv;
mod k_fold;
mod one_hot;
mod split;
mod standardize;

pub use classes::Labels;
pub use csv::{CsvOptions, LabelColumn};
pub use k_fold::{k_fold, k_fold_indices};
pub(crate) use one_hot::class_index;
pub use one_hot::one_hot;
pub use standardize::Standardizer;

use crate::error::{Error, Result, quoted};
use crate::matrix::Matrix;
use crate::scalar::Scalar;

/// `n` examples of `d` features each, with one label per example.
///
/// Features are stored row-major, one example per row (`n·d` values); batches handed to
/// a network are transposed into columns by [`fill_batch`](Self::fill_batch). Every
/// value is finite: the constructors reject NaN and infinities.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset<T> {
    features: Vec<T>,
    labels: Vec<T>,
    n_features: usize,
    feature_names: Vec<String>,
    label_name: String,
    /// The names of the classes, `class_names[k]` for label `k`; empty for numeric labels.
    class_names: Vec<String>,
    name: String,
}

/// # Construction
impl<T: Scalar> Dataset<T> {
    /// A data set from row-major features (`labels.len() · n_features` values, one example
    /// per row) and labels, named `"synthetic data"`, with features named `x1 … xd` and
    /// the label `y`.
    ///
    /// # Errors
    /// [`Error::Invalid`] if `n_features` is 0, if the number of feature values is not
    /// `labels.len() · n_features`, or if a value is NaN or infinite (the message names
    /// the example and the feature).
    ///
    /// ```
    /// use backprop::data::Dataset;
    /// let xor = Dataset::from_parts(vec![0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0],
    ///                               vec![0.0, 1.0, 1.0, 0.0], 2)?;
    /// assert_eq!(xor.features(2), &[1.0, 0.0]);
    /// # Ok::<(), backprop::Error>(())
    /// ```
    pub fn from_parts(features: Vec<T>, labels: Vec<T>, n_features: usize) -> Result<Self> {
        if n_features == 0 {
            return Err(Error::invalid(
                "a data set needs at least one feature, but n_features is 0",
            ));
        }
        if features.len() != labels.len() * n_features {
            return Err(Error::invalid(format!(
                "{} labels of {} features each need {} feature values, but {} were given",
                labels.len(),
                n_features,
                labels.len() * n_features,
                features.len()
            )));
        }
        if let Some(k) = features.iter().position(|v| !v.is_finite()) {
            return Err(Error::invalid(format!(
                "feature {} of example {} is {}; every value must be finite",
                k % n_features,
                k / n_features,
                features[k]
            )));
        }
        if let Some(i) = labels.iter().position(|v| !v.is_finite()) {
            return Err(Error::invalid(format!(
                "the label of example {i} is {}; every label must be finite",
                labels[i]
            )));
        }
        Ok(Dataset {
            features,
            labels,
            n_features,
            feature_names: (1..=n_features).map(|j| format!("x{j}")).collect(),
            label_name: "y".to_string(),
            class_names: Vec::new(),
            name: "synthetic data".to_string(),
        })
    }

    /// The same data set under another name (used in error messages).
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The same data set with other feature names.
    ///
    /// # Errors
    /// [`Error::Invalid`] if there is not exactly one name per feature.
    pub fn with_feature_names(mut self, names: Vec<String>) -> Result<Self> {
        if names.len() != self.n_features {
            return Err(Error::invalid(format!(
                "{} has {} features but {} feature names were given",
                self.name,
                self.n_features,
                names.len()
            )));
        }
        self.feature_names = names;
        Ok(self)
    }

    /// The same data set with its labels named as classes: label `k` is the class
    /// `names[k]`. [`CsvOptions::classes`] sets the names when reading CSV; this is for
    /// data built otherwise.
    ///
    /// ```
    /// use backprop::data::Dataset;
    /// let data = Dataset::from_parts(vec![0.5, 1.5, 2.5], vec![0.0, 2.0, 1.0], 1)?
    ///     .with_class_names(vec!["low".into(), "middle".into(), "high".into()])?;
    /// assert_eq!(data.class_name(data.label(1) as usize), Some("high")); // label 2.0
    /// # Ok::<(), backprop::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] if `names` is empty, if a name appears twice, or if a label is
    /// not a class index `0, 1, …, names.len() − 1` (the message names the example).
    pub fn with_class_names(mut self, names: Vec<String>) -> Result<Self> {
        if names.is_empty() {
            return Err(Error::invalid(format!(
                "{}: no class names were given; name at least one class",
                self.name
            )));
        }
        for (k, name) in names.iter().enumerate() {
            if let Some(first) = names[..k].iter().position(|n| n == name) {
                return Err(Error::invalid(format!(
                    "{}: the class name {} is given twice, for classes {first} and {k}",
                    self.name,
                    quoted(name)
                )));
            }
        }
        for (i, &y) in self.labels.iter().enumerate() {
            one_hot::class_index(y, names.len()).map_err(|why| {
                Error::invalid(format!("{}: the label of example {i} {why}", self.name))
            })?;
        }
        self.class_names = names;
        Ok(self)
    }
}

/// # Access
impl<T: Scalar> Dataset<T> {
    /// The number of examples `n`.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// `true` if there are no examples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The number of features `d` of each example.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The name used in messages: the file path, `"synthetic data"`, or a split's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The names of the `d` features, in order (from the header, or `x1 … xd`).
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// The name of the label column (from the header, or `y`).
    pub fn label_name(&self) -> &str {
        &self.label_name
    }

    /// The names of the classes, `class_names()[k]` for the label `k`, when the labels
    /// are classes read by name ([`CsvOptions::classes`], [`CsvOptions::class_names`]) or
    /// named with [`with_class_names`](Self::with_class_names); empty when the labels are
    /// plain numbers. Subsets and splits keep them, even for a class none of their
    /// examples has, so that label `k` means the same class in every part.
    pub fn class_names(&self) -> &[String] {
        &self.class_names
    }

    /// The name of class `k`, or `None` if the classes are not named or `k` is past the
    /// last class.
    pub fn class_name(&self, k: usize) -> Option<&str> {
        self.class_names.get(k).map(String::as_str)
    }

    /// The `d` features of example `i`.
    ///
    /// # Panics
    /// If `i >= self.len()`, as slice indexing does; [`get`](Self::get) returns `None`
    /// instead.
    pub fn features(&self, i: usize) -> &[T] {
        &self.features[i * self.n_features..(i + 1) * self.n_features]
    }

    /// The label of example `i`.
    ///
    /// # Panics
    /// If `i >= self.len()`, as slice indexing does; [`get`](Self::get) returns `None`
    /// instead.
    pub fn label(&self, i: usize) -> T {
        self.labels[i]
    }

    /// The features and label of example `i`, or `None` if `i` is out of range.
    pub fn get(&self, i: usize) -> Option<(&[T], T)> {
        (i < self.len()).then(|| (self.features(i), self.labels[i]))
    }

    /// All `n` labels, in order.
    pub fn labels(&self) -> &[T] {
        &self.labels
    }

    /// All `n·d` feature values, row-major: example `i` is `[i·d, (i + 1)·d)`.
    pub fn features_row_major(&self) -> &[T] {
        &self.features
    }

    /// The examples in order, as `(features, label)` pairs.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&[T], T)> + '_ {
        self.features
            .chunks_exact(self.n_features)
            .zip(self.labels.iter().copied())
    }

    /// Each distinct label value with the number of examples that have it, in increasing
    /// order of the value.
    pub fn class_counts(&self) -> Vec<(T, usize)> {
        self.classes()
            .into_iter()
            .map(|(v, members)| (v, members.len()))
            .collect()
    }

    /// Each distinct label with the indices of its examples (increasing), by label value.
    fn classes(&self) -> Vec<(T, Vec<usize>)> {
        let mut order: Vec<usize> = (0..self.len()).collect();
        // Labels are finite (checked on construction), so `partial_cmp` never fails.
        order.sort_by(|&a, &b| {
            self.labels[a]
                .partial_cmp(&self.labels[b])
                .unwrap_or(core::cmp::Ordering::Equal)
        });
        let mut classes: Vec<(T, Vec<usize>)> = Vec::new();
        for i in order {
            match classes.last_mut() {
                Some((v, members)) if *v == self.labels[i] => members.push(i),
                _ => classes.push((self.labels[i], vec![i])),
            }
        }
        classes
    }

    /// Checks that every label is exactly `0` or `1`.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the first example whose label is something else.
    pub fn check_binary(&self) -> Result<()> {
        match self
            .labels
            .iter()
            .position(|&y| y != T::ZERO && y != T::ONE)
        {
            None => Ok(()),
            Some(i) => Err(Error::invalid(format!(
                "{}: example {i} has the label {}, but binary labels must be 0 or 1",
                self.name, self.labels[i]
            ))),
        }
    }
}

/// # Batches for a network
impl<T: Scalar> Dataset<T> {
    /// Checks that the examples have `D` features, as a network with `D` inputs needs.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming both counts, e.g. "the network takes 30 inputs but
    /// breast_cancer.csv has 29 feature columns".
    pub fn check_features<const D: usize>(&self) -> Result<()> {
        if D == self.n_features {
            Ok(())
        } else {
            Err(Error::invalid(format!(
                "the network takes {D} inputs but {} has {} feature columns",
                self.name, self.n_features
            )))
        }
    }

    /// Checks that every index names an example.
    fn check_indices(&self, indices: &[usize]) -> Result<()> {
        match indices.iter().position(|&i| i >= self.len()) {
            None => Ok(()),
            Some(k) => Err(Error::invalid(format!(
                "index {} (position {k} of the index list) is out of range: {} has {} examples",
                indices[k],
                self.name,
                self.len()
            ))),
        }
    }

    /// Writes the examples `indices[0], …, indices[M − 1]` into a batch whose column `k`
    /// is example `indices[k]`: `x[(r, k)]` is its feature `r`, `y[(0, k)]` its label.
    ///
    /// ```text
    /// x = [ x⁽ⁱ⁰⁾  x⁽ⁱ¹⁾  …  x⁽ⁱᴹ⁻¹⁾ ]   (D × M)      y = [ y⁽ⁱ⁰⁾  …  y⁽ⁱᴹ⁻¹⁾ ]   (1 × M)
    /// ```
    ///
    /// Nothing is written unless every check passes.
    ///
    /// # Errors
    /// [`Error::Invalid`] if `D` is not the number of features, if `indices.len()` is not
    /// `M`, or if an index is out of range.
    pub fn fill_batch<const D: usize, const M: usize>(
        &self,
        indices: &[usize],
        x: &mut Matrix<T, D, M>,
        y: &mut Matrix<T, 1, M>,
    ) -> Result<()> {
        self.check_features::<D>()?;
        if indices.len() != M {
            return Err(Error::invalid(format!(
                "a batch of {M} columns needs {M} example indices, but {} were given",
                indices.len()
            )));
        }
        self.check_indices(indices)?;
        let columns: [&[T]; M] = core::array::from_fn(|k| self.features(indices[k]));
        x.set_columns(&columns)?;
        for (k, &i) in indices.iter().enumerate() {
            y[(0, k)] = self.labels[i];
        }
        Ok(())
    }

    /// A new batch `(x, y)` holding the examples `indices`, as [`fill_batch`](Self::fill_batch)
    /// writes it.
    ///
    /// # Errors
    /// As [`fill_batch`](Self::fill_batch).
    pub fn batch<const D: usize, const M: usize>(
        &self,
        indices: &[usize],
    ) -> Result<(Matrix<T, D, M>, Matrix<T, 1, M>)> {
        let (mut x, mut y) = (Matrix::zeros(), Matrix::zeros());
        self.fill_batch(indices, &mut x, &mut y)?;
        Ok((x, y))
    }

    /// Example `i` as a column vector of its `D` features, with its label.
    ///
    /// # Errors
    /// [`Error::Invalid`] if `D` is not the number of features or `i` is out of range.
    pub fn example<const D: usize>(&self, i: usize) -> Result<(Matrix<T, D, 1>, T)> {
        self.check_features::<D>()?;
        self.check_indices(&[i])?;
        let f = self.features(i);
        Ok((Matrix::from_fn(|r, _| f[r]), self.labels[i]))
    }
}
