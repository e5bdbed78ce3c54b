//! Data sets: [`Dataset`] (examples with features and a label), loaded from CSV by a
//! hand-written reader, split by class ([`Dataset::stratified_split`]), standardised
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
//! `3e-4`), and every row must have as many fields as the first.

use crate::error::{Error, Result, quoted};
use crate::matrix::Matrix;
use crate::rng::Rng;
use crate::scalar::Scalar;
use std::borrow::Cow;
use std::path::Path;

/// Which column of a CSV file holds the label.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum LabelColumn {
    /// The last column (the default).
    #[default]
    Last,
    /// The column whose header is this name (requires a header row).
    Name(String),
    /// The column at this 0-based position.
    Index(usize),
}

/// How to read a CSV file: whether it has a header row, where the label is, and whether
/// labels must be binary.
///
/// The default ([`CsvOptions::new`]) is: a header row, the label in the last column, any
/// finite label value.
///
/// ```
/// use backprop::data::CsvOptions;
/// let opts = CsvOptions::new().label_name("label").binary(true);
/// assert!(opts.has_header && opts.binary_labels);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvOptions {
    /// `true` if the first line holds column names (default `true`).
    pub has_header: bool,
    /// Which column is the label (default [`LabelColumn::Last`]).
    pub label: LabelColumn,
    /// `true` if every label must be exactly `0` or `1` (default `false`).
    pub binary_labels: bool,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            has_header: true,
            label: LabelColumn::Last,
            binary_labels: false,
        }
    }
}

impl CsvOptions {
    /// The default options: a header row, the label in the last column, labels not
    /// restricted to `0`/`1`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets whether the first line is a header row.
    pub fn header(mut self, has_header: bool) -> Self {
        self.has_header = has_header;
        self
    }

    /// Takes the label from the column with this header name.
    pub fn label_name(mut self, name: impl Into<String>) -> Self {
        self.label = LabelColumn::Name(name.into());
        self
    }

    /// Takes the label from the column at this 0-based position.
    pub fn label_index(mut self, index: usize) -> Self {
        self.label = LabelColumn::Index(index);
        self
    }

    /// Sets whether every label must be exactly `0` or `1`.
    pub fn binary(mut self, binary_labels: bool) -> Self {
        self.binary_labels = binary_labels;
        self
    }
}

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
            name: "synthetic data".to_string(),
        })
    }

    /// Reads a CSV file (see the [module docs](self) for the dialect).
    ///
    /// The data set is named after `path` as given, and error messages start with it.
    ///
    /// # Errors
    /// [`Error::Io`] (with the path) if the file cannot be read; [`Error::Parse`] (with
    /// the path, line and column) if it is not UTF-8 text or for any of the errors of
    /// [`from_csv_str`](Self::from_csv_str).
    pub fn from_csv_path(path: impl AsRef<Path>, options: &CsvOptions) -> Result<Self> {
        let path = path.as_ref();
        let source = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| Error::Io {
            path: source.clone(),
            message: format!("cannot read the data file: {e}"),
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let bytes = e.as_bytes();
            let at = e.utf8_error().valid_up_to();
            let line_start = bytes[..at]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
            Error::Parse {
                source: source.clone(),
                line: 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count(),
                column: 1 + bytes[line_start..at].iter().filter(|&&b| b == b',').count(),
                message: format!(
                    "the file is not UTF-8 text (byte 0x{:02X} cannot start a character here)",
                    bytes[at]
                ),
            }
        })?;
        Self::from_csv_str(&text, &source, options)
    }

    /// Reads CSV text; `source` names it in error messages (a file name, `"<stdin>"` …).
    ///
    /// # Errors
    /// [`Error::Parse`] naming `source`, the 1-based line and the 1-based column (field
    /// number; 0 when the whole line is at fault) for: an empty text or a header with no
    /// rows; a blank line before the last row; a quoted field that is not closed; fewer
    /// than two columns; a label column name that is not in the header, or appears twice,
    /// or a label index past the last column; a row with a different number of fields
    /// than the first line (expected and found are given); an empty field; a field that
    /// is not a number (quoted in the message); NaN, an infinity, or a number out of the
    /// range of `T`; a label other than `0` or `1` when
    /// [`binary_labels`](CsvOptions::binary_labels) is set.
    /// [`Error::Invalid`] if the label is chosen by name but the options say there is no
    /// header row.
    pub fn from_csv_str<'a>(text: &'a str, source: &str, options: &CsvOptions) -> Result<Self> {
        let parse_error = |line: usize, column: usize, message: String| Error::Parse {
            source: source.to_string(),
            line,
            column,
            message,
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // (1-based line number, line without its `\r\n` or `\n`)
        let lines: Vec<(usize, &str)> = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .enumerate()
            .map(|(i, l)| (i + 1, l))
            .collect();
        // A carriage return left inside a line: the file's lines end in CR alone (classic
        // Mac OS), which would otherwise read as one long header row and no data.
        if let Some((line, _)) = lines.iter().find(|(_, l)| l.contains('\r')) {
            return Err(parse_error(
                *line,
                0,
                "the line holds a carriage return (CR) that does not end it: the file's \
                 lines seem to end in CR alone; convert them to LF or CRLF line endings"
                    .to_string(),
            ));
        }
        let is_blank = |l: &str| l.trim().is_empty();
        let Some(last) = lines.iter().rposition(|(_, l)| !is_blank(l)) else {
            let expected = if options.has_header {
                "a header row and at least one row of data"
            } else {
                "at least one row of data"
            };
            return Err(parse_error(
                1,
                0,
                format!("the file is empty; expected {expected}"),
            ));
        };
        let lines = &lines[..=last];
        if let Some((line, _)) = lines.iter().find(|(_, l)| is_blank(l)) {
            return Err(parse_error(
                *line,
                0,
                format!(
                    "blank line before the last row of data (line {}); blank lines are \
                     only allowed at the end of the file",
                    lines[last].0
                ),
            ));
        }
        let split = |&(line, text): &(usize, &'a str)| split_line(source, line, text);

        // The first line fixes the number of columns and, with a header, their names.
        let first = split(&lines[0])?;
        let n_columns = first.len();
        let (header, data_lines) = if options.has_header {
            (Some(first), &lines[1..])
        } else {
            (None, lines)
        };
        if n_columns < 2 {
            return Err(parse_error(
                1,
                0,
                format!(
                    "found {n_columns} column; need at least one feature column and a \
                     label column"
                ),
            ));
        }
        let label_col = match &options.label {
            LabelColumn::Last => n_columns - 1,
            LabelColumn::Index(k) if *k < n_columns => *k,
            LabelColumn::Index(k) => {
                return Err(parse_error(
                    1,
                    0,
                    format!(
                        "the label column index {k} (0-based) is past the last column; \
                         the rows have {n_columns} columns (indices 0 to {})",
                        n_columns - 1
                    ),
                ));
            }
            LabelColumn::Name(name) => {
                let Some(header) = &header else {
                    return Err(Error::invalid(format!(
                        "{source}: the label column is chosen by name ({}), but the \
                         options say the file has no header row to find it in",
                        quoted(name)
                    )));
                };
                let found: Vec<usize> = (0..n_columns)
                    .filter(|&j| header[j].as_ref() == name.as_str())
                    .collect();
                match found.as_slice() {
                    [j] => *j,
                    [] => {
                        // At most 10 names, each quoted (cut and escaped).
                        let mut names: Vec<String> =
                            header.iter().take(10).map(|h| quoted(h)).collect();
                        if header.len() > 10 {
                            names.push(format!("… ({} columns in all)", header.len()));
                        }
                        return Err(parse_error(
                            1,
                            0,
                            format!(
                                "no column named {} for the label; the header has: {}",
                                quoted(name),
                                names.join(", ")
                            ),
                        ));
                    }
                    [a, b, ..] => {
                        return Err(parse_error(
                            1,
                            b + 1,
                            format!(
                                "the label column name {} appears twice, in columns \
                                 {} and {}",
                                quoted(name),
                                a + 1,
                                b + 1
                            ),
                        ));
                    }
                }
            }
        };
        let header_names: Option<Vec<String>> =
            header.map(|h| h.into_iter().map(Cow::into_owned).collect());
        // How a message names column j: by its header name, else by its number.
        let describe = |j: usize| match &header_names {
            Some(names) => format!("column {}", quoted(&names[j])),
            None => format!("column {}", j + 1),
        };
        if data_lines.is_empty() {
            return Err(parse_error(
                2,
                0,
                "the file has a header row but no rows of data".to_string(),
            ));
        }

        let n_features = n_columns - 1;
        let mut features = Vec::with_capacity(data_lines.len() * n_features);
        let mut labels = Vec::with_capacity(data_lines.len());
        for entry in data_lines {
            let line = entry.0;
            let fields = split(entry)?;
            if fields.len() != n_columns {
                let found = fields.len();
                let (column, what) = if found > n_columns {
                    (n_columns + 1, format!("field {} is extra", n_columns + 1))
                } else {
                    (
                        found + 1,
                        format!("the row ends before field {}", found + 1),
                    )
                };
                let first = if options.has_header {
                    "in the header on line 1"
                } else {
                    "on line 1"
                };
                return Err(parse_error(
                    line,
                    column,
                    format!("expected {n_columns} fields, as {first}, but found {found}: {what}"),
                ));
            }
            for (j, field) in fields.iter().enumerate() {
                let value = parse_number::<T>(field, &describe(j))
                    .map_err(|message| parse_error(line, j + 1, message))?;
                if j == label_col {
                    if options.binary_labels && value != T::ZERO && value != T::ONE {
                        return Err(parse_error(
                            line,
                            j + 1,
                            format!(
                                "the label {} in {} must be 0 or 1 (binary labels \
                                 were asked for)",
                                quoted(field),
                                describe(j)
                            ),
                        ));
                    }
                    labels.push(value);
                } else {
                    features.push(value);
                }
            }
        }
        let (feature_names, label_name) = match header_names {
            Some(mut names) => {
                let label_name = names.remove(label_col);
                (names, label_name)
            }
            None => (
                (1..=n_features).map(|j| format!("x{j}")).collect(),
                "y".to_string(),
            ),
        };
        Ok(Dataset {
            features,
            labels,
            n_features,
            feature_names,
            label_name,
            name: source.to_string(),
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
        for (k, &i) in indices.iter().enumerate() {
            for (r, &v) in self.features(i).iter().enumerate() {
                x[(r, k)] = v;
            }
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

/// # Subsets and splits
impl<T: Scalar> Dataset<T> {
    /// The examples `indices`, in that order (repeats allowed), with the same names.
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

/// Reads one field of `column` (`column "name"` or `column k`, for messages) as a finite
/// number of type `T`; the error is the message alone.
fn parse_number<T: Scalar>(field: &str, column: &str) -> core::result::Result<T, String> {
    if field.is_empty() {
        return Err(format!("empty field in {column}; expected a number"));
    }
    let Ok(v) = field.parse::<f64>() else {
        return Err(format!("{} in {column} is not a number", quoted(field)));
    };
    if v.is_nan() {
        return Err(format!(
            "{} in {column} is NaN; every value must be a finite number",
            quoted(field)
        ));
    }
    let unsigned = field.trim_start_matches(['+', '-']).to_ascii_lowercase();
    if v.is_infinite() && unsigned.starts_with("inf") {
        return Err(format!(
            "{} in {column} is infinite; every value must be a finite number",
            quoted(field)
        ));
    }
    let t = T::from_f64(v);
    if !t.is_finite() {
        return Err(format!(
            "{} in {column} is too large for {} (its largest finite value is {:e})",
            quoted(field),
            T::NAME,
            T::MAX
        ));
    }
    Ok(t)
}

/// [`split_fields`] with its error as an [`Error::Parse`] at `source:line:column`.
fn split_line<'a>(source: &str, line: usize, text: &'a str) -> Result<Vec<Cow<'a, str>>> {
    split_fields(text).map_err(|(column, message)| Error::Parse {
        source: source.to_string(),
        line,
        column,
        message,
    })
}

/// Splits one line into trimmed fields, unquoting `"…"` fields (`""` is a quote).
///
/// The error is `(1-based column, message)`.
fn split_fields(line: &str) -> core::result::Result<Vec<Cow<'_, str>>, (usize, String)> {
    let mut fields = Vec::new();
    let mut rest = line;
    loop {
        let column = fields.len() + 1;
        let trimmed = rest.trim_start_matches([' ', '\t']);
        if let Some(quoted) = trimmed.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let after = loop {
                match chars.next() {
                    None => {
                        return Err((
                            column,
                            "a quoted field is not closed: the line ends before its \
                             closing quote"
                                .to_string(),
                        ));
                    }
                    Some((k, '"')) => {
                        if quoted[k + 1..].starts_with('"') {
                            value.push('"');
                            chars.next();
                        } else {
                            break &quoted[k + 1..];
                        }
                    }
                    Some((_, c)) => value.push(c),
                }
            };
            let after = after.trim_start_matches([' ', '\t']);
            fields.push(Cow::Owned(value));
            if after.is_empty() {
                return Ok(fields);
            }
            match after.strip_prefix(',') {
                Some(next) => rest = next,
                None => {
                    return Err((
                        column,
                        format!(
                            "unexpected text {:?} after the closing quote; a field that \
                             starts with a quote must end with one",
                            after.split(',').next().unwrap_or(after)
                        ),
                    ));
                }
            }
        } else {
            match trimmed.split_once(',') {
                Some((field, next)) => {
                    fields.push(Cow::Borrowed(field.trim_end_matches([' ', '\t'])));
                    rest = next;
                }
                None => {
                    fields.push(Cow::Borrowed(trimmed.trim_end_matches([' ', '\t'])));
                    return Ok(fields);
                }
            }
        }
    }
}
