//! A small JSON reader and string writer for safetensors headers.
//!
//! [`parse`] reads one JSON value (RFC 8259) and keeps, for every value and every object
//! key, its byte offset in the text, so that the header's interpreter can say where a
//! field is wrong. It refuses what RFC 8259 forbids (a trailing comma, a leading zero,
//! an unescaped control character, a lone surrogate escape, anything after the value
//! other than whitespace) and one thing RFC 8259 permits but the safetensors format
//! does not: an object with the same key twice. Numbers are kept as their text; the
//! caller decides what it accepts. Nesting deeper than [`MAX_DEPTH`] is refused, so
//! no input, however built, can exhaust the stack.

use std::borrow::Cow;
use std::collections::HashSet;

/// The deepest nesting of arrays and objects [`parse`] accepts. A safetensors header
/// needs 3 (the header, a tensor, its shape).
pub(crate) const MAX_DEPTH: usize = 16;

/// A JSON value and where it starts in the text.
#[derive(Debug)]
pub(crate) struct Value<'a> {
    /// The byte offset of the value's first character.
    pub(crate) at: usize,
    /// The value itself.
    pub(crate) kind: Kind<'a>,
}

/// The kinds of JSON value.
#[derive(Debug)]
pub(crate) enum Kind<'a> {
    /// `null`, `true` or `false`, as written.
    Literal(&'static str),
    /// A number, as written (it matches JSON's number grammar).
    Number(&'a str),
    /// A string, its escapes decoded.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Value<'a>>),
    /// An object's members, in the order written; no key occurs twice.
    Object(Vec<Member<'a>>),
}

/// One member of an object: its key, where the key starts, and its value.
#[derive(Debug)]
pub(crate) struct Member<'a> {
    /// The key, its escapes decoded.
    pub(crate) key: Cow<'a, str>,
    /// The byte offset of the key's opening quote.
    pub(crate) at: usize,
    /// The value.
    pub(crate) value: Value<'a>,
}

impl Kind<'_> {
    /// What the value is, for messages: "an object", "the number 1.5" …
    pub(crate) fn describe(&self) -> String {
        match self {
            Kind::Literal(name) => format!("`{name}`"),
            Kind::Number(text) => format!("the number {}", crate::error::quoted(text)),
            Kind::String(s) => format!("the string {}", crate::error::quoted(s)),
            Kind::Array(_) => "an array".to_string(),
            Kind::Object(_) => "an object".to_string(),
        }
    }
}

/// Why the text is not JSON, and the byte offset where that was found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct JsonError {
    /// The byte offset in the text.
    pub(crate) at: usize,
    /// What was wrong there.
    pub(crate) message: String,
}

/// Parses `text` as exactly one JSON value, optionally surrounded by whitespace.
pub(crate) fn parse(text: &str) -> Result<Value<'_>, JsonError> {
    let mut reader = Reader { text, at: 0 };
    reader.skip_whitespace();
    let value = reader.value(0)?;
    reader.skip_whitespace();
    if reader.at < text.len() {
        return Err(reader.error(format!(
            "{} after the end of the JSON value (only spaces may pad the header)",
            reader.found()
        )));
    }
    Ok(value)
}

/// Appends `s` to `out` as a JSON string, quotes included, escaped as `serde_json`
/// escapes it (and so as the Python and Rust `safetensors` libraries write names):
/// `"` and `\` with a backslash, the control characters `\b \t \n \f \r` by letter and
/// the others as `\u00XX`, everything else as it is.
pub(crate) fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A cursor over the text.
struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    fn error(&self, message: String) -> JsonError {
        JsonError {
            at: self.at,
            message,
        }
    }

    /// The byte at the cursor, if any.
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// What is at the cursor, for messages: `'x'`, or "the end of the header".
    fn found(&self) -> String {
        match self.text[self.at..].chars().next() {
            None => "the end of the header".to_string(),
            Some('"') => "'\"'".to_string(),
            Some(c) => {
                let quoted = crate::error::quoted(&c.to_string());
                format!("'{}'", &quoted[1..quoted.len() - 1])
            }
        }
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    /// Consumes `byte` (after whitespace) or fails saying what was `expected`.
    fn expect(&mut self, byte: u8, expected: &str) -> Result<(), JsonError> {
        self.skip_whitespace();
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(format!("expected {expected}, found {}", self.found())))
        }
    }

    /// One value starting at the cursor (whitespace already skipped), at `depth` levels
    /// of nesting.
    fn value(&mut self, depth: usize) -> Result<Value<'a>, JsonError> {
        let at = self.at;
        let kind = match self.peek() {
            Some(b'{') => Kind::Object(self.object(depth + 1)?),
            Some(b'[') => Kind::Array(self.array(depth + 1)?),
            Some(b'"') => Kind::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => Kind::Number(self.number()?),
            Some(b't') => Kind::Literal(self.literal("true")?),
            Some(b'f') => Kind::Literal(self.literal("false")?),
            Some(b'n') => Kind::Literal(self.literal("null")?),
            _ => return Err(self.error(format!("expected a JSON value, found {}", self.found()))),
        };
        Ok(Value { at, kind })
    }

    fn literal(&mut self, word: &'static str) -> Result<&'static str, JsonError> {
        if self.text[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(word)
        } else {
            Err(self.error(format!("expected a JSON value, found {}", self.found())))
        }
    }

    fn enter(&self, depth: usize) -> Result<(), JsonError> {
        if depth > MAX_DEPTH {
            Err(self.error(format!(
                "arrays and objects nested more than {MAX_DEPTH} deep"
            )))
        } else {
            Ok(())
        }
    }

    fn object(&mut self, depth: usize) -> Result<Vec<Member<'a>>, JsonError> {
        self.enter(depth)?;
        self.at += 1; // '{'
        let mut members = Vec::new();
        let mut seen = HashSet::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(members);
        }
        loop {
            self.skip_whitespace();
            let at = self.at;
            if self.peek() != Some(b'"') {
                return Err(self.error(format!(
                    "expected a key in double quotes, found {}",
                    self.found()
                )));
            }
            let key = self.string()?;
            if !seen.insert(key.clone()) {
                return Err(JsonError {
                    at,
                    message: format!(
                        "the key {} occurs twice in the same object",
                        crate::error::quoted(&key)
                    ),
                });
            }
            self.expect(b':', "':' after the key")?;
            self.skip_whitespace();
            let value = self.value(depth)?;
            members.push(Member { key, at, value });
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(members);
                }
                _ => {
                    return Err(self.error(format!(
                        "expected ',' or '}}' after an object member, found {}",
                        self.found()
                    )));
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Vec<Value<'a>>, JsonError> {
        self.enter(depth)?;
        self.at += 1; // '['
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(items);
        }
        loop {
            self.skip_whitespace();
            items.push(self.value(depth)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(items);
                }
                _ => {
                    return Err(self.error(format!(
                        "expected ',' or ']' after an array element, found {}",
                        self.found()
                    )));
                }
            }
        }
    }

    /// A number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, as written.
    fn number(&mut self) -> Result<&'a str, JsonError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.at += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(JsonError {
                        at: start,
                        message: "a number with a leading zero".to_string(),
                    });
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error(format!("expected a digit, found {}", self.found()))),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.required_digits("after the decimal point")?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            self.required_digits("in the exponent")?;
        }
        Ok(&self.text[start..self.at])
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
    }

    fn required_digits(&mut self, place: &str) -> Result<(), JsonError> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(self.error(format!("expected a digit {place}, found {}", self.found())));
        }
        self.digits();
        Ok(())
    }

    /// A string at the cursor's `"`, its escapes decoded; borrowed if it has none.
    fn string(&mut self) -> Result<Cow<'a, str>, JsonError> {
        self.at += 1; // '"'
        let start = self.at;
        let mut owned: Option<String> = None;
        loop {
            let Some(c) = self.text[self.at..].chars().next() else {
                return Err(self.error("a string that is never closed".to_string()));
            };
            match c {
                '"' => {
                    let s = match owned {
                        Some(s) => Cow::Owned(s),
                        None => Cow::Borrowed(&self.text[start..self.at]),
                    };
                    self.at += 1;
                    return Ok(s);
                }
                '\\' => {
                    let s = owned.get_or_insert_with(|| self.text[start..self.at].to_string());
                    let escape_at = self.at;
                    self.at += 1;
                    let decoded = self.escape(escape_at)?;
                    s.push(decoded);
                }
                c if (c as u32) < 0x20 => {
                    return Err(self.error(format!(
                        "a control character ({}) in a string: JSON needs it escaped",
                        crate::error::quoted(&c.to_string())
                    )));
                }
                c => {
                    if let Some(s) = owned.as_mut() {
                        s.push(c);
                    }
                    self.at += c.len_utf8();
                }
            }
        }
    }

    /// The character an escape stands for; the cursor is after the backslash, which
    /// was at `escape_at`.
    fn escape(&mut self, escape_at: usize) -> Result<char, JsonError> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.at += 1;
                let high = self.hex4()?;
                return match high {
                    0xD800..=0xDBFF => {
                        if !self.text[self.at..].starts_with("\\u") {
                            return Err(JsonError {
                                at: escape_at,
                                message: "a \\u escape of a lone high surrogate".to_string(),
                            });
                        }
                        self.at += 2;
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(JsonError {
                                at: escape_at,
                                message: "a high surrogate not followed by a low one".to_string(),
                            });
                        }
                        let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                        char::from_u32(code).ok_or_else(|| self.error("bad escape".to_string()))
                    }
                    0xDC00..=0xDFFF => Err(JsonError {
                        at: escape_at,
                        message: "a \\u escape of a lone low surrogate".to_string(),
                    }),
                    _ => char::from_u32(high).ok_or_else(|| self.error("bad escape".to_string())),
                };
            }
            _ => {
                return Err(JsonError {
                    at: escape_at,
                    message: format!("an unknown escape: '\\' followed by {}", self.found()),
                });
            }
        };
        self.at += 1;
        Ok(c)
    }

    /// Four hexadecimal digits.
    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => {
                    return Err(self.error(format!(
                        "expected 4 hexadecimal digits after \\u, found {}",
                        self.found()
                    )));
                }
            };
            code = code * 16 + u32::from(digit);
            self.at += 1;
        }
        Ok(code)
    }
}
