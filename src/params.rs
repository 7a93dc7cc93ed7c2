//! What callers pass, checked into types that can only hold valid values.
//!
//! The JS layer reads each option into a [`Value`] (no JS types here) and
//! hands the named [`Fields`] to [`ClientConfig::from_fields`] or
//! [`Query::from_fields`]. Unknown names and wrong types are reported, never
//! dropped; every failure is an [`Error::InvalidArgument`] naming the field.

use crate::endpoint::{Endpoint, Target};
use crate::error::Error;
use crate::prelude::*;
use crate::url::{check_host_name, likely_host, parse_http_url, HostProblem};
use crate::words::{number, quote, trim_end_char, Text};
use alloc::borrow::Cow;
use core::fmt;

/// The API's own address, used when `baseUrl` is left out.
pub const DEFAULT_BASE_URL: &str = "https://api.keywordseverywhere.com";
/// The real API's host: without a key, calls to it can only fail.
const API_HOST: &str = "api.keywordseverywhere.com";
/// Default `timeoutMs`.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;
/// Largest `timeoutMs`: ten minutes.
pub const MAX_TIMEOUT_MS: u32 = 600_000;
/// Default `maxRetries`.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Largest `maxRetries`.
pub const MAX_RETRIES: u32 = 10;
/// Largest `num` the API takes.
pub const MAX_NUM: u32 = 10_000;

/// A JS value as far as validation needs to know it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `undefined`, or a field that is not there.
    Undefined,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number (any, including NaN and infinities).
    Number(f64),
    /// A string that is valid UTF-16.
    String(String),
    /// A string holding unpaired surrogates: it cannot be sent as it is.
    BrokenString,
    /// An `AbortSignal`, and whether it has aborted already.
    Signal {
        /// `signal.aborted` when it was read.
        aborted: bool,
    },
    /// Anything else, by its `typeof` (or `"array"`).
    Other(&'static str),
}

impl Value {
    /// How the value is named in an error message.
    fn describe(&self) -> String {
        match self {
            Value::Undefined => "undefined".into(),
            Value::Null => "null".into(),
            Value::Bool(b) => if *b {
                "the boolean true"
            } else {
                "the boolean false"
            }
            .into(),
            Value::Number(n) => text!("the number ", number(*n)),
            Value::String(s) if char_count(s) <= 40 => text!("the string ", quote(s)),
            Value::String(_) => "a string".into(),
            Value::BrokenString => "a string with unpaired UTF-16 surrogates".into(),
            Value::Signal { .. } => "an AbortSignal".into(),
            Value::Other(kind) => text!("a value of type ", kind),
        }
    }
}

/// A field's name: borrowed for the names the JS layer knows in advance
/// (a lookup's `page` and `num`), owned for any other.
pub type Name = Cow<'static, str>;

/// The named fields of an options object, as read from JS.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields {
    entries: Vec<(Name, Value)>,
}

impl Fields {
    /// Fields from `(name, value)` pairs.
    pub fn new(entries: Vec<(Name, Value)>) -> Self {
        Fields { entries }
    }

    /// Fields from borrowed pairs, for the unit tests.
    #[cfg(test)]
    pub(crate) fn of(entries: &[(&str, Value)]) -> Self {
        let entries = entries
            .iter()
            .map(|(k, v)| (k.to_string().into(), v.clone()));
        Fields::new(entries.collect())
    }

    /// The value of `name`, or [`Value::Undefined`] when absent.
    pub(crate) fn get(&self, name: &str) -> &Value {
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map_or(&Value::Undefined, |(_, v)| v)
    }

    /// The value of `name`, moved out (as [`Fields::get`] finds it).
    fn take(&mut self, name: &str) -> Value {
        match self.entries.iter_mut().rev().find(|(k, _)| k == name) {
            Some((_, v)) => core::mem::replace(v, Value::Undefined),
            None => Value::Undefined,
        }
    }

    /// Fails on the first field not in `known`, suggesting the likely one.
    pub(crate) fn reject_unknown(
        &self,
        what: &'static str,
        known: &[&'static str],
    ) -> Result<(), Error> {
        match self
            .entries
            .iter()
            .find(|(k, _)| !known.contains(&k.as_ref()))
        {
            None => Ok(()),
            Some((name, _)) => Err(unknown_field(what, name, known)),
        }
    }
}

// The words of every error below are built in functions of their own, out of
// the checks' way (`#[cold]`, never inlined): the runtimes compile a wasm
// function the first time it runs, so a first call that passes its checks
// compiles none of them. With the same done for answers (response.rs) and
// `wasm-opt -ocimfs 200` keeping them apart (scripts/build-pkg.sh), about 1 ms
// came off a cold start in Node; these messages' own share was about 0.2 ms
// (constructor 1.33 -> 1.25 ms, first call 1.57 -> 1.44 ms).

/// The error for the unknown field `name`, with the likely one and the list.
#[cold]
#[inline(never)]
fn unknown_field(what: &'static str, name: &str, known: &[&'static str]) -> Error {
    let hint = match suggest(name, known) {
        Some(s) => text!(" Did you mean `", s, "`?"),
        None if name == "domain" && known.contains(&"page") => {
            " For a whole domain's backlinks, call getDomainBacklinks({ domain, num }).".into()
        }
        None => String::new(),
    };
    let mut message = Text(text!(
        "Unknown ",
        what,
        " field `",
        name,
        "`.",
        hint,
        " Allowed fields: "
    ));
    for (i, field) in known.iter().enumerate() {
        message.push(if i == 0 { "" } else { ", " });
        message.push(field);
    }
    message.push(".");
    Error::invalid(what, message.0)
}

/// The known field a misspelt `name` most likely meant.
fn suggest(name: &str, known: &[&'static str]) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let aliases: &[&str] = match lower.as_str() {
        "key" | "api_key" | "apikey" | "token" => &["apiKey"],
        "url" | "host" => &["baseUrl", "page", "domain"],
        "baseurl" | "base_url" | "endpoint" => &["baseUrl"],
        "timeout" | "timeout_ms" | "timeoutms" => &["timeoutMs"],
        "retries" | "max_retries" | "maxretries" | "retry" => &["maxRetries"],
        "target" | "pageurl" | "page_url" | "link" => &["page", "domain"],
        "page" | "hostname" | "site" | "website" => &["domain"],
        "limit" | "count" | "max" | "number" | "n" => &["num"],
        "abortsignal" | "abort" => &["signal"],
        _ => &[],
    };
    known
        .iter()
        .copied()
        .find(|k| aliases.contains(k) || k.eq_ignore_ascii_case(name))
}

/// A whole number in `min..=max`, or an error naming `field`.
pub(crate) fn integer_in(field: &'static str, v: &Value, min: u32, max: u32) -> Result<u32, Error> {
    match v {
        // In range first, so that the cast below is exact for whole numbers.
        Value::Number(n) if *n >= min as f64 && *n <= max as f64 && *n == (*n as u32) as f64 => {
            Ok(*n as u32)
        }
        other => Err(not_integer_in(field, other, min, max)),
    }
}

/// Why `v` is not a whole number in `min..=max`.
#[cold]
#[inline(never)]
fn not_integer_in(field: &'static str, v: &Value, min: u32, max: u32) -> Error {
    let range = text!("a whole number from ", min, " to ", max);
    match v {
        Value::String(s) if looks_numeric(s) => Error::invalid(
            field,
            text!(
                "`",
                field,
                "` must be a number, not a string: pass ",
                range,
                ", e.g. `",
                field,
                ": ",
                s.trim_ascii(),
                "`."
            ),
        ),
        other => Error::invalid(
            field,
            text!(
                "`",
                field,
                "` must be ",
                range,
                "; got ",
                other.describe(),
                "."
            ),
        ),
    }
}

/// Whether a string holds what looks like a decimal number, such as `"5"`.
fn looks_numeric(s: &str) -> bool {
    let s = s.trim_ascii();
    s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
}

/// How many chars `s` holds: its bytes that do not continue a UTF-8 sequence.
fn char_count(s: &str) -> usize {
    s.bytes().filter(|&b| b & 0xC0 != 0x80).count()
}

/// Checked client options.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// The key sent as `Authorization: Bearer <key>`, when one was given.
    pub api_key: Option<String>,
    /// The base URL without a trailing slash.
    pub base_url: String,
    /// Per-attempt time limit in milliseconds.
    pub timeout_ms: u32,
    /// How many times a retryable failure is tried again.
    pub max_retries: u32,
}

/// Never prints the key.
impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("timeout_ms", &self.timeout_ms)
            .field("max_retries", &self.max_retries)
            .finish()
    }
}

impl ClientConfig {
    /// The option names `new BacklinksClient(options)` takes.
    pub const FIELDS: [&'static str; 4] = ["apiKey", "baseUrl", "timeoutMs", "maxRetries"];

    /// Checks the constructor's options.
    pub fn from_fields(fields: &Fields) -> Result<Self, Error> {
        fields.reject_unknown("options", &Self::FIELDS)?;
        let base_url = base_url(fields.get("baseUrl"))?;
        let api_key = api_key(fields.get("apiKey"))?;
        if api_key.is_none() && is_real_api(&base_url) {
            return Err(Error::invalid(
                "apiKey",
                "An API key is needed to call the Keywords Everywhere API: pass `apiKey`, or set `baseUrl` to a proxy that holds the key (such as this package's Worker).",
            ));
        }
        let timeout_ms = match fields.get("timeoutMs") {
            Value::Undefined => DEFAULT_TIMEOUT_MS,
            v => integer_in("timeoutMs", v, 1, MAX_TIMEOUT_MS)?,
        };
        let max_retries = match fields.get("maxRetries") {
            Value::Undefined => DEFAULT_MAX_RETRIES,
            v => integer_in("maxRetries", v, 0, MAX_RETRIES)?,
        };
        Ok(ClientConfig {
            api_key,
            base_url,
            timeout_ms,
            max_retries,
        })
    }
}

/// Whether `base_url` points at the real API.
fn is_real_api(base_url: &str) -> bool {
    parse_http_url(base_url).is_ok_and(|u| u.host.eq_ignore_ascii_case(API_HOST))
}

/// Checks `apiKey`: absent, or a non-empty string of visible ASCII.
/// The key itself never appears in a message.
fn api_key(v: &Value) -> Result<Option<String>, Error> {
    match v {
        Value::Undefined => Ok(None),
        Value::String(s) if s.is_empty() => Err(Error::invalid(
            "apiKey",
            "`apiKey` is an empty string: pass your API key, or leave the option out when `baseUrl` is a proxy that holds the key.",
        )),
        Value::String(s) if s.bytes().all(|b| b.is_ascii_graphic()) => Ok(Some(s.clone())),
        Value::String(_) | Value::BrokenString => Err(Error::invalid(
            "apiKey",
            "`apiKey` contains spaces, line breaks or non-ASCII characters, which an API key never has: copy the key again without them.",
        )),
        // Describe only the type: a key passed as the wrong type is still a secret.
        Value::Number(_) | Value::Bool(_) => Err(Error::invalid(
            "apiKey",
            "`apiKey` must be a string holding your API key; got a value of another type.",
        )),
        other => Err(not_of_type(
            "apiKey",
            "`apiKey` must be a string holding your API key; got ",
            other,
        )),
    }
}

/// `field`'s error: `lead`, then what `v` is.
#[cold]
#[inline(never)]
pub(crate) fn not_of_type(field: &'static str, lead: &str, v: &Value) -> Error {
    Error::invalid(field, text!(lead, v.describe(), "."))
}

/// Checks `baseUrl`: absent (the real API) or an http(s) URL with no query,
/// fragment or credentials. A trailing slash is dropped.
fn base_url(v: &Value) -> Result<String, Error> {
    let s = match v {
        Value::Undefined => return Ok(DEFAULT_BASE_URL.to_string()),
        Value::String(s) => s,
        other => {
            return Err(not_of_type(
                "baseUrl",
                "`baseUrl` must be an http(s) URL string such as \"https://api.keywordseverywhere.com\"; got ",
                other,
            ))
        }
    };
    let bad = |why: &str| bad_base_url(s, why);
    let url = parse_http_url(s).map_err(bad)?;
    if url.has_userinfo {
        return Err(bad("it holds a user name or password; fetch refuses those"));
    }
    if url.rest.contains(['?', '#']) {
        return Err(bad(
            "it has a query or fragment; give only scheme, host and an optional path",
        ));
    }
    if url.scheme == "http" && url.host.eq_ignore_ascii_case(API_HOST) {
        return Err(bad(
            "the API must be called over https, or the key would travel in clear text",
        ));
    }
    Ok(trim_end_char(s, '/').into())
}

/// Why the `baseUrl` string `s` is not usable.
#[cold]
#[inline(never)]
fn bad_base_url(s: &str, why: &str) -> Error {
    Error::invalid(
        "baseUrl",
        text!(
            "`baseUrl` ",
            quote(s),
            " is not usable: ",
            why,
            ". Pass an http(s) URL such as \"https://api.keywordseverywhere.com\"."
        ),
    )
}

/// One checked backlinks lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Which endpoint to call.
    pub endpoint: Endpoint,
    /// The page (a lookup of [`Target::Page`]) or domain (of
    /// [`Target::Domain`]) to get backlinks for, exactly as the caller wrote it.
    pub target: String,
    /// The most backlinks to return, 1 to 10000.
    pub num: u32,
}

impl Query {
    /// The parameter names a page lookup takes.
    pub const FIELDS: [&'static str; 3] = ["page", "num", "signal"];
    /// The parameter names a domain lookup takes.
    pub const DOMAIN_FIELDS: [&'static str; 3] = ["domain", "num", "signal"];

    /// The parameter names `endpoint` takes.
    pub fn fields(endpoint: Endpoint) -> &'static [&'static str; 3] {
        match endpoint.target() {
            Target::Page => &Self::FIELDS,
            Target::Domain => &Self::DOMAIN_FIELDS,
        }
    }

    /// Checks a lookup's parameters. An already-aborted signal gives
    /// [`Error::Aborted`] once the parameters themselves are valid. Takes
    /// the fields by value: the page or domain moves into the query.
    pub fn from_fields(endpoint: Endpoint, mut fields: Fields) -> Result<Self, Error> {
        fields.reject_unknown("params", Self::fields(endpoint))?;
        let aborted = signal(&fields)?;
        let target = match endpoint.target() {
            Target::Page => page(fields.take("page"))?,
            Target::Domain => domain(fields.take("domain"))?,
        };
        let num = match fields.get("num") {
            Value::Undefined => return Err(num_required(endpoint)),
            v => integer_in("num", v, 1, MAX_NUM)?,
        };
        if aborted {
            return Err(Error::Aborted);
        }
        Ok(Query {
            endpoint,
            target,
            num,
        })
    }
}

/// Checks the parameters of `getCredits({ signal? })`: only `signal`.
/// An already-aborted signal gives [`Error::Aborted`].
pub fn credits_params(fields: &Fields) -> Result<(), Error> {
    fields.reject_unknown("params", &["signal"])?;
    if signal(fields)? {
        return Err(Error::Aborted);
    }
    Ok(())
}

/// Whether the `signal` field holds an aborted `AbortSignal`; an error when
/// it holds anything but a signal or undefined.
fn signal(fields: &Fields) -> Result<bool, Error> {
    match fields.get("signal") {
        Value::Undefined => Ok(false),
        Value::Signal { aborted } => Ok(*aborted),
        other => Err(not_of_type(
            "signal",
            "`signal` must be an AbortSignal (e.g. `new AbortController().signal`) or left out; got ",
            other,
        )),
    }
}

/// The lookup a `kind` argument names (see [`Endpoint::from_kind`]).
pub fn kind(v: &Value) -> Result<Endpoint, Error> {
    match v {
        Value::String(k) => Endpoint::from_kind(k),
        _ => None,
    }
    .ok_or_else(|| bad_kind(v))
}

/// Why `v` is not a kind.
#[cold]
#[inline(never)]
fn bad_kind(v: &Value) -> Error {
    Error::invalid(
        "kind",
        text!(
            "`kind` must be \"page\" or \"domain\" (1 credit per backlink), or \"unique_page\" or \"unique_domain\" (5 credits per backlink); got ",
            v.describe(),
            "."
        ),
    )
}

/// `estimateCredits(kind, num)`: the worst case of asking `num` backlinks of
/// the lookup `kind` names.
pub fn estimate_credits(kind_value: &Value, num: &Value) -> Result<u32, Error> {
    let endpoint = kind(kind_value)?;
    let num = match num {
        Value::Undefined => return Err(num_required(endpoint)),
        v => integer_in("num", v, 1, MAX_NUM)?,
    };
    Ok(endpoint.worst_case_credits(num))
}

/// The error for a lookup without `num`.
#[cold]
#[inline(never)]
fn num_required(endpoint: Endpoint) -> Error {
    Error::invalid(
        "num",
        text!(
            "`num` is required: the most backlinks to return, a whole number from 1 to ",
            MAX_NUM,
            ". Each one costs ",
            endpoint.credits_per_backlink(),
            if endpoint.credits_per_backlink() == 1 {
                " credit."
            } else {
                " credits."
            }
        ),
    )
}

/// Checks `page`: a string holding an absolute http(s) URL with a host.
fn page(v: Value) -> Result<String, Error> {
    let s = match v {
        Value::String(s) => s,
        Value::Undefined => {
            return Err(Error::invalid(
                "page",
                "`page` is required: the absolute http(s) URL of the page whose backlinks you want, e.g. \"https://example.com/\".",
            ))
        }
        other => {
            return Err(not_of_type(
                "page",
                "`page` must be a URL string such as \"https://example.com/\"; got ",
                &other,
            ))
        }
    };
    parse_http_url(&s).map_err(|why| bad_page(&s, why))?;
    Ok(s)
}

/// Why the `page` string `s` is not usable: its first 80 characters, and `why`.
#[cold]
#[inline(never)]
fn bad_page(s: &str, why: &str) -> Error {
    let (shown, more) = first_chars(s, 80);
    Error::invalid(
        "page",
        text!(
            "`page` ",
            quote(shown),
            more,
            " is not an absolute http(s) URL with a host: ",
            why,
            ". Pass a full URL such as \"https://example.com/\"."
        ),
    )
}

/// The first `n` characters of `s`, and `"..."` when that is not all of it.
fn first_chars(s: &str, n: usize) -> (&str, &'static str) {
    match s.char_indices().nth(n) {
        Some((end, _)) => (s.get(..end).unwrap_or(s), "..."),
        None => (s, ""),
    }
}

/// Checks `domain`: a string holding a bare host name such as `example.com`.
fn domain(v: Value) -> Result<String, Error> {
    let s = match v {
        Value::String(s) => s,
        Value::Undefined => {
            return Err(Error::invalid(
                "domain",
                "`domain` is required: the bare host name whose backlinks you want, e.g. \"example.com\".",
            ))
        }
        other => {
            return Err(not_of_type(
                "domain",
                "`domain` must be a host name string such as \"example.com\"; got ",
                &other,
            ))
        }
    };
    check_host_name(&s).map_err(|why| bad_domain(&s, why))?;
    Ok(s)
}

/// Why the `domain` string `s` is not a bare host name, and what to pass.
#[cold]
#[inline(never)]
fn bad_domain(s: &str, why: HostProblem) -> Error {
    let what = match why {
        HostProblem::Empty => {
            return Error::invalid(
                "domain",
                "`domain` is empty: pass a bare host name such as `example.com`.",
            )
        }
        HostProblem::Url => "is a URL",
        HostProblem::WhiteSpace => "contains white space",
        HostProblem::Control => "contains control characters",
        HostProblem::UserInfo => "holds a user name (`user@`)",
        HostProblem::Path => "holds a path",
        HostProblem::QueryOrFragment => "holds a query or fragment",
        HostProblem::Port => "holds a port",
        HostProblem::Characters => "holds characters a host name cannot have",
        HostProblem::EmptyLabel => "has an empty label (a leading dot or two dots in a row)",
        HostProblem::TooLong => "is longer than a host name can be (253 bytes)",
    };
    let pass = match likely_host(s) {
        Some(host) => text!("pass `", host, "`"),
        None => "pass a bare host name such as `example.com`".into(),
    };
    let tail = match why {
        HostProblem::Url => ", not a URL.",
        HostProblem::Path => {
            " (for the backlinks of one page, call getPageBacklinks({ page, num }))."
        }
        _ => ".",
    };
    let (shown, more) = first_chars(s, 80);
    Error::invalid(
        "domain",
        text!("`domain` ", quote(shown), more, " ", what, ": ", pass, tail),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(entries: &[(&str, Value)]) -> Fields {
        Fields::of(entries)
    }
    fn s(v: &str) -> Value {
        Value::String(v.into())
    }
    fn field_of(r: Result<impl fmt::Debug, Error>) -> &'static str {
        r.expect_err("should fail").field().unwrap()
    }

    #[test]
    fn defaults() {
        let c = ClientConfig::from_fields(&fields(&[("apiKey", s("k1"))])).unwrap();
        assert_eq!(c.base_url, DEFAULT_BASE_URL);
        assert_eq!((c.timeout_ms, c.max_retries), (30_000, 2));
        assert_eq!(c.api_key.as_deref(), Some("k1"));
    }

    #[test]
    fn key_may_be_left_out_only_for_a_proxy() {
        let e = ClientConfig::from_fields(&fields(&[])).unwrap_err();
        assert_eq!(e.field(), Some("apiKey"));
        assert!(e.message().contains("proxy"));
        let e = ClientConfig::from_fields(&fields(&[(
            "baseUrl",
            s("https://API.keywordseverywhere.com/"),
        )]))
        .unwrap_err();
        assert_eq!(e.field(), Some("apiKey"));
        let c = ClientConfig::from_fields(&fields(&[("baseUrl", s("http://127.0.0.1:8787/"))]))
            .unwrap();
        assert_eq!(c.base_url, "http://127.0.0.1:8787");
        assert_eq!(c.api_key, None);
    }

    #[test]
    fn bad_options_name_their_field() {
        let cases: Vec<(&str, Value)> = vec![
            ("apiKey", s("")),
            ("apiKey", s("has space")),
            ("apiKey", Value::Number(5.0)),
            ("apiKey", Value::Null),
            ("baseUrl", s("ftp://x.example")),
            ("baseUrl", s("/relative")),
            ("baseUrl", s("https://x.example/?a=1")),
            ("baseUrl", s("https://u:p@x.example")),
            ("baseUrl", s("http://api.keywordseverywhere.com")),
            ("baseUrl", Value::Number(1.0)),
            ("timeoutMs", Value::Number(0.0)),
            ("timeoutMs", Value::Number(600_001.0)),
            ("timeoutMs", Value::Number(1.5)),
            ("timeoutMs", s("100")),
            ("timeoutMs", Value::Null),
            ("maxRetries", Value::Number(-1.0)),
            ("maxRetries", Value::Number(11.0)),
            ("maxRetries", Value::Number(f64::NAN)),
        ];
        for (name, v) in cases {
            let f = fields(&[("apiKey", s("k")), (name, v.clone())]);
            assert_eq!(
                field_of(ClientConfig::from_fields(&f)),
                name,
                "{name}={v:?}"
            );
        }
    }

    #[test]
    fn unknown_options_are_reported_with_a_hint() {
        let e = ClientConfig::from_fields(&fields(&[("apikey", s("k"))])).unwrap_err();
        assert_eq!(e.field(), Some("options"));
        assert!(
            e.message().contains("Did you mean `apiKey`?"),
            "{}",
            e.message()
        );
        let e = ClientConfig::from_fields(&fields(&[
            ("apiKey", s("k")),
            ("timeout", Value::Number(5.0)),
        ]))
        .unwrap_err();
        assert!(e.message().contains("`timeoutMs`"), "{}", e.message());
    }

    #[test]
    fn messages_never_hold_the_key() {
        let secret = "sk_live_0123456789abcdef";
        for v in [s(&format!("{secret} ")), s(&format!("{secret}\n"))] {
            let e = ClientConfig::from_fields(&fields(&[("apiKey", v)])).unwrap_err();
            assert!(!e.message().contains(secret));
            assert!(!format!("{e:?}").contains(secret));
        }
        let c = ClientConfig::from_fields(&fields(&[("apiKey", s(secret))])).unwrap();
        assert!(!format!("{c:?}").contains(secret));
    }

    #[test]
    fn queries() {
        let q = Query::from_fields(
            Endpoint::UniquePage,
            fields(&[
                ("page", s("https://example.com/a?b=1&c#d")),
                ("num", Value::Number(10000.0)),
            ]),
        )
        .unwrap();
        assert_eq!(q.target, "https://example.com/a?b=1&c#d");
        assert_eq!(q.num, 10_000);
    }

    #[test]
    fn bad_queries_name_their_field() {
        let ok_page = || ("page", s("https://example.com/"));
        let cases: Vec<(Vec<(&str, Value)>, &str)> = vec![
            (vec![("num", Value::Number(5.0))], "page"),
            (
                vec![("page", s("/relative")), ("num", Value::Number(5.0))],
                "page",
            ),
            (
                vec![("page", s("ftp://x.example/")), ("num", Value::Number(5.0))],
                "page",
            ),
            (
                vec![
                    ("page", s("javascript:alert(1)")),
                    ("num", Value::Number(5.0)),
                ],
                "page",
            ),
            (
                vec![("page", Value::Number(1.0)), ("num", Value::Number(5.0))],
                "page",
            ),
            (
                vec![("page", Value::BrokenString), ("num", Value::Number(5.0))],
                "page",
            ),
            (vec![ok_page()], "num"),
            (vec![ok_page(), ("num", Value::Number(0.0))], "num"),
            (vec![ok_page(), ("num", Value::Number(10_001.0))], "num"),
            (vec![ok_page(), ("num", Value::Number(2.5))], "num"),
            (vec![ok_page(), ("num", Value::Number(f64::NAN))], "num"),
            (
                vec![ok_page(), ("num", Value::Number(f64::INFINITY))],
                "num",
            ),
            (vec![ok_page(), ("num", s("5"))], "num"),
            (vec![ok_page(), ("num", Value::Null)], "num"),
            (
                vec![
                    ok_page(),
                    ("num", Value::Number(5.0)),
                    ("signal", Value::Bool(true)),
                ],
                "signal",
            ),
            (
                vec![
                    ok_page(),
                    ("num", Value::Number(5.0)),
                    ("limit", Value::Number(5.0)),
                ],
                "params",
            ),
        ];
        for (entries, field) in cases {
            let r = Query::from_fields(Endpoint::Page, fields(&entries));
            assert_eq!(field_of(r), field, "{entries:?}");
        }
    }

    #[test]
    fn string_num_gets_a_pointed_message() {
        let e = Query::from_fields(
            Endpoint::Page,
            fields(&[("page", s("https://example.com/")), ("num", s("5"))]),
        )
        .unwrap_err();
        assert!(e.message().contains("not a string"), "{}", e.message());
    }

    #[test]
    fn aborted_signal_is_aborted_once_params_are_valid() {
        let f = fields(&[
            ("page", s("https://example.com/")),
            ("num", Value::Number(5.0)),
            ("signal", Value::Signal { aborted: true }),
        ]);
        assert_eq!(Query::from_fields(Endpoint::Page, f), Err(Error::Aborted));
        let f = fields(&[
            ("page", s("https://example.com/")),
            ("num", Value::Number(5.0)),
            ("signal", Value::Signal { aborted: false }),
        ]);
        assert!(Query::from_fields(Endpoint::Page, f).is_ok());
    }

    fn domain_error(v: Value) -> Error {
        Query::from_fields(
            Endpoint::Domain,
            fields(&[("domain", v), ("num", Value::Number(5.0))]),
        )
        .unwrap_err()
    }

    #[test]
    fn domains_are_sent_as_given() {
        for endpoint in [Endpoint::Domain, Endpoint::UniqueDomain] {
            for d in ["example.com", "blog.example.co.uk", "Bücher.Example."] {
                let q = Query::from_fields(
                    endpoint,
                    fields(&[("domain", s(d)), ("num", Value::Number(3.0))]),
                )
                .unwrap();
                assert_eq!((q.endpoint, q.target.as_str(), q.num), (endpoint, d, 3));
            }
        }
    }

    #[test]
    fn bad_domains_say_what_to_pass() {
        for (v, says) in [
            (
                s("https://example.com/"),
                "is a URL: pass `example.com`, not a URL.",
            ),
            (s("http://example.com"), "pass `example.com`, not a URL"),
            (
                s(""),
                "`domain` is empty: pass a bare host name such as `example.com`.",
            ),
            (
                s(" example.com "),
                "contains white space: pass `example.com`.",
            ),
            (
                s("exa mple.com"),
                "contains white space: pass a bare host name",
            ),
            (
                s("example.com/blog"),
                "holds a path: pass `example.com` (for the backlinks of one page",
            ),
            (s("example.com:8080"), "holds a port: pass `example.com`."),
            (
                s("user@example.com"),
                "holds a user name (`user@`): pass `example.com`.",
            ),
            (
                s("example.com?q"),
                "holds a query or fragment: pass `example.com`.",
            ),
            (s("example..com"), "empty label"),
            (
                Value::Number(5.0),
                "must be a host name string such as \"example.com\"; got the number 5.",
            ),
            (Value::Null, "got null"),
            (Value::Other("object"), "got a value of type object"),
            (Value::BrokenString, "unpaired UTF-16 surrogates"),
            (Value::Undefined, "`domain` is required"),
        ] {
            let e = domain_error(v.clone());
            assert_eq!(
                (e.code(), e.field()),
                ("invalid_argument", Some("domain")),
                "{v:?}"
            );
            assert!(e.message().contains(says), "{v:?}: {}", e.message());
        }
    }

    #[test]
    fn lookups_name_their_own_target_field() {
        let e = Query::from_fields(
            Endpoint::Domain,
            fields(&[
                ("page", s("https://example.com/")),
                ("num", Value::Number(5.0)),
            ]),
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("params"));
        assert!(
            e.message().contains("Did you mean `domain`?"),
            "{}",
            e.message()
        );
        let e = Query::from_fields(
            Endpoint::Page,
            fields(&[("domain", s("example.com")), ("num", Value::Number(5.0))]),
        )
        .unwrap_err();
        assert!(
            e.message().contains("getDomainBacklinks"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn estimates_and_kinds() {
        let est = |k: &str, n: f64| estimate_credits(&s(k), &Value::Number(n));
        assert_eq!(est("page", 7.0), Ok(7));
        assert_eq!(est("unique", 7.0), Ok(35));
        assert_eq!(est("unique_page", 10_000.0), Ok(50_000));
        assert_eq!(est("domain", 1.0), Ok(1));
        assert_eq!(est("unique_domain", 3.0), Ok(15));
        assert_eq!(est("pages", 3.0).unwrap_err().field(), Some("kind"));
        assert_eq!(est("domain", 0.0).unwrap_err().field(), Some("num"));
        let e = estimate_credits(&Value::Number(1.0), &Value::Number(1.0)).unwrap_err();
        assert!(e.message().contains("unique_domain"), "{}", e.message());
    }

    #[test]
    fn credits_take_only_a_signal() {
        assert_eq!(credits_params(&fields(&[])), Ok(()));
        assert_eq!(
            credits_params(&fields(&[("signal", Value::Signal { aborted: false })])),
            Ok(())
        );
        assert_eq!(
            credits_params(&fields(&[("signal", Value::Signal { aborted: true })])),
            Err(Error::Aborted)
        );
        let e = credits_params(&fields(&[("num", Value::Number(1.0))])).unwrap_err();
        assert_eq!(e.field(), Some("params"));
        let e = credits_params(&fields(&[("signal", Value::Bool(true))])).unwrap_err();
        assert_eq!(e.field(), Some("signal"));
    }
}
