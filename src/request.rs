//! A checked [`Query`] turned into the exact HTTP request the API documents:
//! `POST`, a form-encoded body, Bearer auth, `Accept: application/json`;
//! and the balance's `GET`, with the same headers and no body.

use crate::endpoint::{Endpoint, CREDITS_PATH};
use crate::params::{ClientConfig, Query};
use crate::prelude::*;
use crate::words::{Piece, Text};

/// An HTTP request ready for the transport.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// `"POST"` for a lookup, `"GET"` for the balance.
    pub method: &'static str,
    /// `{baseUrl}{path}`.
    pub url: String,
    /// Header names and values, in sending order.
    pub headers: Vec<(&'static str, String)>,
    /// The form body.
    pub body: String,
}

/// Never prints the Authorization header's value.
impl core::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    *k,
                    if *k == "Authorization" {
                        "<redacted>"
                    } else {
                        v.as_str()
                    },
                )
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &self.body)
            .finish()
    }
}

/// Builds the request for `query` with `config`: [`url`], [`headers`] and
/// [`body`] together. The transport builds the first two once per client.
pub fn build(config: &ClientConfig, query: &Query) -> HttpRequest {
    HttpRequest {
        method: query.endpoint.method(),
        url: url(config, query.endpoint),
        headers: headers(config),
        body: body(query),
    }
}

/// The method of the balance's request.
pub const CREDITS_METHOD: &str = "GET";

/// `{baseUrl}{path}` for `endpoint`.
pub fn url(config: &ClientConfig, endpoint: Endpoint) -> String {
    text!(config.base_url, endpoint.path())
}

/// `{baseUrl}/v1/account/credits`.
pub fn credits_url(config: &ClientConfig) -> String {
    text!(config.base_url, CREDITS_PATH)
}

/// The balance's request: `GET`, the same headers as a lookup, no body.
pub fn build_credits(config: &ClientConfig) -> HttpRequest {
    HttpRequest {
        method: CREDITS_METHOD,
        url: credits_url(config),
        headers: headers(config),
        body: String::new(),
    }
}

/// The headers of every request with `config`, in sending order; the
/// Authorization header only when there is a key.
pub fn headers(config: &ClientConfig) -> Vec<(&'static str, String)> {
    let mut headers = vec![
        ("Accept", "application/json".into()),
        ("Content-Type", "application/x-www-form-urlencoded".into()),
    ];
    if let Some(key) = &config.api_key {
        headers.push(("Authorization", text!("Bearer ", key)));
    }
    headers
}

/// The form body: `page=<encoded page>&num=<num>`, or `domain=...&num=...`.
pub fn body(query: &Query) -> String {
    let mut body = Text(String::with_capacity(query.target.len() + 16));
    body.push(query.endpoint.target().name());
    body.push("=");
    form_encode_into(&query.target, &mut body.0);
    body.push("&num=");
    query.num.push_to(&mut body);
    body.0
}

/// Appends `value` encoded as `application/x-www-form-urlencoded` (the
/// WHATWG serializer: `*-._` and alphanumerics kept, space as `+`, every other
/// byte of the UTF-8 encoding as `%XX`).
pub fn form_encode_into(value: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in value.as_bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 15) as usize] as char);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(key: Option<&str>) -> ClientConfig {
        ClientConfig {
            api_key: key.map(Into::into),
            base_url: "http://127.0.0.1:9".into(),
            timeout_ms: 1000,
            max_retries: 0,
        }
    }

    #[test]
    fn builds_the_documented_request() {
        let q = Query {
            endpoint: Endpoint::Page,
            target: "https://example.com/".into(),
            num: 5,
        };
        let r = build(&config(Some("KEY")), &q);
        assert_eq!(r.method, "POST");
        assert_eq!(r.url, "http://127.0.0.1:9/v1/get_page_backlinks");
        assert_eq!(r.body, "page=https%3A%2F%2Fexample.com%2F&num=5");
        assert!(r.headers.contains(&("Authorization", "Bearer KEY".into())));
        assert!(r.headers.contains(&("Accept", "application/json".into())));
        assert!(!format!("{r:?}").contains("KEY"));
    }

    #[test]
    fn no_key_no_authorization_header() {
        let q = Query {
            endpoint: Endpoint::UniquePage,
            target: "https://example.com/".into(),
            num: 1,
        };
        let r = build(&config(None), &q);
        assert!(r.headers.iter().all(|(k, _)| *k != "Authorization"));
        assert!(r.url.ends_with("/v1/get_unique_page_backlinks"));
    }

    /// Exact encodings; tests/properties.rs checks the round trip on arbitrary text.
    #[test]
    fn awkward_pages_are_encoded_as_forms_encode_them() {
        for (page, encoded) in [
            (
                "https://example.com/a b?x=1&y=2#frag",
                "https%3A%2F%2Fexample.com%2Fa+b%3Fx%3D1%26y%3D2%23frag",
            ),
            (
                "https://bü.example/カ",
                "https%3A%2F%2Fb%C3%BC.example%2F%E3%82%AB",
            ),
            ("a+b%c*-._~", "a%2Bb%25c*-._%7E"),
        ] {
            let mut out = String::new();
            form_encode_into(page, &mut out);
            assert_eq!(out, encoded);
        }
    }

    #[test]
    fn domain_lookups_send_the_domain_field() {
        for (endpoint, path) in [
            (Endpoint::Domain, "/v1/get_domain_backlinks"),
            (Endpoint::UniqueDomain, "/v1/get_unique_domain_backlinks"),
        ] {
            let q = Query {
                endpoint,
                target: "blog.example.co.uk".into(),
                num: 10_000,
            };
            let r = build(&config(Some("KEY")), &q);
            assert_eq!(r.method, "POST");
            assert_eq!(r.url, format!("http://127.0.0.1:9{path}"));
            assert_eq!(r.body, "domain=blog.example.co.uk&num=10000");
        }
    }

    #[test]
    fn the_balance_is_a_get_with_the_same_headers() {
        let c = config(Some("KEY"));
        let r = build_credits(&c);
        assert_eq!(r.method, "GET");
        assert_eq!(r.url, "http://127.0.0.1:9/v1/account/credits");
        assert_eq!(r.body, "");
        assert_eq!(r.headers, headers(&c));
    }
}
