//! The crate's error type: every fallible operation returns [`Result<T>`](Result).
//!
//! Messages name the place that is wrong (a file, line and column; a shape; an epoch)
//! and what was wrong there, so that a user can fix the input without reading our code.

use core::fmt;

/// Everything that can go wrong in `backprop`, with enough context to say where.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A flat slice did not have the `rows × cols` elements a matrix of that shape needs.
    Length {
        /// Rows of the matrix being built.
        rows: usize,
        /// Columns of the matrix being built.
        cols: usize,
        /// How many elements the slice had.
        found: usize,
    },
    /// A text input (CSV data, a parameter file) could not be read at a given place.
    Parse {
        /// The file (or a description such as `"<string>"`) being read.
        source: String,
        /// The 1-based line.
        line: usize,
        /// The 1-based column (field index for CSV, 0 when the whole line is wrong).
        column: usize,
        /// What was wrong there.
        message: String,
    },
    /// A file could not be opened, read or written.
    Io {
        /// The path involved.
        path: String,
        /// The operating system's message.
        message: String,
    },
    /// A data set or argument is unusable as a whole (empty, too small to split, a wrong
    /// feature count, a batch size of 0 …).
    Invalid {
        /// What was wrong.
        message: String,
    },
    /// Training produced a cost that is NaN or infinite, and stopped.
    Diverged {
        /// The epoch (1-based) in which the cost stopped being finite.
        epoch: usize,
        /// The offending cost (NaN or ±∞), as `f64`.
        cost: f64,
    },
}

impl Error {
    /// Shorthand for [`Error::Invalid`].
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::Invalid {
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Length { rows, cols, found } => write!(
                f,
                "a {rows}×{cols} matrix needs {} elements, but the slice has {found}",
                rows * cols
            ),
            Error::Parse {
                source,
                line,
                column,
                message,
            } => {
                if *column == 0 {
                    write!(f, "{source}:{line}: {message}")
                } else {
                    write!(f, "{source}:{line}:{column}: {message}")
                }
            }
            Error::Io { path, message } => write!(f, "{path}: {message}"),
            Error::Invalid { message } => f.write_str(message),
            Error::Diverged { epoch, cost } => write!(
                f,
                "training stopped in epoch {epoch}: the cost became {cost}; \
                 the learning rate is most likely too large (or the inputs are not standardised)"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// `Result` with the crate's [`Error`].
pub type Result<T> = core::result::Result<T, Error>;
