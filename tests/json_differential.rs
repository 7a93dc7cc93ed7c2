//! Differential test of `src/json.rs` (issue 20): [`scan_backlinks`] against
//! serde_json, a complete RFC 8259 parser, on generated bodies and on bodies
//! mutated byte by byte.
//!
//! The reference is what the host does with a body: `JSON.parse` of the text
//! the runtime decoded (a UTF-8 byte order mark dropped, bytes that are not
//! UTF-8 replaced by U+FFFD), then the shape a paid answer must have checked
//! on the value, as leniently as the package reads it (issue 18): `data` an
//! array of objects whose five fields are strings, null or missing (filled
//! with `""`), or numbers or booleans (read as their text); or `data: null`
//! (no backlinks) unless the body also has a `message` or `error` (an error
//! answer); `credits_consumed` and `time_taken` anything.
//! serde_json stands in for `JSON.parse`; where the two differ, the body is
//! first rewritten, without changing its grammar, into one where they agree
//! (see [`as_json_parse_reads_it`]).
//!
//! The disagreements that remain, and why each is right (every case that
//! disagrees must be one of them, or the test fails):
//!
//! 1. **Duplicate keys** (`{"a":1,"a":"x"}`): `JSON.parse` keeps the last
//!    value; the scanner does too (the last occurrence decides whether a
//!    field is filled), but it checks every occurrence, so a body whose
//!    earlier occurrence has the wrong type is refused where `JSON.parse`
//!    would take the later one. Refusing an answer that contradicts itself is
//!    the safe side. Allowed: the scanner refuses, the reference accepts, and
//!    the body has a duplicate key; when both accept, they must agree.
//! 2. **Nesting deeper than [`MAX_DEPTH`]** (512) inside unknown fields: the
//!    scanner refuses it (so no body can exhaust memory or the stack);
//!    `JSON.parse` takes it. serde_json stops at 128 levels. Generated and
//!    mutated bodies stay far below both (checked: any such case fails the
//!    test); the unit test below pins the behaviour.
//!
//! Made equal before comparing, so not disagreements:
//! - a lone surrogate escape (`"\ud800"`): `JSON.parse` reads it (a string
//!   with a lone UTF-16 unit), serde_json refuses it (a Rust string cannot
//!   hold one), the scanner reads it (decoding it to U+FFFD). Rewritten as
//!   `\uFFFD`: the same grammar, and no field name contains either;
//! - a number too large for a double (`1e400`): `JSON.parse` reads Infinity,
//!   serde_json refuses it, the scanner checks only the grammar. Rewritten
//!   as `0`;
//! - a byte order mark and bytes that are not UTF-8: decoded first, as the
//!   runtime's `TextDecoder` does (Rust's lossy decoding replaces the same
//!   maximal subparts with U+FFFD as the WHATWG decoder).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use keywords_everywhere_backlinks::json::{
    scan_backlinks, BacklinksShape, AS_TEXT, BACKLINK_FIELDS, MAX_DEPTH,
};
use proptest::prelude::*;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value as Json};
use std::collections::HashSet;
use std::fmt;

use common::config;

// ---------------------------------------------------------------------------
// The reference
// ---------------------------------------------------------------------------

/// The text `JSON.parse` gets for `body`, rewritten where serde_json and
/// `JSON.parse` differ into text both read alike (see the module docs). The
/// rewrites swap a token for one of the same grammar, so they never turn
/// invalid JSON into valid JSON or back, wherever they fall: a surrogate
/// escape's four hex digits for four others, a number for a number.
fn as_json_parse_reads_it(body: &[u8]) -> String {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let text = String::from_utf8_lossy(body);
    let chars: Vec<char> = text.chars().collect();
    let hex4 = |at: usize| -> Option<u32> {
        let s: String = chars.get(at..at + 4)?.iter().collect();
        if s.chars().all(|c| c.is_ascii_hexdigit()) {
            u32::from_str_radix(&s, 16).ok()
        } else {
            None
        }
    };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && chars.get(i + 1) == Some(&'u') {
            if let Some(hi) = hex4(i + 2) {
                let lo = (chars.get(i + 6..i + 8) == Some(&['\\', 'u'][..]))
                    .then(|| hex4(i + 8))
                    .flatten();
                match (hi, lo) {
                    (0xD800..=0xDBFF, Some(lo @ 0xDC00..=0xDFFF)) => {
                        out.extend(&chars[i..i + 12]);
                        let _ = lo;
                        i += 12;
                    }
                    (0xD800..=0xDFFF, _) => {
                        out.push_str("\\uFFFD");
                        i += 6;
                    }
                    _ => {
                        out.extend(&chars[i..i + 6]);
                        i += 6;
                    }
                }
                continue;
            }
        }
        if c == '\\' {
            // An escape (or a stray backslash): its next character with it,
            // so that `\\u...` is not read as an escape.
            out.push(c);
            if let Some(&next) = chars.get(i + 1) {
                out.push(next);
            }
            i += 2;
            continue;
        }
        if c == '-' || c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && matches!(chars[i], '-' | '+' | '.' | 'e' | 'E' | '0'..='9') {
                i += 1;
            }
            let token: String = chars[start..i].iter().collect();
            let overflows = is_json_number(&token)
                && token.parse::<f64>().map(f64::is_infinite).unwrap_or(false);
            out.push_str(if overflows { "0" } else { &token });
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, the whole token.
fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Whether any object in a JSON text repeats a key (as decoded).
struct HasDuplicateKey(bool);

impl<'de> Deserialize<'de> for HasDuplicateKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = HasDuplicateKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(HasDuplicateKey(false))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(HasDuplicateKey(false))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(HasDuplicateKey(false))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(HasDuplicateKey(false))
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(HasDuplicateKey(false))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(HasDuplicateKey(false))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut dup = false;
                while let Some(HasDuplicateKey(d)) = seq.next_element()? {
                    dup |= d;
                }
                Ok(HasDuplicateKey(dup))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut keys = HashSet::new();
                let mut dup = false;
                while let Some(key) = map.next_key::<String>()? {
                    dup |= !keys.insert(key);
                    let HasDuplicateKey(d) = map.next_value()?;
                    dup |= d;
                }
                Ok(HasDuplicateKey(dup))
            }
        }
        d.deserialize_any(V)
    }
}

/// What the reference makes of a body: the shape, or why it has none.
#[derive(Debug, PartialEq)]
enum Reference {
    /// Valid JSON of the documented shape; `duplicates` when a key repeats.
    Shape(BacklinksShape, bool),
    /// Valid JSON, not the documented shape; `duplicates` as above.
    WrongShape(bool),
    /// Not JSON.
    NotJson,
    /// Nested deeper than serde_json goes (128): no verdict.
    TooDeep,
}

/// The documented shape of a parsed value, as the package's checks define
/// it on `JSON.parse`'s result.
fn shape_of(value: &Json) -> Option<BacklinksShape> {
    let top = value.as_object()?;
    let data = match top.get("data")? {
        Json::Null if top.contains_key("message") || top.contains_key("error") => return None,
        Json::Null => return Some(BacklinksShape::default()),
        data => data.as_array()?,
    };
    let mut shape = BacklinksShape::default();
    for (i, item) in data.iter().enumerate() {
        let item = item.as_object()?;
        for (f, name) in BACKLINK_FIELDS.iter().enumerate() {
            match item.get(*name) {
                Some(Json::String(_)) => {}
                None | Some(Json::Null) => shape.fill.push((i as u32, f as u8)),
                Some(Json::Number(_) | Json::Bool(_)) => {
                    shape.fill.push((i as u32, f as u8 + AS_TEXT))
                }
                Some(_) => return None,
            }
        }
        shape.items += 1;
    }
    Some(shape)
}

fn reference(body: &[u8]) -> Reference {
    let text = as_json_parse_reads_it(body);
    match serde_json::from_str::<Json>(&text) {
        Ok(value) => {
            let dup = serde_json::from_str::<HasDuplicateKey>(&text)
                .map(|d| d.0)
                .unwrap_or(false);
            match shape_of(&value) {
                Some(shape) => Reference::Shape(shape, dup),
                None => Reference::WrongShape(dup),
            }
        }
        Err(e) if e.to_string().starts_with("recursion limit exceeded") => Reference::TooDeep,
        Err(_) => Reference::NotJson,
    }
}

/// Compares the scanner with the reference on `body`; `Err` says how they
/// disagree beyond the explained disagreements.
fn agree(body: &[u8]) -> Result<(), String> {
    let got = scan_backlinks(body);
    let show = || String::from_utf8_lossy(body).into_owned();
    match (reference(body), got) {
        // Where `credits_consumed` sits is checked by the unit tests.
        (Reference::Shape(want, _), Ok(shape))
            if (shape.items, &shape.fill) == (want.items, &want.fill) =>
        {
            Ok(())
        }
        (Reference::Shape(want, _), Ok(shape)) => Err(format!(
            "shapes differ on {:?}: scanner {shape:?}, reference {want:?}",
            show()
        )),
        // Disagreement 1: stricter on duplicate keys.
        (Reference::Shape(_, true), Err(_)) => Ok(()),
        (Reference::Shape(want, false), Err(e)) => Err(format!(
            "the scanner refused {:?} ({e}); the reference reads {want:?}",
            show()
        )),
        (Reference::WrongShape(_) | Reference::NotJson, Err(_)) => Ok(()),
        (r @ (Reference::WrongShape(_) | Reference::NotJson), Ok(shape)) => Err(format!(
            "the scanner accepted {:?} as {shape:?}; the reference: {r:?}",
            show()
        )),
        // Disagreement 2 is out of the generators' reach: a verdict is owed.
        (Reference::TooDeep, got) => Err(format!(
            "a generated body nests past 128 levels; scanner: {got:?}"
        )),
    }
}

// ---------------------------------------------------------------------------
// Generated bodies
// ---------------------------------------------------------------------------

/// Short text, with what JSON must escape and what it may.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::char::range('a', 'z'),
            1 => Just('"'),
            1 => Just('\\'),
            1 => Just('/'),
            1 => prop::char::range('\u{0}', '\u{1f}'),
            1 => any::<char>(),
        ],
        0..10,
    )
    .prop_map(String::from_iter)
}

/// A field name: mostly the documented ones, sometimes another.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(&BACKLINK_FIELDS[..]).prop_map(String::from),
        1 => prop::sample::select(&["data", "credits_consumed", "time_taken"][..]).prop_map(String::from),
        1 => text(),
    ]
}

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Json> {
    common::json_tree(text, key)
}

/// A field's value: mostly a string or null, sometimes anything.
fn field_value() -> impl Strategy<Value = Json> {
    prop_oneof![
        6 => text().prop_map(Json::String),
        2 => Just(Json::Null),
        1 => any_json(),
    ]
}

/// An item: the documented fields (some left out), maybe others.
fn item() -> impl Strategy<Value = Json> {
    prop_oneof![
        12 => (
            prop::collection::vec((any::<bool>(), field_value()), 5),
            prop::collection::vec((text(), any_json()), 0..2),
        )
            .prop_map(|(fields, extra)| {
                let mut m = Map::new();
                for ((keep, v), name) in fields.into_iter().zip(BACKLINK_FIELDS) {
                    if keep {
                        m.insert(name.into(), v);
                    }
                }
                for (k, v) in extra {
                    m.entry(k).or_insert(v);
                }
                Json::Object(m)
            }),
        1 => any_json(),
    ]
}

/// A number, null or (rarely) anything, for `credits_consumed` / `time_taken`.
fn counter() -> impl Strategy<Value = Option<Json>> {
    prop_oneof![
        4 => (0u32..100_000).prop_map(|n| Some(Json::from(n))),
        1 => Just(None),
        1 => Just(Some(Json::Null)),
        1 => any_json().prop_map(Some),
    ]
}

/// A whole answer, mostly of the documented shape.
fn body_value() -> impl Strategy<Value = Json> {
    let answer = (
        prop_oneof![
            8 => prop::collection::vec(item(), 0..6).prop_map(Json::Array).prop_map(Some),
            1 => Just(None),
            1 => any_json().prop_map(Some),
        ],
        counter(),
        counter(),
        prop::collection::vec((text(), any_json()), 0..2),
    )
        .prop_map(|(data, credits, time, extra)| {
            let mut m = Map::new();
            for (k, v) in extra {
                m.insert(k, v);
            }
            for (name, v) in [
                ("data", data),
                ("credits_consumed", credits),
                ("time_taken", time),
            ] {
                if let Some(v) = v {
                    m.insert(name.into(), v);
                }
            }
            Json::Object(m)
        });
    prop_oneof![12 => answer, 1 => any_json()]
}

/// How a value is written: compact or pretty; keys' letters maybe escaped
/// as `\u00XX` (the same keys to `JSON.parse`).
#[derive(Debug, Clone, Copy)]
struct Style {
    pretty: bool,
    escape_keys: bool,
}

fn write(value: &Json, style: Style) -> String {
    fn key(k: &str, escape: bool) -> String {
        let plain = serde_json::to_string(k).unwrap();
        if !escape {
            return plain;
        }
        let mut out = String::new();
        for c in plain.chars() {
            if c.is_ascii_alphabetic() || c == '_' {
                out.push_str(&format!("\\u{:04x}", c as u32));
            } else {
                out.push(c);
            }
        }
        out
    }
    fn go(v: &Json, s: Style, depth: usize, out: &mut String) {
        let nl = |out: &mut String, d: usize| {
            if s.pretty {
                out.push('\n');
                out.push_str(&"  ".repeat(d));
            }
        };
        match v {
            Json::Array(a) if !a.is_empty() => {
                out.push('[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    nl(out, depth + 1);
                    go(x, s, depth + 1, out);
                }
                nl(out, depth);
                out.push(']');
            }
            Json::Object(m) if !m.is_empty() => {
                out.push('{');
                for (i, (k, x)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    nl(out, depth + 1);
                    out.push_str(&key(k, s.escape_keys));
                    out.push_str(if s.pretty { ": " } else { ":" });
                    go(x, s, depth + 1, out);
                }
                nl(out, depth);
                out.push('}');
            }
            other => out.push_str(&serde_json::to_string(other).unwrap()),
        }
    }
    let mut out = String::new();
    go(value, style, 0, &mut out);
    out
}

fn style() -> impl Strategy<Value = Style> {
    (any::<bool>(), prop::bool::weighted(0.2)).prop_map(|(pretty, escape_keys)| Style {
        pretty,
        escape_keys,
    })
}

// ---------------------------------------------------------------------------
// Mutations
// ---------------------------------------------------------------------------

/// One change to a body's bytes.
#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Insert(usize, Vec<u8>),
    Replace(usize, u8),
    Truncate(usize),
    /// Copies `len` bytes from `from` to `to` (repeats a member, a key...).
    Copy {
        from: usize,
        len: usize,
        to: usize,
    },
    /// Inserts bytes just before or after one of the body's digits, where
    /// the number grammar's edges are (`01`, `1.`, `-`, `1e`).
    AtDigit(usize, bool, Vec<u8>),
}

/// What an insertion or replacement brings: JSON's own bytes, the tokens
/// serde_json and `JSON.parse` read differently, and bytes that are not UTF-8.
fn snippet() -> impl Strategy<Value = Vec<u8>> {
    const TOKENS: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        "\"",
        ":",
        ",",
        " ",
        "\n",
        "\\",
        "null",
        "true",
        "0",
        "-",
        "1e400",
        "-1e999",
        "1.5e-400",
        "\\ud800",
        "\\udc00",
        "\\ud83d\\ude00",
        "\\u0061",
        "\"data\":",
        "\"anchor_text\":",
        "\"url_target\":1,",
        "\u{FEFF}",
        "\u{7}",
    ];
    prop_oneof![
        4 => prop::sample::select(TOKENS).prop_map(|t| t.as_bytes().to_vec()),
        1 => prop::sample::select(&[0x80u8, 0xC3, 0xE2, 0xF0, 0xFF][..]).prop_map(|b| vec![b]),
        1 => any::<u8>().prop_map(|b| vec![b]),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<prop::sample::Index>();
    prop_oneof![
        3 => at.clone().prop_map(|i| Mutation::Delete(i.index(usize::MAX))),
        4 => (at.clone(), snippet()).prop_map(|(i, s)| Mutation::Insert(i.index(usize::MAX), s)),
        2 => (at.clone(), any::<u8>()).prop_map(|(i, b)| Mutation::Replace(i.index(usize::MAX), b)),
        1 => at.clone().prop_map(|i| Mutation::Truncate(i.index(usize::MAX))),
        3 => (at.clone(), any::<bool>(), prop::sample::select(&["0", "1", "-", "+", ".", "e", "E", "e+", ".5", " ", ",", "\"", "x"][..]))
            .prop_map(|(i, after, s)| Mutation::AtDigit(i.index(usize::MAX), after, s.as_bytes().to_vec())),
        2 => (at.clone(), 1usize..40, at).prop_map(|(f, len, t)| Mutation::Copy {
            from: f.index(usize::MAX),
            len,
            to: t.index(usize::MAX),
        }),
    ]
}

fn apply(body: &mut Vec<u8>, m: &Mutation) {
    let n = body.len();
    let pos = |i: usize, limit: usize| if limit == 0 { 0 } else { i % limit };
    match m {
        Mutation::Delete(i) if n > 0 => {
            body.remove(pos(*i, n));
        }
        Mutation::Insert(i, s) => {
            let at = pos(*i, n + 1);
            body.splice(at..at, s.iter().copied());
        }
        Mutation::Replace(i, b) if n > 0 => body[pos(*i, n)] = *b,
        Mutation::Truncate(i) => body.truncate(pos(*i, n + 1)),
        Mutation::Copy { from, len, to } if n > 0 => {
            let start = pos(*from, n);
            let span: Vec<u8> = body[start..(start + len).min(n)].to_vec();
            let at = pos(*to, n + 1);
            body.splice(at..at, span);
        }
        Mutation::AtDigit(i, after, s) => {
            let digits: Vec<usize> = (0..n).filter(|&j| body[j].is_ascii_digit()).collect();
            if !digits.is_empty() {
                let at = digits[pos(*i, digits.len())] + usize::from(*after);
                body.splice(at..at, s.iter().copied());
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(1500))]

    /// Bodies written from a value, as any JSON writer might: the scanner
    /// and the reference agree exactly (no duplicate keys here).
    #[test]
    fn generated_bodies(value in body_value(), style in style()) {
        let body = write(&value, style);
        prop_assert!(!matches!(reference(body.as_bytes()), Reference::NotJson), "the writer wrote invalid JSON: {body}");
        if let Err(e) = agree(body.as_bytes()) {
            return Err(TestCaseError::fail(e));
        }
    }

    /// The same bodies after one to four byte-level mutations: valid or
    /// not, the scanner agrees with the reference but where explained.
    #[test]
    fn mutated_bodies(
        value in body_value(),
        style in style(),
        mutations in prop::collection::vec(mutation(), 1..5),
    ) {
        let mut body = write(&value, style).into_bytes();
        for m in &mutations {
            apply(&mut body, m);
        }
        if let Err(e) = agree(&body) {
            return Err(TestCaseError::fail(format!("{e}\nafter {mutations:?}")));
        }
    }
}

// ---------------------------------------------------------------------------
// The explained disagreements, pinned
// ---------------------------------------------------------------------------

const ITEM: &str = r#"{"anchor_text":"a","domain_source":"b","domain_target":"c","url_source":"d","url_target":"e"}"#;

#[test]
fn duplicate_keys_the_last_decides_but_every_one_is_checked() {
    // A later null fills, as JSON.parse keeps the null; a later string does not.
    let dup_null = format!(
        r#"{{"data":[{}]}}"#,
        ITEM.replace(
            r#""url_target":"e""#,
            r#""url_target":"e","url_target":null"#
        )
    );
    assert_eq!(
        reference(dup_null.as_bytes()),
        Reference::Shape(scan_backlinks(dup_null.as_bytes()).unwrap(), true)
    );
    assert_eq!(
        scan_backlinks(dup_null.as_bytes()).unwrap().fill,
        vec![(0, 4)]
    );
    // An earlier object: JSON.parse keeps the later string, the scanner refuses.
    let dup_object = format!(
        r#"{{"data":[{}]}}"#,
        ITEM.replace(r#""url_target":"e""#, r#""url_target":{},"url_target":"e""#)
    );
    assert!(matches!(
        reference(dup_object.as_bytes()),
        Reference::Shape(_, true)
    ));
    let e = scan_backlinks(dup_object.as_bytes()).unwrap_err();
    assert!(e.contains("`data[0].url_target` is an object"), "{e}");
    assert!(agree(dup_object.as_bytes()).is_ok());
    // Two `data` arrays: the last is the one described.
    let two = format!(r#"{{"data":[],"data":[{ITEM},{ITEM}]}}"#);
    assert_eq!(scan_backlinks(two.as_bytes()).unwrap().items, 2);
    assert!(agree(two.as_bytes()).is_ok());
}

#[test]
fn nesting_past_max_depth_is_refused_where_json_parse_takes_it() {
    let deep = |levels: usize| {
        format!(
            r#"{{"x":{}1{},"data":[]}}"#,
            "[".repeat(levels),
            "]".repeat(levels)
        )
    };
    assert!(scan_backlinks(deep(MAX_DEPTH).as_bytes()).is_ok());
    let e = scan_backlinks(deep(MAX_DEPTH + 1).as_bytes()).unwrap_err();
    assert!(e.contains("nests deeper than 512"), "{e}");
    // serde_json gives no verdict past 128 levels.
    assert_eq!(reference(deep(200).as_bytes()), Reference::TooDeep);
}

#[test]
fn what_serde_json_reads_unlike_json_parse_is_rewritten_first() {
    // Each body as serde_json alone reads it (refused), and as the
    // reference reads it (JSON.parse's verdict), beside the scanner's.
    let cases = [
        (
            r#"{"data":[],"credits_consumed":1e400}"#,
            "number out of range",
        ),
        (
            r#"{"data":[],"credits_consumed":-1E999}"#,
            "number out of range",
        ),
        (
            r#"{"data":[],"x":"\ud800"}"#,
            "unexpected end of hex escape",
        ),
        (r#"{"data":[],"x":"\udc00\ud800x"}"#, "surrogate"),
        ("\u{FEFF}{\"data\":[]}", "expected value"),
    ];
    for (body, serde_says) in cases {
        let alone = serde_json::from_str::<Json>(body).unwrap_err().to_string();
        assert!(alone.contains(serde_says), "{body}: {alone}");
        assert_eq!(
            reference(body.as_bytes()),
            Reference::Shape(BacklinksShape::default(), false),
            "{body}"
        );
        assert!(agree(body.as_bytes()).is_ok(), "{body}");
    }
    // A pair stays a pair; an escaped backslash before `u` is no escape.
    assert_eq!(
        as_json_parse_reads_it(br#""\ud83d\ude00""#),
        r#""\ud83d\ude00""#
    );
    assert_eq!(as_json_parse_reads_it(br#""\\ud800""#), r#""\\ud800""#);
    // Bytes that are not UTF-8, in a string: U+FFFD, as TextDecoder gives.
    let body = b"{\"data\":[],\"x\":\"\xFF\xC3\"}";
    assert_eq!(
        as_json_parse_reads_it(body),
        "{\"data\":[],\"x\":\"\u{FFFD}\u{FFFD}\"}"
    );
    assert!(agree(body).is_ok());
}

#[test]
fn the_comparison_can_fail() {
    // A scanner that accepted a body JSON.parse refuses would be caught...
    assert!(matches!(reference(br#"{"data":[],}"#), Reference::NotJson));
    // ...and one that refused a valid body of the shape, or read it wrong.
    let body = format!(r#"{{"data":[{ITEM}]}}"#);
    assert_eq!(
        reference(body.as_bytes()),
        Reference::Shape(
            BacklinksShape {
                items: 1,
                ..Default::default()
            },
            false
        )
    );
    assert_ne!(
        reference(body.as_bytes()),
        Reference::Shape(
            BacklinksShape {
                items: 2,
                ..Default::default()
            },
            false
        )
    );
}
