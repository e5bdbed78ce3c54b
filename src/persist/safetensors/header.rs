//! The header of a safetensors file and the layout of its data buffer, checked: the
//! length field, the JSON, each tensor's fields, and the tensors' offsets.

use super::json::{self, Kind, Value};
use crate::error::{Error, Result, quoted};

/// The largest header the format allows (the `safetensors` library's limit).
const MAX_HEADER: u64 = 100_000_000;

/// One tensor of the header.
pub(super) struct Entry {
    pub(super) name: String,
    /// Where its key starts in the header.
    pub(super) at: usize,
    pub(super) dtype: String,
    pub(super) shape: Vec<u64>,
    pub(super) begin: u64,
    pub(super) end: u64,
}

/// Where errors point: the source's name and the header's bytes.
pub(super) struct Place<'a> {
    source: &'a str,
    pub(super) header: &'a [u8],
}

impl Place<'_> {
    /// An error at header offset `at`, with its line and column in the header's text.
    pub(super) fn at(&self, at: usize, message: impl std::fmt::Display) -> Error {
        let before = &self.header[..at.min(self.header.len())];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        Error::Parse {
            source: self.source.to_string(),
            line,
            column: at - line_start + 1,
            message: format!("{message} (header offset {at}, file offset {})", at + 8),
        }
    }

    /// An error that is not at one place of the header.
    pub(super) fn whole(&self, message: impl Into<String>) -> Error {
        Error::Parse {
            source: self.source.to_string(),
            line: 1,
            column: 0,
            message: message.into(),
        }
    }
}

/// The size in bytes of one element of a safetensors dtype; `None` for a dtype this
/// reader does not know (or one smaller than a byte, such as `F4`).
fn dtype_size(dtype: &str) -> Option<u64> {
    match dtype {
        "BOOL" | "U8" | "I8" | "F8_E5M2" | "F8_E4M3" | "F8_E8M0" => Some(1),
        "I16" | "U16" | "F16" | "BF16" => Some(2),
        "I32" | "U32" | "F32" => Some(4),
        "I64" | "U64" | "F64" | "C64" => Some(8),
        _ => None,
    }
}

/// A file's header and data buffer, checked: the tensors are well-formed and cover the
/// buffer exactly.
pub(super) struct Header<'a> {
    /// Where errors point.
    pub(super) place: Place<'a>,
    /// The tensors, in the header's order.
    pub(super) entries: Vec<Entry>,
    /// The data buffer.
    pub(super) data: &'a [u8],
}

/// Splits `bytes` into header and data buffer and checks both; `source` names the file
/// in errors.
pub(super) fn parse<'a>(bytes: &'a [u8], source: &'a str) -> Result<Header<'a>> {
    let none = Place {
        source,
        header: &[],
    };
    let Some(&length) = bytes.first_chunk::<8>() else {
        return Err(none.whole(format!(
            "the file has {} bytes; a safetensors file starts with an 8-byte header length",
            bytes.len()
        )));
    };
    let n = u64::from_le_bytes(length);
    if n > MAX_HEADER {
        return Err(none.whole(format!(
            "the header length {n} is above the format's limit of {MAX_HEADER} bytes \
             (is this a safetensors file?)"
        )));
    }
    let n = n as usize;
    if n > bytes.len() - 8 {
        return Err(none.whole(format!(
            "the header length {n} goes beyond the end of the file, which has {} bytes \
             after the length",
            bytes.len() - 8
        )));
    }
    let (header, data) = bytes[8..].split_at(n);
    let place = Place { source, header };
    let text = std::str::from_utf8(header)
        .map_err(|e| place.at(e.valid_up_to(), "the header is not valid UTF-8"))?;
    let value = json::parse(text).map_err(|e| place.at(e.at, e.message))?;
    let entries = entries(&place, &value)?;
    check_layout(&place, &entries, data.len() as u64)?;
    Ok(Header {
        place,
        entries,
        data,
    })
}

/// The tensors of the header, checked field by field; `__metadata__` is checked and
/// dropped.
fn entries(place: &Place<'_>, value: &Value<'_>) -> Result<Vec<Entry>> {
    let Kind::Object(members) = &value.kind else {
        return Err(place.at(
            value.at,
            format!(
                "the header must be a JSON object, found {}",
                value.kind.describe()
            ),
        ));
    };
    let mut entries = Vec::with_capacity(members.len());
    for member in members {
        let name = &member.key;
        let Kind::Object(fields) = &member.value.kind else {
            return Err(place.at(
                member.value.at,
                format!(
                    "{} must map to an object, found {}",
                    quoted(name),
                    member.value.kind.describe()
                ),
            ));
        };
        if name == "__metadata__" {
            for field in fields {
                if !matches!(field.value.kind, Kind::String(_)) {
                    return Err(place.at(
                        field.value.at,
                        format!(
                            "__metadata__ must map strings to strings, but {} maps to {}",
                            quoted(&field.key),
                            field.value.kind.describe()
                        ),
                    ));
                }
            }
            continue;
        }
        let tensor = format!("tensor {}", quoted(name));
        let (mut dtype, mut shape, mut offsets) = (None, None, None);
        for field in fields {
            match &*field.key {
                "dtype" => dtype = Some(&field.value),
                "shape" => shape = Some(&field.value),
                "data_offsets" => offsets = Some(&field.value),
                other => {
                    return Err(place.at(
                        field.at,
                        format!(
                            "{tensor} has a field {}; a tensor has exactly `dtype`, \
                             `shape` and `data_offsets`",
                            quoted(other)
                        ),
                    ));
                }
            }
        }
        let missing = |field: &str| place.at(member.at, format!("{tensor} has no `{field}`"));
        let dtype = dtype.ok_or_else(|| missing("dtype"))?;
        let shape = shape.ok_or_else(|| missing("shape"))?;
        let offsets = offsets.ok_or_else(|| missing("data_offsets"))?;
        let Kind::String(dtype_name) = &dtype.kind else {
            return Err(place.at(
                dtype.at,
                format!(
                    "the dtype of {tensor} must be a string, found {}",
                    dtype.kind.describe()
                ),
            ));
        };
        let shape = integers(place, shape, &format!("the shape of {tensor}"), None)?;
        let offsets = integers(
            place,
            offsets,
            &format!("the data_offsets of {tensor}"),
            Some(2),
        )?;
        entries.push(Entry {
            name: name.to_string(),
            at: member.at,
            dtype: dtype_name.to_string(),
            shape,
            begin: offsets[0],
            end: offsets[1],
        });
    }
    Ok(entries)
}

/// An array of non-negative integers (of exactly `count` of them, if given).
fn integers(
    place: &Place<'_>,
    value: &Value<'_>,
    what: &str,
    count: Option<usize>,
) -> Result<Vec<u64>> {
    let Kind::Array(items) = &value.kind else {
        return Err(place.at(
            value.at,
            format!("{what} must be an array, found {}", value.kind.describe()),
        ));
    };
    if let Some(count) = count.filter(|&c| c != items.len()) {
        return Err(place.at(
            value.at,
            format!("{what} must hold {count} numbers, found {}", items.len()),
        ));
    }
    let mut numbers = Vec::with_capacity(items.len());
    for item in items {
        let Kind::Number(text) = item.kind else {
            return Err(place.at(
                item.at,
                format!("{what} must hold integers, found {}", item.kind.describe()),
            ));
        };
        let problem = if text.starts_with('-') {
            "is negative"
        } else if text.contains(['.', 'e', 'E']) {
            "is not written as an integer"
        } else {
            "is too large"
        };
        let n = text.parse::<u64>().map_err(|_| {
            place.at(
                item.at,
                format!("{what} holds {}, which {problem}", quoted(text)),
            )
        })?;
        numbers.push(n);
    }
    Ok(numbers)
}

/// Each tensor's bytes agree with its dtype and shape and lie in the buffer, and the
/// tensors, in the order of their offsets, cover the buffer exactly: no overlap, no
/// hole, nothing after the last.
fn check_layout(place: &Place<'_>, entries: &[Entry], data_len: u64) -> Result<()> {
    for e in entries {
        let tensor = format!("tensor {}", quoted(&e.name));
        if e.begin > e.end {
            return Err(place.at(
                e.at,
                format!(
                    "{tensor} begins at byte {} after its end, {}",
                    e.begin, e.end
                ),
            ));
        }
        if e.end > data_len {
            return Err(place.at(
                e.at,
                format!(
                    "{tensor} ends at byte {}, beyond the data buffer's {data_len} bytes",
                    e.end
                ),
            ));
        }
        let Some(size) = dtype_size(&e.dtype) else {
            return Err(place.at(
                e.at,
                format!(
                    "{tensor} has dtype {}, which is not a safetensors dtype this reader knows",
                    quoted(&e.dtype)
                ),
            ));
        };
        let bytes = e.shape.iter().try_fold(size, |a, &d| a.checked_mul(d));
        if bytes != Some(e.end - e.begin) {
            return Err(place.at(
                e.at,
                format!(
                    "{tensor} has {} bytes, but shape {} of {} needs {}",
                    e.end - e.begin,
                    shape_text(&e.shape),
                    e.dtype,
                    bytes.map_or("more than 2⁶⁴".to_string(), |b| b.to_string())
                ),
            ));
        }
    }
    let mut order: Vec<&Entry> = entries.iter().collect();
    order.sort_by_key(|e| (e.begin, e.end));
    let mut covered = 0;
    let mut previous: Option<&Entry> = None;
    for e in order {
        if e.begin < covered {
            let other = previous.map_or(String::new(), |p| quoted(&p.name));
            return Err(place.at(
                e.at,
                format!(
                    "tensor {} (bytes {}..{}) overlaps tensor {other}, which ends at byte {covered}",
                    quoted(&e.name),
                    e.begin,
                    e.end
                ),
            ));
        }
        if e.begin > covered {
            return Err(place.at(
                e.at,
                format!(
                    "bytes {covered}..{} of the data buffer belong to no tensor (a hole before \
                     tensor {}); the format requires every byte to belong to a tensor",
                    e.begin,
                    quoted(&e.name)
                ),
            ));
        }
        covered = e.end;
        previous = Some(e);
    }
    if covered != data_len {
        return Err(place.whole(format!(
            "bytes {covered}..{data_len} of the data buffer, after the last tensor, belong \
             to no tensor; the format requires every byte to belong to a tensor"
        )));
    }
    Ok(())
}

/// A shape as messages write it: `[4, 3]`.
pub(super) fn shape_text(shape: &[u64]) -> String {
    let dims: Vec<String> = shape.iter().map(u64::to_string).collect();
    format!("[{}]", dims.join(", "))
}
