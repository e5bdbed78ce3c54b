//! The fields of one CSV line: splitting it (trimmed, `"…"` quoted, `""` a quote) and
//! reading a field as a finite number, with errors that name the line and column.

use crate::error::{Error, Result, quoted};
use crate::scalar::Scalar;
use std::borrow::Cow;

/// Reads one field of `column` (`column "name"` or `column k`, for messages) as a finite
/// number of type `T`; the error is the message alone.
pub(super) fn parse_number<T: Scalar>(
    field: &str,
    column: &str,
) -> core::result::Result<T, String> {
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
pub(super) fn split_line<'a>(
    source: &str,
    line: usize,
    text: &'a str,
) -> Result<Vec<Cow<'a, str>>> {
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
                            "unexpected text {} after the closing quote; a field that \
                             starts with a quote must end with one",
                            crate::error::quoted(after.split(',').next().unwrap_or(after))
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
