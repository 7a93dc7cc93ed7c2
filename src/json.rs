//! A strict JSON (RFC 8259) reader over bytes, made for the one shape the API
//! answers with, and for its small error bodies.
//!
//! [`scan_backlinks`] checks a whole success body in one pass without building
//! anything: it proves the body is JSON, and that `data` is an array of
//! objects (or null: no backlinks). It reads a paid answer leniently (it has
//! cost credits already): each of the five documented fields may be a
//! string, null, missing, a number or a boolean (read as its text), and
//! `credits_consumed` and `time_taken` may be anything (the JS half reads a
//! number, or a numeric string, as a number, and anything else as 0). It
//! stays strict about what is not such an answer at all. The host's
//! `JSON.parse` then builds the JS objects, which it does faster than any
//! wasm code can; this module tells it which fields to fill in.
//!
//! [`scan_balance`] checks the balance's body: a one-element array holding a
//! number.
//!
//! Nothing here recurses on the input: deep nesting is walked with a heap
//! stack and refused past [`MAX_DEPTH`], so no body can overflow the stack.
//!
//! # The grammar it accepts
//!
//! RFC 8259 JSON (ABNF as in the RFC; `%x` are bytes):
//!
//! ```text
//! body      = [ %xEF.BB.BF ] ws value ws        ; a UTF-8 BOM is dropped, as TextDecoder does
//! value     = object / array / string / number / "true" / "false" / "null"
//! object    = "{" ws [ member *( ws "," ws member ) ] ws "}"
//! member    = string ws ":" ws value
//! array     = "[" ws [ value *( ws "," ws value ) ] ws "]"
//! number    = [ "-" ] ( "0" / %x31-39 *DIGIT ) [ "." 1*DIGIT ] [ ( "e" / "E" ) [ "+" / "-" ] 1*DIGIT ]
//! string    = %x22 *char %x22
//! char      = %x20-21 / %x23-5B / %x5D-FF        ; any byte but '"', '\' and controls
//!           / "\" ( %x22 / "\" / "/" / "b" / "f" / "n" / "r" / "t" / "u" 4HEXDIG )
//! ws        = *( %x20 / %x09 / %x0A / %x0D )
//! ```
//!
//! and, on top of the grammar, the answer's shape:
//!
//! ```text
//! answer    = object with a member "data" whose value is an array of items,
//!             and "credits_consumed" / "time_taken", when present, number or null
//! item      = object whose "anchor_text", "domain_source", "domain_target",
//!             "url_source", "url_target", when present, are string or null
//! ```
//!
//! Where it goes beyond the grammar, on purpose, as `JSON.parse` on the
//! runtime's decoded text does:
//! - bytes that are not UTF-8 inside strings are not refused (the runtime
//!   decodes them to U+FFFD before `JSON.parse` sees them);
//! - a lone surrogate escape (`\ud800`) is accepted (decoded to U+FFFD);
//! - a number of any size is accepted (`1e400` is Infinity to `JSON.parse`);
//! - duplicate keys: the last occurrence decides (as in `JSON.parse`), but
//!   every occurrence of a checked field must have an allowed type;
//! - unknown members and their values are checked as JSON and skipped,
//!   nested at most [`MAX_DEPTH`] deep.
//!
//! `tests/json_differential.rs` checks all of this against serde_json on
//! generated and mutated bodies, with each disagreement explained there.

use crate::prelude::*;
use crate::words::quote;
use alloc::borrow::Cow;

/// The five documented fields of a backlink, in the API's order.
pub const BACKLINK_FIELDS: [&str; 5] = [
    "anchor_text",
    "domain_source",
    "domain_target",
    "url_source",
    "url_target",
];

/// Deepest nesting accepted inside unknown fields.
pub const MAX_DEPTH: usize = 512;

/// What [`scan_backlinks`] learnt of a valid body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BacklinksShape {
    /// How many backlinks `data` holds.
    pub items: u32,
    /// `(item index, field)` of each documented field that is not a string:
    /// `field` is an index into [`BACKLINK_FIELDS`] for one missing or null,
    /// to be set to `""`, or that plus [`AS_TEXT`] for a number or boolean,
    /// to be replaced by its text.
    pub fill: Vec<(u32, u8)>,
    /// Where the value of the last `credits_consumed` is in the body: its
    /// byte range, quotes included, when it is there.
    pub credits: Option<(u32, u32)>,
}

/// Added to a field's index in [`BacklinksShape::fill`]: a number or
/// boolean, to be read as its text.
pub const AS_TEXT: u8 = 8;

/// Why a body is not the documented shape, in words for an error message.
pub type ShapeError = String;

/// Checks a success body; see the module docs.
pub fn scan_backlinks(body: &[u8]) -> Result<BacklinksShape, ShapeError> {
    let mut r = Reader::new(body);
    r.ws();
    if r.peek() != Some(b'{') {
        return Err(r.not_an_object());
    }
    let mut shape = None;
    let mut credits = None;
    // Whether `data` is null, and whether the body has a field that an
    // error answer has: both together make an error answer.
    let mut data_null = false;
    let mut says_error = false;
    r.object(|r, key| {
        if r.key_is(&key, "data") {
            data_null = r.peek() == Some(b'n');
            shape = Some(if data_null {
                r.literal(b"null")?;
                BacklinksShape::default()
            } else {
                r.data()?
            });
        } else {
            let start = r.i;
            r.skip_value()?;
            if r.key_is(&key, "credits_consumed") {
                credits = Some((start as u32, r.i as u32));
            } else if r.key_is(&key, "message") || r.key_is(&key, "error") {
                says_error = true;
            }
        }
        Ok(())
    })?;
    r.end()?;
    match shape {
        Some(shape) if !(data_null && says_error) => Ok(BacklinksShape { credits, ..shape }),
        _ => Err(not_backlinks(body, shape.is_some())),
    }
}

/// Why a JSON object is no backlinks answer: it has no `data`, or a null
/// one beside an error's `message` or `error`.
#[cold]
#[inline(never)]
fn not_backlinks(body: &[u8], has_data: bool) -> ShapeError {
    let [message, _, _, error] = error_fields(body);
    match message.or(error) {
        Some(said) => text!(
            "it is an error answer, not backlinks: it says ",
            quote(&said)
        ),
        None if has_data => "it is an error answer, not backlinks".into(),
        None => "it has no `data` field".into(),
    }
}

/// The string fields `message`, `description`, `code` and `error` of an
/// error answer (see [`object_strings`]); all `None` when it is no JSON
/// object. One function for every error body, so its code is there once.
#[inline(never)]
pub fn error_fields(body: &[u8]) -> [Option<String>; 4] {
    object_strings(body, ["message", "description", "code", "error"]).unwrap_or_default()
}

/// Checks the balance's body, a one-element array holding a number such as
/// `[95597755]`.
pub fn scan_balance(body: &[u8]) -> Result<(), ShapeError> {
    let mut r = Reader::new(body);
    r.ws();
    let checked = r
        .expect(b'[', "'['")
        .and_then(|()| {
            r.ws();
            r.number()
        })
        .and_then(|()| {
            r.ws();
            r.expect(b']', "']'")
        })
        .and_then(|()| r.end());
    checked.map_err(|_| not_a_balance(body))
}

/// Why a body is not `[<number>]`.
#[cold]
#[inline(never)]
fn not_a_balance(body: &[u8]) -> ShapeError {
    let mut r = Reader::new(body);
    r.ws();
    match r.peek() {
        Some(b'[') => text!(
            "it is not a one-element array holding the balance as a number (",
            r.excerpt(),
            ")"
        ),
        _ => r.not_an_object_or("a one-element array holding the balance"),
    }
}

/// The top-level string fields `names` of a JSON object body (an API error
/// answer such as `{"message": ..., "description": ...}`); `None` when the
/// body is not a JSON object. Fields that are not strings are left out.
pub fn object_strings<const N: usize>(
    body: &[u8],
    names: [&str; N],
) -> Option<[Option<String>; N]> {
    let mut out: [Option<String>; N] = core::array::from_fn(|_| None);
    read_strings(body, &names, &mut out).then_some(out)
}

/// [`object_strings`]' work, once for every `N`: fills `out[i]` with the
/// string field `names[i]`; false when the body is not a JSON object.
#[inline(never)]
fn read_strings(body: &[u8], names: &[&str], out: &mut [Option<String>]) -> bool {
    let mut r = Reader::new(body);
    r.ws();
    if r.peek() != Some(b'{') {
        return false;
    }
    r.object(|r, key| {
        let slot = names.iter().position(|n| r.key_is(&key, n));
        match (slot.and_then(|i| out.get_mut(i)), r.peek()) {
            (Some(slot), Some(b'"')) => *slot = Some(r.string()?.decode().into_owned()),
            _ => r.skip_value()?,
        }
        Ok(())
    })
    .is_ok()
        && r.end().is_ok()
}

/// The JSON kind a value starting with byte `b` has, for messages.
fn kind_name(b: u8) -> &'static str {
    match b {
        b'"' => "a string",
        b'{' => "an object",
        b'[' => "an array",
        b't' | b'f' => "a boolean",
        b'n' => "null",
        b'-' | b'0'..=b'9' => "a number",
        _ => "not valid JSON",
    }
}

/// Why field `f` of item `item` cannot be read as text: it is an object or
/// an array.
#[cold]
#[inline(never)]
fn not_text(item: u32, f: usize, b: u8) -> ShapeError {
    text!(
        "`data[",
        item,
        "].",
        BACKLINK_FIELDS.get(f).copied().unwrap_or("?"),
        "` is ",
        kind_name(b),
        ", not text"
    )
}

/// A string token: the raw bytes between the quotes.
struct Str<'a> {
    raw: &'a [u8],
    escaped: bool,
}

impl Str<'_> {
    /// The string's text, escapes decoded (lone surrogates become U+FFFD).
    fn decode(&self) -> Cow<'_, str> {
        if !self.escaped {
            return String::from_utf8_lossy(self.raw);
        }
        let mut out = Vec::with_capacity(self.raw.len());
        let mut i = 0;
        let raw = self.raw;
        // The reader checked every escape, so `get` never misses here; it
        // stands in for indexing, whose panic path would link `core::fmt`.
        let at = |i: usize| raw.get(i).copied().unwrap_or(0);
        while let Some(&b) = raw.get(i) {
            if b != b'\\' {
                out.push(b);
                i += 1;
                continue;
            }
            let c = match at(i + 1) {
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    let hi = hex4(raw.get(i + 2..i + 6));
                    i += 6;
                    let lo = hex4(raw.get(i + 2..i + 6));
                    let is_pair = (0xD800..0xDC00).contains(&hi)
                        && raw.get(i..i + 2) == Some(b"\\u")
                        && (0xDC00..0xE000).contains(&lo);
                    let code = if is_pair {
                        i += 6;
                        0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                    } else {
                        hi
                    };
                    let c = char::from_u32(code).unwrap_or('\u{FFFD}');
                    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                    continue;
                }
                other => other as char, // '"', '\\', '/'
            };
            out.push(c as u8);
            i += 2;
        }
        Cow::Owned(String::from_utf8_lossy(&out).into_owned())
    }
}

/// The value of four hex digits (already checked by the reader).
fn hex4(h: Option<&[u8]>) -> u32 {
    h.unwrap_or_default().iter().fold(0, |acc, &c| {
        acc * 16 + (c as char).to_digit(16).unwrap_or(0)
    })
}

/// A cursor over the body.
struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

/// `true` where any byte of `x` is zero.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn has_zero_byte(x: u64) -> bool {
    x.wrapping_sub(0x0101_0101_0101_0101) & !x & 0x8080_8080_8080_8080 != 0
}

impl<'a> Reader<'a> {
    fn new(b: &'a [u8]) -> Self {
        // A UTF-8 byte order mark is dropped by TextDecoder too.
        let i = if b.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
        Reader { b, i }
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// The bytes from the cursor on. `get` rather than indexing, here and
    /// below: an index check's panic path would link `core::fmt`.
    #[inline(always)]
    fn rest(&self) -> &'a [u8] {
        self.b.get(self.i..).unwrap_or_default()
    }

    #[inline(always)]
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    /// Why a body whose first value starts here is not a JSON object.
    fn not_an_object(&self) -> ShapeError {
        self.not_an_object_or("a JSON object")
    }

    /// Why a body whose first value starts here is not `wanted`.
    #[cold]
    #[inline(never)]
    fn not_an_object_or(&self, wanted: &str) -> ShapeError {
        match self.peek() {
            None => "the body is empty".into(),
            Some(b'<') => text!("the body looks like HTML, not JSON (", self.excerpt(), ")"),
            Some(b) => text!(
                "the body is ",
                kind_name(b),
                ", not ",
                wanted,
                " (",
                self.excerpt(),
                ")"
            ),
        }
    }

    /// A few characters from the current position, for messages.
    #[cold]
    #[inline(never)]
    fn excerpt(&self) -> String {
        let end = (self.i + 40).min(self.b.len());
        let text = String::from_utf8_lossy(self.b.get(self.i..end).unwrap_or_default());
        let more = if end < self.b.len() { "..." } else { "" };
        text!("starts with ", quote(&text), more)
    }

    #[cold]
    #[inline(never)]
    fn early_end(&self) -> ShapeError {
        text!(
            "the JSON ends early after ",
            self.b.len(),
            " bytes (a truncated body?)"
        )
    }

    #[cold]
    #[inline(never)]
    fn unexpected(&self, wanted: &str) -> ShapeError {
        match self.peek() {
            None => self.early_end(),
            Some(b) => text!(
                "invalid JSON at byte ",
                self.i,
                ": expected ",
                wanted,
                ", found ",
                quote(char::from(b).encode_utf8(&mut [0; 4]))
            ),
        }
    }

    #[inline(always)]
    fn expect(&mut self, byte: u8, wanted: &str) -> Result<(), ShapeError> {
        if self.peek() == Some(byte) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.unexpected(wanted))
        }
    }

    /// Only white space may follow the top-level value.
    fn end(&mut self) -> Result<(), ShapeError> {
        self.ws();
        if self.i == self.b.len() {
            Ok(())
        } else {
            Err(text!(
                "there is more after the JSON value, at byte ",
                self.i
            ))
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), ShapeError> {
        let rest = self.rest();
        if rest.starts_with(word) {
            self.i += word.len();
            Ok(())
        } else if word.starts_with(rest) {
            Err(self.early_end())
        } else {
            Err(self.unexpected("a JSON value"))
        }
    }

    #[inline(always)]
    fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        self.i - start
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Result<(), ShapeError> {
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.unexpected("a digit")),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(self.unexpected("a digit after the decimal point"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(self.unexpected("a digit in the exponent"));
            }
        }
        Ok(())
    }

    /// A string token; the cursor is on its opening quote.
    fn string(&mut self) -> Result<Str<'a>, ShapeError> {
        self.expect(b'"', "a string")?;
        let start = self.i;
        let mut escaped = false;
        loop {
            self.skip_plain_string_bytes();
            match self.peek() {
                Some(b'"') => {
                    let raw = self.b.get(start..self.i).unwrap_or_default();
                    self.i += 1;
                    return Ok(Str { raw, escaped });
                }
                Some(b'\\') => {
                    escaped = true;
                    self.i += 1;
                    match self.peek() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 1,
                        Some(b'u') => {
                            let hex = self
                                .b
                                .get(self.i + 1..self.i + 5)
                                .ok_or_else(|| self.early_end())?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return Err(self.unexpected("four hex digits after \\u"));
                            }
                            self.i += 5;
                        }
                        _ => return Err(self.unexpected("an escape such as \\n or \\u0000")),
                    }
                }
                Some(_) => {
                    return Err(text!(
                        "invalid JSON at byte ",
                        self.i,
                        ": a control character inside a string"
                    ))
                }
                None => return Err(self.early_end()),
            }
        }
    }

    /// Moves past string bytes that need no attention: not `"`, not `\`,
    /// not a control character. Sixteen bytes at a time with wasm SIMD.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn skip_plain_string_bytes(&mut self) {
        use core::arch::wasm32::*;
        let (quote, backslash, space) = (u8x16_splat(b'"'), u8x16_splat(b'\\'), u8x16_splat(0x20));
        while let Some(chunk) = self.b.get(self.i..self.i + 16) {
            // SAFETY: `chunk` is 16 readable bytes; v128_load takes any alignment.
            let v = unsafe { v128_load(chunk.as_ptr() as *const v128) };
            let stop = v128_or(
                v128_or(u8x16_eq(v, quote), u8x16_eq(v, backslash)),
                u8x16_lt(v, space),
            );
            if v128_any_true(stop) {
                self.i += u8x16_bitmask(stop).trailing_zeros() as usize;
                return;
            }
            self.i += 16;
        }
        self.skip_plain_tail();
    }

    /// Moves past string bytes that need no attention: not `"`, not `\`,
    /// not a control character. Eight bytes at a time where it can.
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    #[inline(always)]
    fn skip_plain_string_bytes(&mut self) {
        const ONES: u64 = 0x0101_0101_0101_0101;
        while let Some(chunk) = self.b.get(self.i..self.i + 8) {
            let x = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
            let quote = has_zero_byte(x ^ (ONES * b'"' as u64));
            let backslash = has_zero_byte(x ^ (ONES * b'\\' as u64));
            let control = x.wrapping_sub(ONES * 0x20) & !x & 0x8080_8080_8080_8080 != 0;
            if quote || backslash || control {
                break;
            }
            self.i += 8;
        }
        self.skip_plain_tail();
    }

    /// Byte by byte, what [`Self::skip_plain_string_bytes`] does in bulk.
    #[inline(always)]
    fn skip_plain_tail(&mut self) {
        while let Some(&b) = self.b.get(self.i) {
            if b == b'"' || b == b'\\' || b < 0x20 {
                break;
            }
            self.i += 1;
        }
    }

    /// Whether a key token is `name` (escapes decoded, as JSON.parse does).
    fn key_is(&self, key: &Str<'_>, name: &str) -> bool {
        if key.escaped {
            key.decode() == name
        } else {
            key.raw == name.as_bytes()
        }
    }

    /// Reads `"key" :` and leaves the cursor at the value.
    fn key(&mut self) -> Result<Str<'a>, ShapeError> {
        self.ws();
        if self.peek() != Some(b'"') {
            return Err(self.unexpected("a quoted key"));
        }
        let key = self.string()?;
        self.ws();
        self.expect(b':', "':' after a key")?;
        self.ws();
        Ok(key)
    }

    /// Walks an object, calling `member` with the cursor on each value.
    fn object(
        &mut self,
        mut member: impl FnMut(&mut Self, Str<'a>) -> Result<(), ShapeError>,
    ) -> Result<(), ShapeError> {
        self.expect(b'{', "'{'")?;
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(());
        }
        loop {
            let key = self.key()?;
            member(self, key)?;
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(self.unexpected("',' or '}'")),
            }
        }
    }

    /// Walks an array, calling `element` with the cursor on each value.
    fn array(
        &mut self,
        mut element: impl FnMut(&mut Self) -> Result<(), ShapeError>,
    ) -> Result<(), ShapeError> {
        self.expect(b'[', "'['")?;
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(());
        }
        loop {
            self.ws();
            element(self)?;
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(self.unexpected("',' or ']'")),
            }
        }
    }

    /// Reads an item written as the API writes them: the five fields in
    /// order, each a string, nothing else (white space allowed). Each key is
    /// one byte comparison instead of a token to read and look up, which
    /// makes a large body's scan about twice as fast. `false`, with the
    /// cursor left anywhere, for any other item, valid or not: the general
    /// walk then reads it from the start, so results and errors are the same
    /// either way.
    #[inline(always)]
    fn canonical_item(&mut self) -> bool {
        let mut opening = b'{';
        for field in BACKLINK_FIELDS {
            if self.peek() != Some(opening) {
                return false;
            }
            opening = b',';
            self.i += 1;
            self.ws();
            let quoted = self
                .rest()
                .strip_prefix(b"\"")
                .and_then(|r| r.strip_prefix(field.as_bytes()))
                .and_then(|r| r.strip_prefix(b"\""));
            if quoted.is_none() {
                return false;
            }
            self.i += field.len() + 2;
            self.ws();
            if self.peek() != Some(b':') {
                return false;
            }
            self.i += 1;
            self.ws();
            if self.peek() != Some(b'"') || self.string().is_err() {
                return false;
            }
            self.ws();
        }
        if self.peek() != Some(b'}') {
            return false;
        }
        self.i += 1;
        true
    }

    /// The `data` array: objects whose documented fields are strings or null.
    fn data(&mut self) -> Result<BacklinksShape, ShapeError> {
        match self.peek() {
            Some(b'[') => {}
            Some(b) => return Err(text!("`data` is ", kind_name(b), ", not an array")),
            None => return Err(self.early_end()),
        }
        let mut shape = BacklinksShape::default();
        self.array(|r| {
            let item = shape.items;
            match r.peek() {
                Some(b'{') => {}
                Some(b) => {
                    return Err(text!(
                        "`data[",
                        item,
                        "]` is ",
                        kind_name(b),
                        ", not an object"
                    ))
                }
                None => return Err(r.early_end()),
            }
            let start = r.i;
            if r.canonical_item() {
                shape.items += 1;
                return Ok(());
            }
            r.i = start;
            // Per field, what its last occurrence was: a string (0),
            // missing or null (FILL), a number or boolean (FILL + AS_TEXT).
            const FILL: u8 = 1;
            let mut state = [FILL; 5];
            r.object(|r, key| {
                let slot = BACKLINK_FIELDS.iter().position(|f| r.key_is(&key, f));
                let (Some(f), Some(b)) = (slot, r.peek()) else {
                    return r.skip_value();
                };
                let now = match b {
                    b'"' => 0,
                    b'n' => FILL,
                    b'-' | b'0'..=b'9' | b't' | b'f' => FILL + AS_TEXT,
                    _ => return Err(not_text(item, f, b)),
                };
                r.skip_value()?;
                if let Some(slot) = state.get_mut(f) {
                    *slot = now;
                }
                Ok(())
            })?;
            for (f, now) in state.into_iter().enumerate() {
                if now != 0 {
                    shape.fill.push((item, f as u8 + (now - FILL)));
                }
            }
            shape.items += 1;
            Ok(())
        })?;
        Ok(shape)
    }

    /// Checks and skips any one JSON value, nesting walked without recursion.
    fn skip_value(&mut self) -> Result<(), ShapeError> {
        let mut open: Vec<u8> = Vec::new();
        loop {
            // A value starts here.
            self.ws();
            match self.peek() {
                Some(c @ (b'{' | b'[')) => {
                    self.i += 1;
                    self.ws();
                    let close = if c == b'{' { b'}' } else { b']' };
                    if self.peek() == Some(close) {
                        self.i += 1;
                    } else {
                        if open.len() >= MAX_DEPTH {
                            return Err(text!("the JSON nests deeper than ", MAX_DEPTH, " levels"));
                        }
                        open.push(c);
                        if c == b'{' {
                            self.key()?;
                        }
                        continue;
                    }
                }
                Some(b'"') => {
                    self.string()?;
                }
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(b't') => self.literal(b"true")?,
                Some(b'f') => self.literal(b"false")?,
                Some(b'n') => self.literal(b"null")?,
                _ => return Err(self.unexpected("a JSON value")),
            }
            // A value ended: close what it ends, or move to the next one.
            loop {
                let Some(&top) = open.last() else {
                    return Ok(());
                };
                self.ws();
                match (top, self.peek()) {
                    (_, Some(b',')) => {
                        self.i += 1;
                        if top == b'{' {
                            self.key()?;
                        }
                        break;
                    }
                    (b'{', Some(b'}')) | (b'[', Some(b']')) => {
                        self.i += 1;
                        open.pop();
                    }
                    _ => return Err(self.unexpected("',' or the end of the object or array")),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(body: &str) -> BacklinksShape {
        scan_backlinks(body.as_bytes()).unwrap_or_else(|e| panic!("{body}: {e}"))
    }
    fn err(body: &str) -> String {
        scan_backlinks(body.as_bytes()).expect_err(body)
    }
    const FULL: &str = r#"{"anchor_text":"a","domain_source":"b","domain_target":"c","url_source":"d","url_target":"e"}"#;

    #[test]
    fn items_as_the_api_writes_them_and_any_other_way() {
        let fields = |v: [&str; 5]| {
            format!(
                r#"{{"anchor_text":{},"domain_source":{},"domain_target":{},"url_source":{},"url_target":{}}}"#,
                v[0], v[1], v[2], v[3], v[4]
            )
        };
        let body = |item: &str| format!(r#"{{"data":[{item},{item}]}}"#);
        let canonical = fields(["\"a\"", "\"b\"", "\"c\"", "\"d\"", "\"e\\u00e9\""]);
        assert_eq!(
            ok(&body(&canonical)),
            BacklinksShape {
                items: 2,
                ..Default::default()
            }
        );
        let pretty = canonical
            .replace(':', " :\n ")
            .replace(',', " ,\n\t")
            .replace('{', "{ ");
        assert_eq!(
            ok(&body(&pretty)),
            BacklinksShape {
                items: 2,
                ..Default::default()
            }
        );
        // Not the API's form: the general walk decides, with the same results.
        let reordered = r#"{"url_target":"e","anchor_text":"a","domain_source":"b","domain_target":"c","url_source":"d"}"#;
        assert_eq!(ok(&body(reordered)).fill, vec![]);
        let with_null = fields(["\"a\"", "\"b\"", "\"c\"", "\"d\"", "null"]);
        assert_eq!(ok(&body(&with_null)).fill, vec![(0, 4), (1, 4)]);
        let extra = canonical.replace('}', r#","rank":1}"#);
        assert_eq!(
            ok(&body(&extra)),
            BacklinksShape {
                items: 2,
                ..Default::default()
            }
        );
        let escaped_key = canonical.replace("url_source", "url\\u005fsource");
        assert_eq!(ok(&body(&escaped_key)).fill, vec![]);
        let number = fields(["\"a\"", "\"b\"", "7", "\"d\"", "true"]);
        assert_eq!(
            ok(&body(&number)).fill,
            vec![
                (0, 2 + AS_TEXT),
                (0, 4 + AS_TEXT),
                (1, 2 + AS_TEXT),
                (1, 4 + AS_TEXT)
            ]
        );
        let object = fields(["\"a\"", "\"b\"", "{}", "\"d\"", "\"e\""]);
        assert_eq!(
            err(&body(&object)),
            "`data[0].domain_target` is an object, not text"
        );
        let control = fields(["\"a\"", "\"b\"", "\"c\"", "\"d\u{1}\"", "\"e\""]);
        let at = body(&control).find('\u{1}').unwrap();
        assert_eq!(
            err(&body(&control)),
            format!("invalid JSON at byte {at}: a control character inside a string")
        );
        let cut = &body(&canonical)[..40];
        assert!(err(cut).starts_with("the JSON ends early"), "{}", err(cut));
    }

    #[test]
    fn documented_shape() {
        let body = format!(r#"{{"data":[{FULL},{FULL}],"credits_consumed":2,"time_taken":0.98}}"#);
        let at = body.find(r#":2,"#).unwrap() as u32 + 1;
        assert_eq!(
            ok(&body),
            BacklinksShape {
                items: 2,
                fill: vec![],
                credits: Some((at, at + 1)),
            }
        );
        assert_eq!(ok(r#" {"data":[]} "#).items, 0);
        assert_eq!(ok("\u{FEFF}{\"data\":[]}").items, 0);
    }

    #[test]
    fn missing_and_null_fields_are_filled() {
        let s =
            ok(r#"{"data":[{"anchor_text":null,"url_target":"x"},{}],"credits_consumed":null}"#);
        assert_eq!(s.items, 2);
        assert_eq!(
            s.fill,
            vec![
                (0, 0),
                (0, 1),
                (0, 2),
                (0, 3),
                (1, 0),
                (1, 1),
                (1, 2),
                (1, 3),
                (1, 4)
            ]
        );
        // The last duplicate wins, as in JSON.parse.
        let s = ok(
            r#"{"data":[{"anchor_text":null,"anchor_text":"a","domain_source":"b","domain_source":null,"domain_target":"","url_source":"","url_target":""}]}"#,
        );
        assert_eq!(s.fill, vec![(0, 1)]);
    }

    #[test]
    fn unknown_fields_are_skipped_whatever_they_hold() {
        let body = format!(
            r#"{{"extra":{{"a":[1,-2.5e+3,true,false,null,{{}},[],"x\"\\\/\b\f\n\r\t\u00e9"]}},"data":[{FULL}],"z":[[[]]]}}"#
        );
        let body = body.replacen(
            r#""url_target":"e""#,
            r#""url_target":"e","rank":{"x":[1]}"#,
            1,
        );
        assert_eq!(
            ok(&body),
            BacklinksShape {
                items: 1,
                ..Default::default()
            }
        );
    }

    #[test]
    fn escaped_keys_match_as_json_parse_decodes_them() {
        let s = ok(
            r#"{"d\u0061ta":[{"anchor_text":"a","domain_source":"b","domain_target":"c","url_source":"d","url_t\u0061rget":"e"}]}"#,
        );
        assert_eq!(
            s,
            BacklinksShape {
                items: 1,
                ..Default::default()
            }
        );
    }

    #[test]
    fn paid_answers_are_read_leniently() {
        // data: null is no backlinks; the numbers may be anything.
        assert_eq!(ok(r#"{"data":null}"#), BacklinksShape::default());
        for tail in [
            r#""credits_consumed":"2","time_taken":"0.5""#,
            r#""credits_consumed":true,"time_taken":{"s":1}"#,
            r#""credits_consumed":1e999,"time_taken":-1e999"#,
            r#""credits_consumed":null,"time_taken":[]"#,
        ] {
            let body = format!(r#"{{"data":[{FULL}],{tail}}}"#);
            let shape = ok(&body);
            assert_eq!(shape.items, 1);
            let (a, b) = shape.credits.unwrap();
            let token = &body[a as usize..b as usize];
            assert!(
                tail.starts_with(&format!(r#""credits_consumed":{token},"#)),
                "{token}"
            );
        }
        assert_eq!(ok(r#"{"data":[]}"#).credits, None);
        // An empty list beside a message is still an answer.
        assert_eq!(ok(r#"{"data":[],"message":"none found"}"#).items, 0);
        // The last credits_consumed counts, as in JSON.parse.
        let body = r#"{"credits_consumed":1,"data":[],"credits_consumed": "3" }"#;
        let (a, b) = ok(body).credits.unwrap();
        assert_eq!(&body[a as usize..b as usize], r#""3""#);
    }

    #[test]
    fn balances() {
        for body in ["[95597755]", " [ 0 ] ", "[-5]", "[1.5e3]"] {
            assert_eq!(scan_balance(body.as_bytes()), Ok(()), "{body}");
        }
        for (body, says) in [
            ("", "empty"),
            ("<html>", "HTML"),
            ("95597755", "a number, not a one-element array"),
            (r#"{"credits":5}"#, "an object, not a one-element array"),
            ("[]", "not a one-element array"),
            ("[1,2]", "not a one-element array"),
            (
                r#"["5"]"#,
                "not a one-element array holding the balance as a number",
            ),
            ("[null]", "as a number"),
            ("[5", "starts with \"[5\""),
            ("[5] x", "not a one-element array"),
        ] {
            let e = scan_balance(body.as_bytes()).expect_err(body);
            assert!(e.contains(says), "{body:?}: {e}");
        }
    }

    #[test]
    fn wrong_shapes_say_where() {
        for (body, says) in [
            ("", "empty"),
            ("   ", "empty"),
            ("<!doctype html><html>", "HTML"),
            ("[1]", "an array, not a JSON object"),
            ("\"x\"", "a string, not"),
            ("{}", "no `data`"),
            (r#"{"data":{}}"#, "`data` is an object, not an array"),
            (r#"{"data":"x"}"#, "`data` is a string, not an array"),
            (r#"{"data":[1]}"#, "`data[0]` is a number, not an object"),
            (r#"{"data":[{},"x"]}"#, "`data[1]` is a string"),
            (
                r#"{"data":[{"url_source":["x"]}]}"#,
                "`data[0].url_source` is an array, not text",
            ),
            (
                r#"{"message":"402 Insufficient Credits","description":"d"}"#,
                r#"an error answer, not backlinks: it says "402 Insufficient Credits""#,
            ),
            (
                r#"{"data":null,"error":"quota"}"#,
                r#"an error answer, not backlinks: it says "quota""#,
            ),
            (
                r#"{"data":null,"message":7}"#,
                "an error answer, not backlinks",
            ),
        ] {
            let e = err(body);
            assert!(e.contains(says), "{body:?}: {e}");
        }
    }

    #[test]
    fn invalid_json_is_refused() {
        for body in [
            r#"{"data":[]"#,
            r#"{"data":[{"anchor_text":"abc"#,
            r#"{"data":[],}"#,
            r#"{"data":[{},]}"#,
            r#"{"data":[] "x":1}"#,
            r#"{data:[]}"#,
            r#"{"data":[]} x"#,
            r#"{"data":[],"n":01}"#,
            r#"{"data":[],"n":1.}"#,
            r#"{"data":[],"n":-}"#,
            r#"{"data":[],"n":1e}"#,
            r#"{"data":[],"n":+1}"#,
            r#"{"data":[],"n":tru}"#,
            r#"{"data":[],"n":nul"#,
            r#"{"data":[],"s":"\x"}"#,
            r#"{"data":[],"s":"\u12G4"}"#,
            "{\"data\":[],\"s\":\"a\nb\"}",
            "{\"data\":[],\"s\":\"tab\tinside\"}",
            r#"{"data":[],"a":[}"#,
            r#"{"data":[],"a":{"k"}}"#,
            r#"{"data":[],"a":{"k":1]}"#,
        ] {
            let e = err(body);
            assert!(
                e.contains("JSON") || e.contains("truncated"),
                "{body:?}: {e}"
            );
        }
    }

    #[test]
    fn deep_nesting_is_refused_without_overflow() {
        let deep = format!(
            r#"{{"data":[],"x":{}{}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert!(err(&deep).contains("deeper"));
        let fine = format!(
            r#"{{"data":[],"x":{}{}}}"#,
            "[".repeat(500),
            "]".repeat(500)
        );
        ok(&fine);
    }

    #[test]
    fn string_scanning_handles_every_alignment() {
        // Quotes, backslashes and control bytes at each offset of an 8-byte word.
        for pad in 0..17 {
            let p = "x".repeat(pad);
            ok(&format!(
                r#"{{"data":[],"s":"{p}\"{p}\\{p}\u0001{p}é{p}"}}"#
            ));
            let e = err(&format!("{{\"data\":[],\"s\":\"{p}\u{1}{p}\"}}"));
            assert!(e.contains("control"), "{e}");
        }
    }

    #[test]
    fn error_bodies() {
        let [m, d] = object_strings(
            br#"{"message":"402 Insufficient Credits","description":"You do not \"have\" \u00e9\ud83c\udf5b"}"#,
            ["message", "description"],
        )
        .unwrap();
        assert_eq!(m.as_deref(), Some("402 Insufficient Credits"));
        assert_eq!(d.as_deref(), Some("You do not \"have\" é🍛"));
        let [m, d] = object_strings(br#"{"message":5}"#, ["message", "description"]).unwrap();
        assert_eq!((m, d), (None, None));
        assert!(object_strings(b"<html>", ["message"]).is_none());
        assert!(object_strings(br#"{"message":"x""#, ["message"]).is_none());
        let [m] = object_strings(br#"{"message":"\ud800 lone"}"#, ["message"]).unwrap();
        assert_eq!(m.as_deref(), Some("\u{FFFD} lone"));
    }
}
