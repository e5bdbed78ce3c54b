//! Reading a safetensors file into a network: its tensors found by name, checked
//! against the network's blocks, and decoded, all before anything is returned.

use super::Options;
use super::header::{self, Entry, Place, shape_text};
use crate::error::{Result, quoted};
use crate::params::{Parameters, block_name};
use crate::scalar::Scalar;
use std::collections::{HashMap, HashSet};

/// How many names a message lists before it says how many more there are.
const LIST_LIMIT: usize = 6;

/// Reads and checks all of `bytes` against `net`; returns its parameters in block
/// order, without touching `net`.
pub(super) fn read<T: Scalar, N: Parameters<T>>(
    net: &N,
    bytes: &[u8],
    source: &str,
    options: &Options,
) -> Result<Vec<T>> {
    let names = options.naming.names(net.block_shapes().count())?;
    let file = header::parse(bytes, source)?;
    tensors(net, &file.place, &file.entries, file.data, &names, options)
}

/// Up to [`LIST_LIMIT`] names, quoted, and how many more.
fn name_list<'a>(names: impl ExactSizeIterator<Item = &'a str>) -> String {
    let total = names.len();
    let mut list: Vec<String> = names.take(LIST_LIMIT).map(quoted).collect();
    if total > LIST_LIMIT {
        list.push(format!("and {} more", total - LIST_LIMIT));
    }
    if list.is_empty() {
        "none".to_string()
    } else {
        list.join(", ")
    }
}

/// The network's tensors, found by name, checked against its blocks, and decoded.
fn tensors<T: Scalar, N: Parameters<T>>(
    net: &N,
    place: &Place<'_>,
    entries: &[Entry],
    data: &[u8],
    names: &[String],
    options: &Options,
) -> Result<Vec<T>> {
    let by_name: HashMap<&str, &Entry> = entries.iter().map(|e| (e.name.as_str(), e)).collect();
    let mut found = Vec::with_capacity(names.len());
    for (k, name) in names.iter().enumerate() {
        let Some(&entry) = by_name.get(name.as_str()) else {
            let mut in_file: Vec<&Entry> = entries.iter().collect();
            in_file.sort_by_key(|e| (e.begin, e.end));
            return Err(place.whole(format!(
                "the file has no tensor {} for {} (the file's tensors: {}); if its names \
                 differ, say which with `Options::naming`",
                quoted(name),
                block_name(k),
                name_list(in_file.iter().map(|e| e.name.as_str()))
            )));
        };
        found.push(entry);
    }
    if !options.ignore_extra_tensors {
        let used: HashSet<&str> = names.iter().map(String::as_str).collect();
        let extra: Vec<&str> = entries
            .iter()
            .map(|e| e.name.as_str())
            .filter(|n| !used.contains(n))
            .collect();
        if !extra.is_empty() {
            return Err(place.whole(format!(
                "the file has {} tensor(s) the network does not use: {}; to skip them, \
                 use `Options::ignore_extra_tensors`",
                extra.len(),
                name_list(extra.into_iter())
            )));
        }
    }

    let mut values = Vec::with_capacity(net.parameter_count());
    let shapes: Vec<(usize, usize)> = net.block_shapes().collect();
    for (k, (entry, &(rows, cols))) in found.into_iter().zip(&shapes).enumerate() {
        let tensor = format!("tensor {} ({})", quoted(&entry.name), block_name(k));
        let (rows64, cols64) = (rows as u64, cols as u64);
        let shape_ok =
            entry.shape == [rows64, cols64] || (k % 2 == 1 && cols == 1 && entry.shape == [rows64]);
        if !shape_ok {
            let expected = if k % 2 == 1 && cols == 1 {
                format!("[{rows}] (or [{rows}, 1])")
            } else {
                format!("[{rows}, {cols}] (out, in)")
            };
            return Err(place.at(
                entry.at,
                format!(
                    "{tensor} has shape {} in the file, but the network's {} has shape {expected}",
                    shape_text(&entry.shape),
                    block_name(k)
                ),
            ));
        }
        let is_f32 = T::NAME == "f32";
        match entry.dtype.as_str() {
            "F32" => {}
            "F64" if !is_f32 || options.round_to_f32 => {}
            "F64" => {
                return Err(place.at(
                    entry.at,
                    format!(
                        "{tensor} is F64 and the network is f32: rounding would lose \
                         precision; to round to nearest, use `Options::round_to_f32`"
                    ),
                ));
            }
            other => {
                return Err(place.at(
                    entry.at,
                    format!(
                        "{tensor} has dtype {other}; backprop reads F32 and F64 only \
                         (convert it to one of them first)"
                    ),
                ));
            }
        }
        let width = if entry.dtype == "F32" { 4 } else { 8 };
        let bytes = &data[entry.begin as usize..entry.end as usize];
        for (i, chunk) in bytes.chunks_exact(width).enumerate() {
            let wide = match *chunk {
                [a, b, c, d] => f64::from(f32::from_le_bytes([a, b, c, d])),
                [a, b, c, d, e, f, g, h] => f64::from_le_bytes([a, b, c, d, e, f, g, h]),
                // No other length comes out of `chunks_exact(width)`.
                _ => f64::NAN,
            };
            let value = T::from_f64(wide);
            if !value.is_finite() {
                let index = if entry.shape.len() == 1 {
                    format!("[{i}]")
                } else {
                    format!("[{}, {}]", i / cols.max(1), i % cols.max(1))
                };
                let why = if wide.is_finite() {
                    format!("{wide:e}, beyond f32's range")
                } else {
                    format!("{wide}")
                };
                let offset = 8 + place.header.len() + entry.begin as usize + i * width;
                return Err(place.whole(format!(
                    "{tensor} holds {why} at index {index} (file offset {offset}); a \
                     network's parameters must be finite"
                )));
            }
            values.push(value);
        }
    }
    Ok(values)
}
