//! The crate's error type: every fallible operation returns [`Result<T>`](Result).
//!
//! Messages name the place that is wrong (a file, line and column; a shape; an epoch)
//! and what was wrong there, so that a user can fix the input without reading our code.

use core::fmt;

#[cfg(not(feature = "std"))]
mod inline_text;
#[cfg(not(feature = "std"))]
pub use inline_text::Text;

/// The text of an error message: a `String` with the `std` feature (the default).
///
/// Without `std` the crate has no allocator, and `Text` is an inline string of at most
/// [`TEXT_CAPACITY`] bytes (so that an [`Error`] stays within 128 bytes): a longer message is cut at a character boundary and ends in
/// `…`. Either way it prints with `{}` and reads with `as_str()`/`&*`.
#[cfg(feature = "std")]
pub type Text = String;

/// The longest message, in bytes, that an [`Error`] keeps without the `std` feature.
pub const TEXT_CAPACITY: usize = 94;

/// Formats a [`Text`]: `format!` with `std`, the inline string without.
macro_rules! text {
    ($($arg:tt)*) => {
        <crate::error::Text as crate::error::FromArgs>::from_args(core::format_args!($($arg)*))
    };
}
pub(crate) use text;

/// `Error::Invalid` with a formatted message: `invalid!("α must be > 0, got {alpha}")`.
macro_rules! invalid {
    ($($arg:tt)*) => {
        crate::error::Error::Invalid { message: crate::error::text!($($arg)*) }
    };
}
pub(crate) use invalid;

/// Builds a [`Text`] from format arguments, with or without `std`.
pub trait FromArgs {
    /// The text `args` format to (cut to [`TEXT_CAPACITY`] without `std`).
    fn from_args(args: fmt::Arguments<'_>) -> Self;
}

#[cfg(feature = "std")]
impl FromArgs for String {
    fn from_args(args: fmt::Arguments<'_>) -> Self {
        std::fmt::format(args)
    }
}

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
    /// A text input (CSV data, a parameter file) could not be read at a given place
    /// (with `std`: without it the crate reads no files).
    #[cfg(feature = "std")]
    Parse {
        /// The file (or a description such as `"<string>"`) being read.
        source: Text,
        /// The 1-based line.
        line: usize,
        /// The 1-based column (field index for CSV, 0 when the whole line is wrong).
        column: usize,
        /// What was wrong there.
        message: Text,
    },
    /// A file could not be opened, read or written (with `std`).
    #[cfg(feature = "std")]
    Io {
        /// The path involved.
        path: Text,
        /// The operating system's message.
        message: Text,
    },
    /// A data set or argument is unusable as a whole (empty, too small to split, a wrong
    /// feature count, a batch size of 0 …).
    Invalid {
        /// What was wrong.
        message: Text,
    },
    /// Training produced a cost or a parameter that is NaN or infinite, and stopped.
    Diverged {
        /// The epoch (1-based) after which the cost or a parameter was no longer finite.
        epoch: usize,
        /// The training cost after that epoch, as `f64` (finite if only a parameter
        /// went non-finite where no example reaches it).
        cost: f64,
        /// The first parameter that is not finite, by its seed name (`W[1](2, 3)`), with
        /// its value; `None` if every parameter is finite and only the cost is not.
        parameter: Option<(Text, f64)>,
    },
}

impl Error {
    /// Shorthand for [`Error::Invalid`].
    pub fn invalid(message: impl Into<Text>) -> Self {
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
            #[cfg(feature = "std")]
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
            #[cfg(feature = "std")]
            Error::Io { path, message } => write!(f, "{path}: {message}"),
            Error::Invalid { message } => write!(f, "{message}"),
            Error::Diverged {
                epoch,
                cost,
                parameter,
            } => {
                write!(f, "training stopped after epoch {epoch}: ")?;
                match parameter {
                    Some((name, value)) => {
                        write!(f, "parameter {name} became {value} (the cost is {cost})")?
                    }
                    None => write!(
                        f,
                        "the cost became {cost} while every parameter is still finite \
                         (a prediction too large for the loss to represent)"
                    )?,
                }
                write!(
                    f,
                    "; the parameters were finite before training, so the steps diverged: \
                     try a smaller learning rate, standardised inputs, or check the data \
                     for extreme values"
                )
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}

#[cfg(not(feature = "std"))]
impl core::error::Error for Error {}

/// How many characters of a field an error message quotes; a longer field is cut there
/// and its full length is given instead.
pub const QUOTE_LIMIT: usize = 40;

/// A field of an input as error messages quote it: in double quotes, cut to
/// [`QUOTE_LIMIT`] characters (then `…` and the field's length in bytes follow), with
/// every character that would print invisibly, look like another, or move the cursor
/// escaped as Rust writes it: controls (`\0`, `\t`, `\r`), whitespace other than the
/// plain space (`\u{a0}`, the no-break space), format characters such as the byte-order
/// mark (`\u{feff}`) and zero-width spaces, and `"` and `\` themselves.
///
/// ```
/// use backprop::error::quoted;
/// assert_eq!(quoted("1.5"), r#""1.5""#);
/// assert_eq!(quoted("\u{feff}1\u{a0}"), r#""\u{feff}1\u{a0}""#);
/// assert_eq!(quoted(&"9".repeat(1_000_000)), format!("\"{}…\" (1000000 bytes)", "9".repeat(40)));
/// ```
#[cfg(feature = "std")]
pub fn quoted(field: &str) -> String {
    let mut out = String::from("\"");
    for (n, c) in field.chars().enumerate() {
        if n == QUOTE_LIMIT {
            out.push_str(&format!("…\" ({} bytes)", field.len()));
            return out;
        }
        let invisible = matches!(
            c,
            '\u{ad}' | '\u{34f}' | '\u{61c}' | '\u{115f}' | '\u{1160}' | '\u{180e}'
                | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}'
                | '\u{3164}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}'
        );
        if c == '"' || c == '\\' {
            out.push('\\');
            out.push(c);
        } else if c.is_control() || (c.is_whitespace() && c != ' ') || invisible {
            match c {
                '\0' => out.push_str("\\0"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                '\n' => out.push_str("\\n"),
                _ => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            }
        } else {
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// `Result` with the crate's [`Error`].
pub type Result<T> = core::result::Result<T, Error>;
