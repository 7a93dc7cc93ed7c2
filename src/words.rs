//! Small text helpers for messages, built without `core::fmt`.
//!
//! Messages are joined with `text!` from [`Piece`]s instead of
//! `format!`: the formatting machinery (`Formatter`, padding, `Display` for
//! each integer type, Unicode tables for `{:?}`, float printing) would be
//! linked into the .wasm for a handful of integers and quoted strings.

use crate::prelude::*;

/// Joins [`Piece`]s into a new `String`: `text!("got ", n, " items")`.
macro_rules! text {
    ($($piece:expr),+ $(,)?) => {{
        let mut out = $crate::words::Text::new();
        $( $crate::words::Piece::push_to(&$piece, &mut out); )+
        out.0
    }};
}

/// The `String` that `text!` appends to.
pub struct Text(pub String);

impl Text {
    /// An empty message.
    pub fn new() -> Self {
        Text(String::new())
    }

    /// Appends `s`. Not inlined: every piece of every message is one call.
    #[inline(never)]
    pub fn push(&mut self, s: &str) {
        self.0.push_str(s);
    }
}

impl Default for Text {
    fn default() -> Self {
        Self::new()
    }
}

/// Something a message can hold: text, or a number written in decimal.
pub trait Piece {
    /// Appends `self` to `out`.
    fn push_to(&self, out: &mut Text);
}

impl Piece for str {
    fn push_to(&self, out: &mut Text) {
        out.push(self);
    }
}

impl Piece for String {
    fn push_to(&self, out: &mut Text) {
        out.push(self);
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    fn push_to(&self, out: &mut Text) {
        (**self).push_to(out);
    }
}

impl Piece for u64 {
    fn push_to(&self, out: &mut Text) {
        push_decimal(*self, out);
    }
}

impl Piece for u32 {
    fn push_to(&self, out: &mut Text) {
        push_decimal(u64::from(*self), out);
    }
}

impl Piece for u16 {
    fn push_to(&self, out: &mut Text) {
        push_decimal(u64::from(*self), out);
    }
}

impl Piece for usize {
    fn push_to(&self, out: &mut Text) {
        push_decimal(*self as u64, out);
    }
}

/// Appends `n` in decimal.
fn push_decimal(n: u64, out: &mut Text) {
    push_digits(n, 10, 1, &mut out.0);
}

/// Appends `n` in base `radix` (2 to 16, lower-case digits), with zeros in
/// front up to `width` digits.
#[inline(never)]
fn push_digits(mut n: u64, radix: u64, width: usize, out: &mut String) {
    let mut digits = [b'0'; 64];
    let mut len = 0;
    for slot in digits.iter_mut().rev() {
        // `get`, not indexing: an index check would link `core::fmt`.
        *slot = *b"0123456789abcdef"
            .get((n % radix) as usize)
            .unwrap_or(&b'?');
        len += 1;
        n /= radix;
        if n == 0 {
            break;
        }
    }
    let len = len.max(width).min(digits.len());
    for &d in digits.iter().skip(digits.len() - len) {
        out.push(char::from(d));
    }
}

/// `s` without the copies of `c` it ends with. `str::trim_end_matches`
/// would link a char searcher.
pub fn trim_end_char(mut s: &str, c: char) -> &str {
    while let Some(shorter) = s.strip_suffix(c) {
        s = shorter;
    }
    s
}

/// Whether `needle` occurs in `haystack`, byte for byte. `str::contains`
/// would do, but its searchers and their panic messages cost kilobytes of
/// .wasm.
pub fn contains_bytes(haystack: &str, needle: &str) -> bool {
    needle.is_empty()
        || haystack
            .as_bytes()
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
}

/// `s` in double quotes, with `"`, `\` and control characters escaped.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                out.push_str("\\u{");
                push_digits(u64::from(c), 16, 1, &mut out);
                out.push('}');
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A number as JS would print it for the common cases: integers exactly,
/// other values with up to six decimals; from 1e15 on, its order of
/// magnitude (`~1e21`).
pub fn number(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let sign = if n < 0.0 { "-" } else { "" };
    let a = n.abs();
    if a >= 1e15 {
        // `power` drifts by at most 300 roundings (under 1e-13 relative); the
        // slack keeps exact powers such as 1e300 on the right side.
        let mut exponent = 15u32;
        let mut power = 1e16;
        while a >= power * (1.0 - 1e-13) {
            exponent += 1;
            power *= 10.0;
        }
        return text!("~", sign, "1e", exponent);
    }
    // Whole part and micro-units apart: a * 1e6 loses precision past 2^53.
    // `as` truncates; both values are non-negative and below 2^53, so exact.
    let mut whole = a as u64;
    let mut frac = ((a - whole as f64) * 1e6 + 0.5) as u64;
    if frac == 1_000_000 {
        whole += 1;
        frac = 0;
    }
    if frac == 0 {
        return text!(sign, whole);
    }
    let mut digits = String::new();
    push_digits(frac, 10, 6, &mut digits);
    text!(sign, whole, ".", trim_end_char(&digits, '0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_bytes() {
        assert!(contains_bytes("402 insufficient credits", "credit"));
        assert!(contains_bytes("a\u{FFFD}b", "\u{FFFD}"));
        assert!(!contains_bytes("gol", "gold"));
        assert!(contains_bytes("", ""));
        assert!(!contains_bytes("", "x"));
    }

    #[test]
    fn quotes() {
        assert_eq!(quote("a\"b\\c\nd\u{1}é"), "\"a\\\"b\\\\c\\nd\\u{1}é\"");
        assert_eq!(quote(""), "\"\"");
        assert_eq!(
            quote("\u{7f}\u{85}\u{9f}\u{a0}\t\u{1b}é"),
            "\"\\u{7f}\\u{85}\\u{9f}\u{a0}\\t\\u{1b}é\""
        );
    }

    #[test]
    fn numbers() {
        for (n, s) in [
            (5.0, "5"),
            (-2.0, "-2"),
            (2.5, "2.5"),
            (0.1, "0.1"),
            (-0.000_001, "-0.000001"),
            (10_001.0, "10001"),
            (686_887_743_361.0, "686887743361"),
            (99_999_999_999_999.0, "99999999999999"),
            (1.999_999_9, "2"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
        ] {
            assert_eq!(number(n), s);
        }
        assert_eq!(number(1e300), "~1e300");
        assert_eq!(number(-1e21), "~-1e21");
        assert_eq!(number(1e15), "~1e15");
    }
}
