//! Property tests of the pure core (issue 5, "Reliability"): validation and
//! parsing never panic, whatever they are given, and keep their promises.
//!
//! Each block of properties runs an explicit number of cases (see
//! [`config`]); `PROPTEST_CASES=N` runs every property N times instead, for
//! a longer session: `PROPTEST_CASES=100000 cargo test --release --test
//! properties`. Failures are not persisted to files: a failing property
//! prints its smallest input; add it to the unit tests in `src/`.
//!
//! The `skip_plain_string_bytes` fast path that wasm builds use (simd128)
//! is not reached natively; the portable path is.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use keywords_everywhere_backlinks::endpoint::{Endpoint, Target};
use keywords_everywhere_backlinks::json::{
    object_strings, scan_backlinks, BacklinksShape, AS_TEXT, BACKLINK_FIELDS,
};
use keywords_everywhere_backlinks::params::{ClientConfig, Fields, Name, Query, Value, MAX_NUM};
use keywords_everywhere_backlinks::request::{build, form_encode_into};
use keywords_everywhere_backlinks::response::classify;
use keywords_everywhere_backlinks::retry::{
    delay_ms, parse_http_date, parse_retry_after, BASE_DELAY_MS, MAX_DELAY_MS, MAX_RETRY_AFTER_S,
};
use keywords_everywhere_backlinks::url::{check_host_name, parse_http_url};
use keywords_everywhere_backlinks::words::number;
use proptest::prelude::*;
use serde_json::{Map, Value as Json};

use common::config;

/// Cases of each cheap property (15 of them).
const CASES: u32 = 2000;
/// Cases of each property that generates whole bodies (3 of them).
const BODY_CASES: u32 = 1000;
/// Cases of the property that scans every prefix of a body (quadratic).
const PREFIX_CASES: u32 = 200;

// ---------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------

/// Text of any Unicode scalar values, control characters included (and
/// cheaper to generate than `any::<String>()`, which leaves those out).
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), 0..24).prop_map(String::from_iter)
}

/// Bytes of any kind, or from the alphabet of JSON, which gets further in.
fn any_bytes() -> impl Strategy<Value = Vec<u8>> {
    const JSON_ISH: &[u8] = b"{}[]\":,-+.eE0123456789 \t\n\rtruefalsn\\/u\"data\"anchor_text";
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        prop::collection::vec(prop::sample::select(JSON_ISH), 0..300),
    ]
}

/// Any JSON value, a few levels deep.
fn json_value() -> impl Strategy<Value = Json> {
    common::json_tree(text, text)
}

/// A key that is none of the names the scanner looks at.
fn unknown_key() -> impl Strategy<Value = String> {
    text().prop_filter("an unknown key", |k| {
        !BACKLINK_FIELDS.contains(&k.as_str())
            && !["data", "credits_consumed", "time_taken"].contains(&k.as_str())
    })
}

/// A documented field's value on the wire: missing (None), null, a string,
/// or (read leniently) a number or a boolean.
fn field_value() -> impl Strategy<Value = Option<Json>> {
    prop_oneof![
        1 => Just(None),
        1 => Just(Some(Json::Null)),
        4 => text().prop_map(|s| Some(Json::String(s))),
        1 => any::<i64>().prop_map(|n| Some(Json::from(n))),
        1 => any::<bool>().prop_map(|b| Some(Json::Bool(b))),
    ]
}

/// `credits_consumed` / `time_taken` on the wire: missing, null, a number,
/// or (read leniently) anything else.
fn number_value() -> impl Strategy<Value = Option<Json>> {
    prop_oneof![
        Just(None),
        Just(Some(Json::Null)),
        any::<u32>().prop_map(|n| Some(Json::from(n))),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(Json::Number)),
        any::<f64>().prop_map(|f| Some(Json::String(f.to_string()))),
        json_value().prop_map(Some),
    ]
}

/// An object's members, in wire order.
type Members = Vec<(String, Json)>;

/// One backlink: its members in wire order, and the indexes (into
/// `BACKLINK_FIELDS`) of the fields that are missing or null, or plus
/// `AS_TEXT` of those that are a number or a boolean.
fn backlink() -> impl Strategy<Value = (Members, Vec<u8>)> {
    (
        prop::collection::vec(field_value(), 5),
        prop::collection::vec((unknown_key(), json_value()), 0..2),
    )
        .prop_flat_map(|(fields, extra)| {
            let mut members: Members = extra;
            let mut fill = Vec::new();
            for (f, value) in fields.into_iter().enumerate() {
                match value {
                    Some(v) => {
                        if v.is_null() {
                            fill.push(f as u8);
                        } else if v.is_number() || v.is_boolean() {
                            fill.push(f as u8 + AS_TEXT);
                        }
                        members.push((BACKLINK_FIELDS[f].to_string(), v));
                    }
                    None => fill.push(f as u8),
                }
            }
            (Just(members).prop_shuffle(), Just(fill))
        })
}

/// A valid success body: its text (as serde_json writes it, compact or
/// pretty, members in any order) and the shape the scanner must report.
fn valid_body() -> impl Strategy<Value = (String, BacklinksShape)> {
    (
        prop::collection::vec(backlink(), 0..8),
        number_value(),
        number_value(),
        prop::collection::vec((unknown_key(), json_value()), 0..3),
        any::<bool>(),
    )
        .prop_flat_map(|(links, credits, time, extra, pretty)| {
            let mut shape = BacklinksShape::default();
            let mut data = Vec::new();
            for (i, (members, fill)) in links.into_iter().enumerate() {
                shape.fill.extend(fill.into_iter().map(|f| (i as u32, f)));
                data.push(object_text(&members, pretty));
            }
            shape.items = data.len() as u32;
            let mut top: Vec<(String, String)> = extra
                .into_iter()
                .map(|(k, v)| (k, to_json(&v, pretty)))
                .collect();
            top.push(("data".into(), format!("[{}]", data.join(","))));
            for (name, value) in [("credits_consumed", credits), ("time_taken", time)] {
                if let Some(v) = value {
                    top.push((name.into(), to_json(&v, pretty)));
                }
            }
            (Just(top).prop_shuffle(), Just(shape))
        })
        .prop_map(|(top, shape)| (members_text(&top), shape))
}

fn to_json(v: &Json, pretty: bool) -> String {
    if pretty {
        serde_json::to_string_pretty(v).unwrap()
    } else {
        serde_json::to_string(v).unwrap()
    }
}

/// `{"k":v,...}` keeping the members' order (a serde_json Map would sort them).
fn object_text(members: &Members, pretty: bool) -> String {
    let texts: Vec<(String, String)> = members
        .iter()
        .map(|(k, v)| (k.clone(), to_json(v, pretty)))
        .collect();
    members_text(&texts)
}

fn members_text(members: &[(String, String)]) -> String {
    let inner: Vec<String> = members
        .iter()
        .map(|(k, v)| format!("{}:{v}", Json::String(k.clone())))
        .collect();
    format!("{{{}}}", inner.join(","))
}

/// A [`Value`] as the JS layer may read it.
fn js_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Undefined),
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>().prop_map(Value::Number),
        (-5i64..20_000).prop_map(|n| Value::Number(n as f64)),
        text().prop_map(Value::String),
        "https?://[a-z0-9.:@\\[\\]-]{0,20}(/[^\\s]{0,10})?".prop_map(Value::String),
        Just(Value::BrokenString),
        any::<bool>().prop_map(|aborted| Value::Signal { aborted }),
        prop::sample::select(vec!["object", "function", "symbol", "bigint", "array"])
            .prop_map(Value::Other),
    ]
}

/// Option or parameter names: mostly known ones, sometimes anything.
fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "apiKey", "baseUrl", "timeoutMs", "maxRetries", "page", "domain", "num", "signal",
        ])
        .prop_map(String::from),
        1 => text(),
    ]
}

/// The `(name, value)` pairs of an options or params object.
fn entries() -> impl Strategy<Value = Vec<(Name, Value)>> {
    prop::collection::vec((field_name().prop_map(Name::from), js_value()), 0..6)
}

/// A string that looks like a secret key and cannot occur in a message by chance.
fn secret() -> impl Strategy<Value = String> {
    "sk_[A-Za-z0-9]{20,32}( |\u{e9})?"
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Decodes an `application/x-www-form-urlencoded` value as a server does.
fn form_decode(s: &str) -> Option<String> {
    let mut bytes = Vec::new();
    let mut it = s.bytes();
    while let Some(b) = it.next() {
        match b {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hex = [it.next()?, it.next()?];
                bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
            }
            b => bytes.push(b),
        }
    }
    String::from_utf8(bytes).ok()
}

/// A JSON string literal with every non-ASCII character as `\uXXXX`
/// (surrogate pairs above U+FFFF), as some servers write them.
fn ascii_json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const LONG_WEEKDAYS: [&str; 7] = [
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `(year, month 1..=12, day)` of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, usize, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m as usize, d)
}

/// The three HTTP date forms of RFC 9110 for `t` seconds since the epoch.
fn http_dates(t: i64) -> [String; 3] {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let wd = days.rem_euclid(7) as usize;
    let (hh, mm, ss) = (secs / 3600, secs / 60 % 60, secs % 60);
    let month = MONTHS[m - 1];
    [
        format!(
            "{}, {d:02} {month} {y} {hh:02}:{mm:02}:{ss:02} GMT",
            WEEKDAYS[wd]
        ),
        format!(
            "{}, {d:02}-{month}-{:02} {hh:02}:{mm:02}:{ss:02} GMT",
            LONG_WEEKDAYS[wd],
            y % 100
        ),
        format!(
            "{} {month} {d:>2} {hh:02}:{mm:02}:{ss:02} {y}",
            WEEKDAYS[wd]
        ),
    ]
}

// ---------------------------------------------------------------------------
// No panic on arbitrary input
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(CASES))]

    #[test]
    fn json_scanners_take_any_bytes(body in any_bytes()) {
        let _ = scan_backlinks(&body);
        let _ = object_strings(&body, ["message", "description"]);
    }

    #[test]
    fn classify_takes_any_answer(
        status in prop_oneof![any::<u16>(), 100u16..600],
        body in any_bytes(),
        retry_after in proptest::option::of(0f64..1e6),
    ) {
        match classify(status, &body, retry_after) {
            Ok(shape) => {
                prop_assert!((200..300).contains(&status));
                prop_assert_eq!(Ok(shape), scan_backlinks(&body));
            }
            Err(e) => {
                let code = e.code();
                let expected = match status {
                    200..=299 => "invalid_response",
                    400 => "bad_request",
                    401 => "unauthorized",
                    402 => code, // one of four, told apart by the message
                    429 => "rate_limited",
                    500..=599 => "server_error",
                    _ => "http_error",
                };
                prop_assert_eq!(code, expected);
                prop_assert_eq!(e.status(), Some(status));
                prop_assert_eq!(e.is_retryable(), status == 429 || (500..600).contains(&status));
                if status == 429 {
                    prop_assert_eq!(e.retry_after(), retry_after);
                }
                prop_assert!(!e.message().is_empty());
            }
        }
    }

    #[test]
    fn url_and_date_parsers_take_any_string(
        s in prop_oneof![
            text(),
            "([hH][tT]{2}[pP][sS]?|ftp)?:?/{0,3}[a-z0-9@:\\[\\]./?#% -]{0,20}",
            "[A-Za-z]{0,9},? [0-9]{1,4}[ -][A-Za-z]{3}[ -][0-9]{1,5} [0-9:+-]{0,10}( GMT)?",
        ],
        now_ms in any::<f64>(),
    ) {
        let _ = parse_http_url(&s);
        let _ = parse_http_date(&s);
        if let Some(seconds) = parse_retry_after(&s, now_ms) {
            prop_assert!(seconds >= 0.0, "{seconds}");
        }
    }

    #[test]
    fn validation_takes_any_fields(entries in entries(), endpoint in prop::sample::select(Endpoint::ALL.to_vec())) {
        let fields = Fields::new(entries);
        match Query::from_fields(endpoint, fields.clone()) {
            Ok(q) => {
                prop_assert!((1..=MAX_NUM).contains(&q.num));
                match endpoint.target() {
                    Target::Page => prop_assert!(parse_http_url(&q.target).is_ok()),
                    Target::Domain => prop_assert!(check_host_name(&q.target).is_ok()),
                }
            }
            Err(e) => prop_assert!(
                e.code() == "aborted"
                    || [endpoint.target().name(), "num", "signal", "params"].contains(&e.field().unwrap_or("")),
                "{e}"
            ),
        }
        match ClientConfig::from_fields(&fields) {
            Ok(c) => {
                prop_assert!((1..=600_000).contains(&c.timeout_ms));
                prop_assert!(c.max_retries <= 10);
                prop_assert!(parse_http_url(&c.base_url).is_ok(), "{}", c.base_url);
                prop_assert!(!c.base_url.ends_with('/'));
            }
            Err(e) => prop_assert!(
                ["apiKey", "baseUrl", "timeoutMs", "maxRetries", "options"]
                    .contains(&e.field().unwrap_or("")),
                "{e}"
            ),
        }
    }
}

// ---------------------------------------------------------------------------
// Validation keeps its promises
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(CASES))]

    /// Whatever else is wrong, no message repeats the key (nor the Debug form).
    #[test]
    fn the_key_never_appears_in_an_error(key in secret(), others in entries()) {
        let mut entries = vec![(Name::from("apiKey"), Value::String(key.clone()))];
        entries.extend(others.into_iter().filter(|(name, _)| name != "apiKey"));
        match ClientConfig::from_fields(&Fields::new(entries)) {
            Ok(config) => {
                let debug = format!("{config:?}");
                prop_assert!(!debug.contains(&key), "{}", debug);
            }
            Err(e) => {
                let (message, debug) = (e.message(), format!("{e:?}"));
                prop_assert!(!message.contains(&key), "{}", message);
                prop_assert!(!debug.contains(&key), "{}", debug);
            }
        }
    }

    /// A valid page and num are always accepted, exactly as given.
    #[test]
    fn valid_params_are_accepted(
        page in "https?://[a-z]{1,10}\\.example(:[0-9]{1,4})?(/([a-z0-9 ?&#=%+]{0,20}[a-z0-9?&#=%+])?)?",
        num in 1..=MAX_NUM,
        signal in proptest::option::of(Just(Value::Signal { aborted: false })),
    ) {
        let mut entries = vec![
            (Name::from("page"), Value::String(page.clone())),
            (Name::from("num"), Value::Number(f64::from(num))),
        ];
        entries.extend(signal.map(|s| (Name::from("signal"), s)));
        let q = Query::from_fields(Endpoint::Page, Fields::new(entries)).unwrap();
        prop_assert_eq!((q.target, q.num), (page, num));
    }

    /// A valid domain and num are always accepted, exactly as given; the
    /// same domain with a scheme, a port, a path or `user@` never is.
    #[test]
    fn valid_domains_are_accepted(
        domain in "([a-z0-9-]{1,12}\\.){0,3}[a-z]{2,10}\\.?",
        num in 1..=MAX_NUM,
        unique in any::<bool>(),
        wrong in prop::sample::select(vec!["https://{}/", "{}:8080", "{}/a", "u@{}", " {}", "{} x", "http://{}"]),
    ) {
        let endpoint = if unique { Endpoint::UniqueDomain } else { Endpoint::Domain };
        let with = |d: String| Fields::new(vec![
            (Name::from("domain"), Value::String(d)),
            (Name::from("num"), Value::Number(f64::from(num))),
        ]);
        let q = Query::from_fields(endpoint, with(domain.clone())).unwrap();
        prop_assert_eq!((q.target, q.num), (domain.clone(), num));
        let e = Query::from_fields(endpoint, with(wrong.replace("{}", &domain))).unwrap_err();
        prop_assert_eq!(e.field(), Some("domain"));
    }

    /// A num that is not a whole number from 1 to 10000 is refused, naming `num`.
    #[test]
    fn bad_nums_are_refused(n in any::<f64>()) {
        prop_assume!(!(n.fract() == 0.0 && (1.0..=f64::from(MAX_NUM)).contains(&n)));
        let entries = vec![
            (Name::from("page"), Value::String("https://example.com/".into())),
            (Name::from("num"), Value::Number(n)),
        ];
        let e = Query::from_fields(Endpoint::UniquePage, Fields::new(entries)).unwrap_err();
        prop_assert_eq!(e.field(), Some("num"));
    }

    /// An URL built from valid parts is accepted, and split back into them.
    #[test]
    fn urls_built_from_parts_are_accepted(
        scheme in prop::sample::select(vec!["http", "https", "HTTP", "Https"]),
        userinfo in proptest::option::of("[a-z0-9]{1,8}(:[a-z0-9]{0,8})?"),
        host in prop_oneof![
            "[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?){0,3}",
            "(25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]{1,2})){3}",
            "\\[[0-9a-f]{1,4}(:[0-9a-f]{1,4}){7}\\]",
            "\\[::[0-9a-f]{0,4}\\]",
            "b\u{fc}cher\\.\u{4f8b}\\.example",
        ],
        port in proptest::option::of(0u32..=65_535),
        rest in "(/[^\\s\\p{C}?#]{0,12}){0,3}(\\?[^\\s\\p{C}#]{0,12})?(#[^\\s\\p{C}]{0,12})?",
    ) {
        let user = userinfo.as_ref().map(|u| format!("{u}@")).unwrap_or_default();
        let port_text = port.map(|p| format!(":{p}")).unwrap_or_default();
        let text = format!("{scheme}://{user}{host}{port_text}{rest}");
        let url = parse_http_url(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
        prop_assert_eq!(url.scheme, scheme.to_ascii_lowercase());
        prop_assert_eq!(url.host, host.as_str());
        prop_assert_eq!(url.has_userinfo, userinfo.is_some());
        prop_assert_eq!(url.rest, rest.as_str());
    }

    /// What is accepted has a host a URL parser accepts too: outside an IPv6
    /// literal, no WHATWG "forbidden host code point" (a page such as
    /// `https://a.example:1:2/` would otherwise be sent, and refused by the API).
    #[test]
    fn accepted_hosts_have_no_forbidden_code_points(
        authority in "[a-z0-9.:@\\[\\]^|<> %-]{0,16}",
        rest in "(/[a-z]{0,4})?",
    ) {
        let text = format!("https://{authority}{rest}");
        if let Ok(url) = parse_http_url(&text) {
            let host = url.host;
            let ipv6 = host.len() > 2 && host.starts_with('[') && host.ends_with(']')
                && host[1..host.len() - 1].bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
            let forbidden = |c: char| " #%/:<>?@[\\]^|".contains(c) || c.is_control();
            prop_assert!(ipv6 || !host.contains(forbidden), "{text:?} accepted with host {host:?}");
        }
    }
}

// ---------------------------------------------------------------------------
// Encoding and parsing round trips
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(CASES))]

    /// Form encoding: what a server decodes is exactly the input, and no
    /// byte of the encoding can split the form (`&`, `=`, `#`, space).
    #[test]
    fn form_encoding_round_trips(value in text()) {
        let mut encoded = String::new();
        form_encode_into(&value, &mut encoded);
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"*-._+%".contains(&b)), "{encoded}");
        prop_assert_eq!(form_decode(&encoded), Some(value));
    }

    /// The request: its body holds exactly the page and num, the key only
    /// in the Authorization header, and never in its Debug form.
    #[test]
    fn requests_carry_the_query_exactly(
        page in text(),
        num in 1..=MAX_NUM,
        key in proptest::option::of(secret()),
        endpoint in prop::sample::select(Endpoint::ALL.to_vec()),
    ) {
        let config = ClientConfig {
            api_key: key.clone(),
            base_url: "https://proxy.example/base".into(),
            timeout_ms: 1000,
            max_retries: 0,
        };
        let request = build(&config, &Query { endpoint, target: page.clone(), num });
        prop_assert_eq!(&request.url, &format!("https://proxy.example/base{}", endpoint.path()));
        let pairs: Vec<&str> = request.body.split('&').collect();
        prop_assert_eq!(pairs.len(), 2);
        let field = format!("{}=", endpoint.target().name());
        prop_assert_eq!(pairs[0].strip_prefix(field.as_str()).and_then(form_decode), Some(page));
        prop_assert_eq!(pairs[1], format!("num={num}"));
        let auth = request.headers.iter().find(|(name, _)| *name == "Authorization");
        prop_assert_eq!(auth.map(|(_, v)| v.clone()), key.as_ref().map(|k| format!("Bearer {k}")));
        if let Some(key) = &key {
            let debug = format!("{request:?}");
            prop_assert!(!debug.contains(key.as_str()), "{}", debug);
        }
    }

    /// Error bodies: string fields come back exactly, however they are escaped.
    #[test]
    fn error_body_strings_round_trip(message in text(), description in text(), ascii in any::<bool>()) {
        let body = if ascii {
            format!("{{\"message\":{},\"x\":[1,{{}}],\"description\":{}}}", ascii_json_string(&message), ascii_json_string(&description))
        } else {
            serde_json::json!({ "description": description, "message": message, "x": [1, {}] }).to_string()
        };
        let [m, d] = object_strings(body.as_bytes(), ["message", "description"]).expect(&body);
        prop_assert_eq!(m, Some(message));
        prop_assert_eq!(d, Some(description));
    }

    /// Any epoch second from 1970 to 2069, in the three RFC 9110 forms, parses back.
    #[test]
    fn http_dates_round_trip(t in 0i64..3_155_760_000, now_s in 0i64..3_155_760_000) {
        for text in http_dates(t) {
            prop_assert_eq!(parse_http_date(&text), Some(t), "{}", text);
            let wait = parse_retry_after(&text, now_s as f64 * 1000.0);
            prop_assert_eq!(wait, Some((t - now_s).max(0) as f64), "{}", text);
        }
    }

    /// Retry-After in seconds is read as it is; backoff stays within its bounds.
    #[test]
    fn retry_waits_stay_in_bounds(seconds in 0u64..10_000_000_000, retry in 0u32..64, random in 0f64..1.0) {
        prop_assert_eq!(parse_retry_after(&seconds.to_string(), 0.0), Some(seconds as f64));
        let ceiling = (BASE_DELAY_MS * 2f64.powi(retry.min(16) as i32)).min(MAX_DELAY_MS);
        let wait = delay_ms(retry, None, random).unwrap();
        prop_assert!((0.0..ceiling).contains(&wait), "{wait} of {ceiling}");
        let asked = seconds as f64;
        let expected = (asked <= MAX_RETRY_AFTER_S).then_some(asked * 1000.0);
        prop_assert_eq!(delay_ms(retry, Some(asked), random), expected);
    }

    /// Numbers in messages: whole numbers below 1e15 are written exactly.
    #[test]
    fn whole_numbers_are_written_exactly(n in -999_999_999_999_999i64..=999_999_999_999_999) {
        prop_assert_eq!(number(n as f64), n.to_string());
    }
}

// ---------------------------------------------------------------------------
// The success body scanner
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(BODY_CASES))]

    /// Every body serde_json writes for a backlink list is accepted, with the
    /// right count of backlinks and the right fields to fill with "".
    #[test]
    fn valid_bodies_are_accepted((body, shape) in valid_body()) {
        let scanned = scan_backlinks(body.as_bytes());
        prop_assert!(scanned.is_ok(), "{}: {:?}", body, scanned);
        let scanned = scanned.unwrap();
        prop_assert_eq!((scanned.items, &scanned.fill), (shape.items, &shape.fill), "{}", body);
        // Where it says credits_consumed is, is that field's value.
        let doc: Json = serde_json::from_str(&body).unwrap();
        let token = scanned.credits.map(|(a, b)| body[a as usize..b as usize].to_string());
        let value = token.map(|t| serde_json::from_str::<Json>(&t).unwrap());
        prop_assert_eq!(value.as_ref(), doc.get("credits_consumed"));
        prop_assert_eq!(classify(200, body.as_bytes(), None).ok(), Some(scanned));
    }

    /// A wrong type in a documented place is refused, saying where; a paid
    /// answer's cosmetic deviations are accepted.
    #[test]
    fn wrong_types_are_refused(
        (body, shape) in valid_body(),
        wrong in prop_oneof![
            Just(Json::Bool(true)),
            Just(Json::from(5)),
            Just(Json::from("5")),
            Just(Json::Array(vec![])),
            Just(Json::Object(Map::new())),
        ],
        field in 0usize..5,
    ) {
        let doc: Json = serde_json::from_str(&body).unwrap();
        // Changes the document, then scans it: the error must name the place.
        let refused = |change: &dyn Fn(&mut Json), place: &str| -> Result<(), TestCaseError> {
            let mut changed = doc.clone();
            change(&mut changed);
            let e = scan_backlinks(changed.to_string().as_bytes()).unwrap_err();
            prop_assert!(e.contains(&format!("`{place}` is")), "{}: {}", changed, e);
            Ok(())
        };
        if !wrong.is_array() {
            refused(&|d| d["data"] = wrong.clone(), "data")?;
        }
        let accepted = |change: &dyn Fn(&mut Json)| -> Result<(), TestCaseError> {
            let mut changed = doc.clone();
            change(&mut changed);
            let scanned = scan_backlinks(changed.to_string().as_bytes());
            prop_assert!(scanned.is_ok(), "{}: {:?}", changed, scanned);
            Ok(())
        };
        if shape.items > 0 {
            let name = BACKLINK_FIELDS[field];
            if wrong.is_array() || wrong.is_object() {
                refused(&|d| d["data"][0][name] = wrong.clone(), &format!("data[0].{name}"))?;
            } else {
                accepted(&|d| d["data"][0][name] = wrong.clone())?;
            }
        }
        let name = if field % 2 == 0 { "credits_consumed" } else { "time_taken" };
        accepted(&|d| d[name] = wrong.clone())?;
    }

    /// A valid body with one byte changed, inserted or removed never panics,
    /// and what is still accepted is still JSON of the documented shape.
    #[test]
    fn mutated_bodies_never_panic(
        (body, _) in valid_body(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..4),
    ) {
        let mut bytes = body.into_bytes();
        for (at, byte, kind) in edits {
            let i = at.index(bytes.len() + 1);
            match kind {
                0 if i < bytes.len() => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ if i < bytes.len() => { bytes.remove(i); }
                _ => {}
            }
        }
        if let Ok(shape) = scan_backlinks(&bytes) {
            // Still JSON (serde_json refuses invalid UTF-8 and lone surrogates, which
            // JSON.parse after TextDecoder accepts, so only check what it can read).
            if let Ok(Json::Object(doc)) = serde_json::from_slice::<Json>(&bytes) {
                let items = match doc.get("data") {
                    Some(Json::Null) => Some(0),
                    data => data.and_then(Json::as_array).map(Vec::len),
                };
                prop_assert_eq!(items, Some(shape.items as usize));
            }
        }
    }
}

proptest! {
    #![proptest_config(config(PREFIX_CASES))]

    /// Every strict prefix of a valid body is refused: empty, or truncated.
    #[test]
    fn strict_prefixes_are_refused((body, _) in valid_body()) {
        let bytes = body.as_bytes();
        for end in 0..bytes.len() {
            let e = scan_backlinks(&bytes[..end]).unwrap_err();
            let expected = if end == 0 { "empty" } else { "truncated" };
            prop_assert!(e.contains(expected), "{:?}: {}", String::from_utf8_lossy(&bytes[..end]), e);
        }
    }
}
