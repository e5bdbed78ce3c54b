//! [`Text`] without `std`: an error message held inline, with no allocator.

use super::{FromArgs, TEXT_CAPACITY};
use core::fmt;

/// An error message of at most [`TEXT_CAPACITY`] bytes of UTF-8, held inline (the type
/// of [`Error`](super::Error)'s messages without the `std` feature). A longer message is
/// cut at the last character boundary that leaves room for `…`, and ends in it.
///
/// ```
/// use backprop::error::{FromArgs, Text, TEXT_CAPACITY};
/// let t = Text::from_args(format_args!("the learning rate must be > 0, got {}", -1.5));
/// assert_eq!(t.as_str(), "the learning rate must be > 0, got -1.5");
/// let long = Text::from_args(format_args!("{}", "λ".repeat(100)));
/// assert!(long.as_str().ends_with('…') && long.as_str().len() <= TEXT_CAPACITY);
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Text {
    bytes: [u8; TEXT_CAPACITY],
    len: u8,
    /// Set once a write did not fit: later writes are dropped.
    full: bool,
}

impl Text {
    /// The empty message.
    pub const fn new() -> Self {
        Text {
            bytes: [0; TEXT_CAPACITY],
            len: 0,
            full: false,
        }
    }

    /// The message.
    pub fn as_str(&self) -> &str {
        // Only whole characters are ever copied in, so this never fails; an empty
        // string is the (unreachable) fallback rather than a panic.
        core::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }

    /// Appends `s`, or as much of it as fits before a closing `…`.
    fn push_str(&mut self, s: &str) {
        if self.full {
            return;
        }
        let mut len = usize::from(self.len);
        if len + s.len() <= TEXT_CAPACITY {
            self.bytes[len..len + s.len()].copy_from_slice(s.as_bytes());
            self.len = (len + s.len()) as u8;
            return;
        }
        const ELLIPSIS: &str = "…";
        let room = TEXT_CAPACITY - ELLIPSIS.len();
        // Drop what was written beyond the room the ellipsis leaves, back to a character
        // boundary, then keep the whole characters of `s` that still fit.
        while len > room || (len > 0 && (self.bytes[len] & 0xC0) == 0x80) {
            len -= 1;
        }
        let mut end = 0;
        for (i, c) in s.char_indices() {
            if len + i + c.len_utf8() > room {
                break;
            }
            end = i + c.len_utf8();
        }
        self.bytes[len..len + end].copy_from_slice(&s.as_bytes()[..end]);
        len += end;
        self.bytes[len..len + ELLIPSIS.len()].copy_from_slice(ELLIPSIS.as_bytes());
        self.len = (len + ELLIPSIS.len()) as u8;
        self.full = true;
    }
}

impl Default for Text {
    fn default() -> Self {
        Text::new()
    }
}

impl core::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        let mut t = Text::new();
        t.push_str(s);
        t
    }
}

impl fmt::Write for Text {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push_str(s);
        Ok(())
    }
}

impl FromArgs for Text {
    fn from_args(args: fmt::Arguments<'_>) -> Self {
        let mut t = Text::new();
        // Writing to a Text never fails: what does not fit is cut.
        let _ = fmt::write(&mut t, args);
        t
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}
