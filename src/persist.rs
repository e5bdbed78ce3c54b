//! Saving and loading a network's parameters in a small, documented text format.
//!
//! ```text
//! backprop parameters 2              ← format name and version
//! scalar f64                         ← f32 or f64
//! layers 3                           ← number of layers
//! layer 1 relu                       ← a layer: number, activation, the activation's constants
//! layer 2 leaky_relu 0.3             ←   (the leaky ReLU's slope; none for the others)
//! layer 3 sigmoid
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
//! Layers come in order, each with its activation's [`NAME`](crate::Activation::NAME)
//! and [`constants`](crate::Activation::constants); blocks come in the order of
//! [`Parameters::blocks`]: each layer's weights, then its bias. Numbers are written with
//! Rust's shortest round-trip formatting and read back with the standard parser, so a
//! save followed by a load gives the same parameters and constants bit for bit.
//!
//! Loading checks everything against the network it loads into and says what and where
//! is wrong: a file for another shape, a layer with another activation (a ReLU network's
//! file does not load into a tanh network), a truncated file, a malformed number. The
//! activations' constants are read from the file into the network: a leaky ReLU saved
//! with slope 0.3 comes back with slope 0.3.
//!
//! Version 1 of the format had no `layers` section. Such a file is refused, with a
//! message that lists the lines to insert for the network it was loaded into: the file
//! cannot say which activations it was trained with, so a person has to confirm them.
//!
//! Every load reads and checks the whole file before it writes anything, so
//! [`load_into`] and [`from_str_into`] leave the network unchanged when they fail. The
//! parameters are read into one `Vec` on the heap first; for a network of
//! [`HeapDense`](crate::layer::HeapDense) layers, nothing large is ever on the stack (see
//! [Large networks](crate::layer::heap_dense#large-networks)).

pub mod safetensors;
use crate::error::{Error, Result, quoted};
use crate::params::{Parameters, block_name};
use crate::scalar::Scalar;
use std::fmt::Write as _;
use std::path::Path;

/// The first line of a file in this format.
const MAGIC: &str = "backprop parameters 2";
/// The first line of a file in version 1, which had no `layers` section.
const MAGIC_V1: &str = "backprop parameters 1";

/// The parameters of `net` in the text format of this module.
pub fn to_string<T: Scalar, N: Parameters<T>>(net: &N) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(out, "{MAGIC}\nscalar {}", T::NAME);
    let _ = writeln!(out, "layers {}", net.activations().count());
    for (k, (name, constants)) in net.activations().enumerate() {
        let _ = write!(out, "layer {} {name}", k + 1);
        for c in constants {
            let _ = write!(out, " {c}");
        }
        out.push('\n');
    }
    let shapes: Vec<(usize, usize)> = net.block_shapes().collect();
    let _ = writeln!(out, "blocks {}", shapes.len());
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

/// Reads a network of type `N` from the file at `path`: `N::default()` filled by
/// [`load_into`].
///
/// The network is returned by value; for a network of
/// [`HeapDense`](crate::layer::HeapDense) layers that value is a few pointers. For a
/// large network of [`Dense`](crate::Dense) layers, whose value is its parameters, use
/// `HeapDense` instead (see [Large networks](crate::layer::heap_dense#large-networks)).
///
/// # Errors
/// As [`load_into`].
pub fn load<T: Scalar, N: Parameters<T>>(path: impl AsRef<Path>) -> Result<N> {
    let mut net = N::default();
    load_into(&mut net, path)?;
    Ok(net)
}

/// Reads the file at `path` into an existing network: its parameters and its
/// activations' constants. On error, `net` is left unchanged.
///
/// # Errors
/// [`Error::Io`] if the file cannot be read; [`Error::Parse`], naming the file, line and
/// (where one field is at fault) column, if it is not in this format (a version-1 file
/// is refused with the lines to add), holds another scalar type, is for a network of
/// another shape or with other activations, is truncated, has a malformed or
/// non-finite number, or has anything after `end`.
pub fn load_into<T: Scalar, N: Parameters<T>>(net: &mut N, path: impl AsRef<Path>) -> Result<()> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    from_str_into(net, &text, &path.display().to_string())
}

/// Parses a network of type `N` from `text`; `source` names it in errors.
///
/// # Errors
/// As [`load_into`], without the I/O.
pub fn from_str<T: Scalar, N: Parameters<T>>(text: &str, source: &str) -> Result<N> {
    let mut net = N::default();
    from_str_into(&mut net, text, source)?;
    Ok(net)
}

/// Parses `text` into an existing network; `source` names it in errors. On error, `net`
/// is left unchanged.
///
/// # Errors
/// As [`load_into`], without the I/O.
pub fn from_str_into<T: Scalar, N: Parameters<T>>(
    net: &mut N,
    text: &str,
    source: &str,
) -> Result<()> {
    let (constants, parameters) = parse(net, text, source)?;
    fill(net, constants, parameters);
    Ok(())
}

/// Reads and checks all of `text` against `net`'s layers and shapes; returns the
/// activations' constants and the parameters, each in order, without touching `net`.
fn parse<T: Scalar, N: Parameters<T>>(
    net: &N,
    text: &str,
    source: &str,
) -> Result<(Vec<T>, Vec<T>)> {
    let mut lines = Lines::new(text, source);
    let read = parse_section(net, &mut lines, "the first line")?;
    lines.expect_end_of_file()?;
    Ok(read)
}

/// Reads and checks one network in this format, from its format line to its `end`,
/// against `net`'s layers and shapes; returns the activations' constants and the
/// parameters, each in order, without touching `net`. A file that holds a network among
/// other things (a [`Model`](crate::model::Model)) reads it with this; `place` names
/// the format line's place in messages (`"the first line"`).
pub(crate) fn parse_section<T: Scalar, N: Parameters<T>>(
    net: &N,
    lines: &mut Lines<'_>,
    place: &str,
) -> Result<(Vec<T>, Vec<T>)> {
    let first = lines.next_fields(&format!("`{MAGIC}`"))?.join(" ");
    if first == MAGIC_V1 {
        return Err(lines.error(0, version_1_message(net)));
    }
    if first != MAGIC {
        return Err(lines.error(
            0,
            format!(
                "{place} must be the format line: expected `{MAGIC}`, found {}",
                quoted(&first)
            ),
        ));
    }
    let scalar = lines.keyword_line("scalar", 1)?;
    if scalar[0] != T::NAME {
        return Err(lines.error(
            0,
            format!(
                "the file holds {} parameters, but the network is {}",
                quoted(scalar[0]),
                T::NAME
            ),
        ));
    }
    let constants = parse_layers(net, lines)?;
    let parameters = parse_blocks(net, lines)?;
    lines.expect_exact("end", "the parameters must be followed by `end`")?;
    Ok((constants, parameters))
}

/// Writes what [`parse_section`] read into `net`: the activations' constants and the
/// parameters, each in order.
pub(crate) fn fill<T: Scalar, N: Parameters<T>>(
    net: &mut N,
    constants: Vec<T>,
    parameters: Vec<T>,
) {
    let slots = net.activations_mut().flat_map(|(_, c)| c.iter_mut());
    for (slot, value) in slots.zip(constants) {
        *slot = value;
    }
    for (slot, value) in net.blocks_mut().flatten().zip(parameters) {
        *slot = value;
    }
}

/// The `layers` section: one `layer k name c…` line per layer, whose name must be the
/// network's activation at layer `k`. Returns the constants, in order.
fn parse_layers<T: Scalar, N: Parameters<T>>(net: &N, lines: &mut Lines<'_>) -> Result<Vec<T>> {
    let expected: Vec<(&str, usize)> = net.activations().map(|(n, c)| (n, c.len())).collect();
    let count = lines.keyword_line("layers", 1)?;
    let count = lines.number::<usize>(count[0], 2)?;
    if count != expected.len() {
        return Err(lines.error(
            2,
            format!(
                "the file has {count} layers, but the network has {}",
                expected.len()
            ),
        ));
    }
    let mut constants = Vec::new();
    for (k, &(name, n)) in expected.iter().enumerate() {
        let number = k + 1;
        let fields = lines.next_fields(&format!("`layer {number}`"))?;
        if fields.len() < 3 || fields[0] != "layer" {
            return Err(lines.error(
                0,
                format!(
                    "expected `layer {number}` followed by its activation, found {}",
                    quoted(&fields.join(" "))
                ),
            ));
        }
        let found = lines.number::<usize>(fields[1], 2)?;
        if found != number {
            return Err(lines.error(2, format!("expected layer {number}, found layer {found}")));
        }
        if fields[2] != name {
            return Err(lines.error(
                3,
                format!(
                    "layer {number} is {} in the file, but the network's layer {number} is {name}",
                    quoted(fields[2])
                ),
            ));
        }
        let values = &fields[3..];
        if values.len() != n {
            return Err(lines.error(
                0,
                format!(
                    "the {name} of layer {number} has {n} constant(s), found {}",
                    values.len()
                ),
            ));
        }
        for (i, field) in values.iter().enumerate() {
            let value = lines.number::<T>(field, 4 + i)?;
            if !value.is_finite() {
                return Err(lines.error(
                    4 + i,
                    format!(
                        "{}, a constant of the {name} of layer {number}, is not a finite number",
                        quoted(field)
                    ),
                ));
            }
            constants.push(value);
        }
    }
    Ok(constants)
}

/// The `blocks` section: each block's header must match the network's block, and its
/// rows hold finite numbers. Returns the parameters, in block order.
fn parse_blocks<T: Scalar, N: Parameters<T>>(net: &N, lines: &mut Lines<'_>) -> Result<Vec<T>> {
    let shapes: Vec<(usize, usize)> = net.block_shapes().collect();
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

    let mut parameters = Vec::with_capacity(net.parameter_count());
    for (k, &(rows, cols)) in shapes.iter().enumerate() {
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
        // A block with no columns is written as no rows at all (see `to_string`).
        let written_rows = if cols == 0 { 0 } else { rows };
        for _ in 0..written_rows {
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
            for (column, field) in fields.into_iter().enumerate() {
                let value = lines.number::<T>(field, column + 1)?;
                if !value.is_finite() {
                    return Err(lines.error(
                        column + 1,
                        format!(
                            "{} in {name} is not a finite number; a trained network's parameters are",
                            quoted(field)
                        ),
                    ));
                }
                parameters.push(value);
            }
        }
    }
    Ok(parameters)
}

/// Why a version-1 file is refused, and the lines that would make it a version-2 file
/// for `net`.
fn version_1_message<T: Scalar, N: Parameters<T>>(net: &N) -> String {
    let mut layers = format!("`layers {}`", net.activations().count());
    for (k, (name, constants)) in net.activations().enumerate() {
        let _ = write!(layers, ", `layer {} {name}", k + 1);
        for c in constants {
            let _ = write!(layers, " {c}");
        }
        layers.push('`');
    }
    format!(
        "this file is in format 1, which does not record the layers' activations; \
         to load it, change this line to `{MAGIC}` and insert after the `scalar` line \
         one line per layer, which for this network are {layers} \
         (check that these are the activations the file was trained with)"
    )
}

/// A line reader that remembers where it is, for error messages; blank lines are
/// skipped.
pub(crate) struct Lines<'a> {
    lines: std::iter::Enumerate<std::str::Lines<'a>>,
    source: &'a str,
    line: usize,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str, source: &'a str) -> Self {
        Lines {
            lines: text.lines().enumerate(),
            source,
            line: 0,
        }
    }

    /// A parse error at the current line and `column` (0: the whole line).
    pub(crate) fn error(&self, column: usize, message: String) -> Error {
        Error::Parse {
            source: self.source.to_string(),
            line: self.line,
            column,
            message,
        }
    }

    /// The next non-blank line split into fields; an error naming `what` at end of file.
    pub(crate) fn next_fields(&mut self, what: &str) -> Result<Vec<&'a str>> {
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

    /// The next line must be exactly `expected`; else an error that starts with `what`.
    pub(crate) fn expect_exact(&mut self, expected: &str, what: &str) -> Result<()> {
        let fields = self.next_fields(&format!("`{expected}`"))?;
        if fields.join(" ") != expected {
            return Err(self.error(
                0,
                format!(
                    "{what}: expected `{expected}`, found {}",
                    quoted(&fields.join(" "))
                ),
            ));
        }
        Ok(())
    }

    /// A line `keyword v1 … vn`; returns the n values.
    pub(crate) fn keyword_line(&mut self, keyword: &str, n: usize) -> Result<Vec<&'a str>> {
        let fields = self.next_fields(&format!("a `{keyword}` line"))?;
        if fields.first() != Some(&keyword) || fields.len() != n + 1 {
            return Err(self.error(
                0,
                format!(
                    "expected `{keyword}` followed by {n} value(s), found {}",
                    quoted(&fields.join(" "))
                ),
            ));
        }
        Ok(fields[1..].to_vec())
    }

    /// `field`, at `column`, parsed as an `X`.
    pub(crate) fn number<X: core::str::FromStr>(&self, field: &str, column: usize) -> Result<X> {
        field
            .parse()
            .map_err(|_| self.error(column, format!("{} is not a number", quoted(field))))
    }

    /// Only blank lines may remain.
    pub(crate) fn expect_end_of_file(&mut self) -> Result<()> {
        match self.next_fields("nothing") {
            Ok(fields) => Err(self.error(
                0,
                format!("unexpected {} after `end`", quoted(&fields.join(" "))),
            )),
            Err(_) => Ok(()),
        }
    }
}
