//! Reading a [`Dataset`] from CSV, with a hand-written reader. The dialect it reads is
//! described in the [`data`](crate::data) module's docs.

use super::Dataset;
use super::classes::{Labels, check_class_names, list_names, sorted_class_names};
use crate::error::{Error, Result, quoted};
use crate::scalar::Scalar;
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

mod fields;
use fields::{parse_number, split_line};

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

/// How to read a CSV file: whether it has a header row, where the label is, whether
/// labels are numbers or class names, and whether they must be binary.
///
/// The default ([`CsvOptions::new`]) is: a header row, the label in the last column, any
/// finite number as the label.
///
/// ```
/// use backprop::data::{CsvOptions, Labels};
/// let opts = CsvOptions::new().label_name("label").binary(true);
/// assert!(opts.has_header && opts.binary_labels);
/// assert_eq!(CsvOptions::new().classes().labels, Labels::SortedClasses);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvOptions {
    /// `true` if the first line holds column names (default `true`).
    pub has_header: bool,
    /// Which column is the label (default [`LabelColumn::Last`]).
    pub label: LabelColumn,
    /// What the label fields are (default [`Labels::Numbers`]).
    pub labels: Labels,
    /// `true` if every label must be exactly `0` or `1` (default `false`); with class
    /// names, if there may be at most two classes.
    pub binary_labels: bool,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            has_header: true,
            label: LabelColumn::Last,
            labels: Labels::Numbers,
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

    /// Sets whether every label must be exactly `0` or `1` (with class names: whether
    /// there may be at most two classes).
    pub fn binary(mut self, binary_labels: bool) -> Self {
        self.binary_labels = binary_labels;
        self
    }

    /// Reads the labels as class names, numbered in sorted order
    /// ([`Labels::SortedClasses`]).
    pub fn classes(mut self) -> Self {
        self.labels = Labels::SortedClasses;
        self
    }

    /// Reads the labels as these class names, class `k` being `names[k]`
    /// ([`Labels::Classes`]); a label that is not one of them is an error.
    pub fn class_names<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.labels = Labels::Classes(names.into_iter().map(Into::into).collect());
        self
    }
}

/// # Reading CSV
impl<T: Scalar> Dataset<T> {
    /// Reads a CSV file (see [the CSV dialect](crate::data#the-csv-dialect)).
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
    /// [`binary_labels`](CsvOptions::binary_labels) is set. With class names
    /// ([`CsvOptions::classes`], [`CsvOptions::class_names`]): an empty label; a label that
    /// is not one of the given names (which are listed); two spellings of one number
    /// (`1` and `1.0`) among sorted numeric names; a third class when
    /// [`binary_labels`](CsvOptions::binary_labels) is set.
    /// [`Error::Invalid`] if the label is chosen by name but the options say there is no
    /// header row, or if the given class names are none, include an empty or repeated
    /// name, or are not two with [`binary_labels`](CsvOptions::binary_labels) set.
    pub fn from_csv_str<'a>(text: &'a str, source: &str, options: &CsvOptions) -> Result<Self> {
        let parse_error = |line: usize, column: usize, message: String| Error::Parse {
            source: source.to_string(),
            line,
            column,
            message,
        };
        if let Labels::Classes(names) = &options.labels {
            check_class_names(source, names, options.binary_labels)?;
        }
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
        // With sorted class names: each row's (line, name), numbered after the last row.
        let mut class_fields: Vec<(usize, String)> = Vec::new();
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
                if j == label_col && options.labels != Labels::Numbers {
                    if field.is_empty() {
                        return Err(parse_error(
                            line,
                            j + 1,
                            format!("empty field in {}; expected a class name", describe(j)),
                        ));
                    }
                    match &options.labels {
                        Labels::Classes(names) => {
                            let Some(k) = names.iter().position(|n| n == field.as_ref()) else {
                                return Err(parse_error(
                                    line,
                                    j + 1,
                                    format!(
                                        "the label {} in {} is not one of the {} class names \
                                         given: {}",
                                        quoted(field),
                                        describe(j),
                                        names.len(),
                                        list_names(names)
                                    ),
                                ));
                            };
                            labels.push(T::from_usize(k));
                        }
                        _ => class_fields.push((line, field.to_string())),
                    }
                    continue;
                }
                let value = parse_number::<T>(field, &describe(j)).map_err(|mut message| {
                    if j == label_col && message.ends_with("is not a number") {
                        message.push_str(
                            "; labels that name classes are read with CsvOptions::classes()",
                        );
                    }
                    parse_error(line, j + 1, message)
                })?;
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
        let label_column = describe(label_col);
        let class_names = match &options.labels {
            Labels::Numbers => Vec::new(),
            Labels::Classes(names) => names.clone(),
            Labels::SortedClasses => {
                let names = sorted_class_names(&class_fields)
                    .map_err(|(line, message)| parse_error(line, label_col + 1, message))?;
                let index: HashMap<&str, usize> = names
                    .iter()
                    .enumerate()
                    .map(|(k, n)| (n.as_str(), k))
                    .collect();
                for (line, field) in &class_fields {
                    // Every field is among the names (they were collected from the fields).
                    let k = index.get(field.as_str()).copied().unwrap_or(0);
                    if options.binary_labels && k >= 2 {
                        return Err(parse_error(
                            *line,
                            label_col + 1,
                            format!(
                                "the label {} in {label_column} is a third class, but \
                                 binary labels were asked for; the classes are: {}",
                                quoted(field),
                                list_names(&names)
                            ),
                        ));
                    }
                    labels.push(T::from_usize(k));
                }
                names
            }
        };
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
            class_names,
            name: source.to_string(),
        })
    }
}
