//! Saving and loading a network's parameters in a small, documented text format.
//!
//! ```text
//! backprop parameters 1              ← format name and version
//! scalar f64                         ← f32 or f64
//! blocks 6                           ← number of parameter blocks
//! block W[1] 4 3                     ← a block: name, rows, columns
//! 0.25 -0.5 0.125                    ← one line per row, entries separated by spaces
//! …
//! block b[1] 4 1
//! 0
//! …
//! end
//! ```
//!
//! Blocks come in the order of [`Parameters::blocks`]: each layer's weights, then its
//! bias. Numbers are written with Rust's shortest round-trip formatting and read back
//! with the standard parser, so a save followed by a load gives the same parameters bit
//! for bit. Loading checks everything against the network it loads into and says what
//! and where is wrong: a file for another shape, a truncated file, a malformed number.

use crate::error::{Error, Result};
use crate::params::{Parameters, block_name};
use crate::scalar::Scalar;
use std::fmt::Write as _;
use std::path::Path;

const MAGIC: &str = "backprop parameters 1";

/// The parameters of `net` in the text format of this module.
pub fn to_string<T: Scalar, N: Parameters<T>>(net: &N) -> String {
    let mut out = String::new();
    let shapes: Vec<(usize, usize)> = net.block_shapes().collect();
    // Writing to a String cannot fail.
    let _ = writeln!(out, "{MAGIC}\nscalar {}\nblocks {}", T::NAME, shapes.len());
    for (k, (block, (rows, cols))) in net.blocks().zip(shapes).enumerate() {
        let _ = writeln!(out, "block {} {rows} {cols}", block_name(k));
        for row in block.chunks(cols.max(1)) {
            let line: Vec<String> = row.iter().map(|v| format!("{v}")).collect();
            let _ = writeln!(out, "{}", line.join(" "));
        }
    }
    out.push_str("end\n");
    out
}

/// Writes the parameters of `net` to the file at `path`.
///
/// # Errors
/// [`Error::Io`] if the file cannot be written.
pub fn save<T: Scalar, N: Parameters<T>>(net: &N, path: impl AsRef<Path>) -> Result<()> {
    let path = path.as_ref();
    std::fs::write(path, to_string(net)).map_err(|e| Error::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

/// Reads parameters for a network of type `N` from the file at `path`.
///
/// # Errors
/// [`Error::Io`] if the file cannot be read; [`Error::Parse`], naming the file and line,
/// if it is not in this format, holds another scalar type, is for a network of another
/// shape, is truncated, has a malformed or non-finite number, or has anything after
/// `end`.
pub fn load<T: Scalar, N: Parameters<T>>(path: impl AsRef<Path>) -> Result<N> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    from_str(&text, &path.display().to_string())
}

/// Parses parameters for a network of type `N` from `text`; `source` names it in errors.
///
/// # Errors
/// As [`load`], without the I/O.
pub fn from_str<T: Scalar, N: Parameters<T>>(text: &str, source: &str) -> Result<N> {
    let mut net = N::default();
    let shapes: Vec<(usize, usize)> = net.block_shapes().collect();
    let mut lines = Lines::new(text, source);

    lines.expect_exact(MAGIC, "the first line must be the format line")?;
    let scalar = lines.keyword_line("scalar", 1)?;
    if scalar[0] != T::NAME {
        return Err(lines.error(
            0,
            format!(
                "the file holds {} parameters, but the network is {}",
                scalar[0],
                T::NAME
            ),
        ));
    }
    let count = lines.keyword_line("blocks", 1)?;
    let count = lines.number::<usize>(count[0], 2)?;
    if count != shapes.len() {
        return Err(lines.error(
            0,
            format!(
                "the file has {count} parameter blocks, but the network has {}",
                shapes.len()
            ),
        ));
    }

    for (k, (block, &(rows, cols))) in net.blocks_mut().zip(shapes.iter()).enumerate() {
        let name = block_name(k);
        let header = lines.keyword_line("block", 3)?;
        let (file_rows, file_cols) = (
            lines.number::<usize>(header[1], 3)?,
            lines.number::<usize>(header[2], 4)?,
        );
        if header[0] != name || (file_rows, file_cols) != (rows, cols) {
            return Err(lines.error(
                0,
                format!(
                    "block {} is {}×{} ({}) in the file, but the network's block {} is {name}, {rows}×{cols}",
                    k + 1,
                    file_rows,
                    file_cols,
                    header[0],
                    k + 1
                ),
            ));
        }
        for row in block.chunks_mut(cols.max(1)) {
            let fields = lines.next_fields(&format!("a row of {name}"))?;
            if fields.len() != cols {
                return Err(lines.error(
                    0,
                    format!(
                        "a row of {name} needs {cols} numbers, found {}",
                        fields.len()
                    ),
                ));
            }
            for (column, (slot, field)) in row.iter_mut().zip(fields).enumerate() {
                *slot = lines.number::<T>(field, column + 1)?;
                if !slot.is_finite() {
                    return Err(lines.error(
                        column + 1,
                        format!("`{field}` in {name} is not a finite number; a trained network's parameters are"),
                    ));
                }
            }
        }
    }
    lines.expect_exact("end", "the parameters must be followed by `end`")?;
    if let Ok(fields) = lines.next_fields("nothing") {
        return Err(lines.error(0, format!("unexpected `{}` after `end`", fields.join(" "))));
    }
    Ok(net)
}

/// A line reader that remembers where it is, for error messages.
struct Lines<'a> {
    lines: std::iter::Enumerate<std::str::Lines<'a>>,
    source: &'a str,
    line: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str, source: &'a str) -> Self {
        Lines {
            lines: text.lines().enumerate(),
            source,
            line: 0,
        }
    }

    fn error(&self, column: usize, message: String) -> Error {
        Error::Parse {
            source: self.source.to_string(),
            line: self.line,
            column,
            message,
        }
    }

    /// The next non-blank line split into fields; an error naming `what` at end of file.
    fn next_fields(&mut self, what: &str) -> Result<Vec<&'a str>> {
        for (index, text) in self.lines.by_ref() {
            self.line = index + 1;
            if !text.trim().is_empty() {
                return Ok(text.split_whitespace().collect());
            }
        }
        self.line += 1;
        Err(self.error(
            0,
            format!("the file is truncated: it ends where {what} was expected"),
        ))
    }

    fn expect_exact(&mut self, expected: &str, what: &str) -> Result<()> {
        let fields = self.next_fields(&format!("`{expected}`"))?;
        if fields.join(" ") != expected {
            return Err(self.error(
                0,
                format!(
                    "{what}: expected `{expected}`, found `{}`",
                    fields.join(" ")
                ),
            ));
        }
        Ok(())
    }

    /// A line `keyword v1 … vn`; returns the n values.
    fn keyword_line(&mut self, keyword: &str, n: usize) -> Result<Vec<&'a str>> {
        let fields = self.next_fields(&format!("a `{keyword}` line"))?;
        if fields.first() != Some(&keyword) || fields.len() != n + 1 {
            return Err(self.error(
                0,
                format!(
                    "expected `{keyword}` followed by {n} value(s), found `{}`",
                    fields.join(" ")
                ),
            ));
        }
        Ok(fields[1..].to_vec())
    }

    fn number<X: core::str::FromStr>(&self, field: &str, column: usize) -> Result<X> {
        field
            .parse()
            .map_err(|_| self.error(column, format!("`{field}` is not a number")))
    }
}
