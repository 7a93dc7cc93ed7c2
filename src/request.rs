//! A checked [`Query`] turned into the exact HTTP request the API documents:
//! `POST`, a form-encoded body, Bearer auth, `Accept: application/json`.

use crate::params::{ClientConfig, Query};
use crate::prelude::*;
use crate::words::{Piece, Text};

/// The two backlinks endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /v1/get_page_backlinks`: 1 credit per backlink.
    Page,
    /// `POST /v1/get_unique_page_backlinks`: one per source domain, 5 credits each.
    Unique,
}

impl Endpoint {
    /// The endpoint's path.
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::Page => "/v1/get_page_backlinks",
            Endpoint::Unique => "/v1/get_unique_page_backlinks",
        }
    }

    /// What one returned backlink costs.
    pub fn credits_per_backlink(self) -> u32 {
        match self {
            Endpoint::Page => 1,
            Endpoint::Unique => 5,
        }
    }

    /// The endpoint for `estimateCredits`' kind: `"page"` or `"unique"`.
    pub fn from_kind(kind: &str) -> Option<Endpoint> {
        match kind {
            "page" => Some(Endpoint::Page),
            "unique" => Some(Endpoint::Unique),
            _ => None,
        }
    }
}

/// An HTTP request ready for the transport.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// Always [`METHOD`], `"POST"`.
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
        method: METHOD,
        url: url(config, query.endpoint),
        headers: headers(config),
        body: body(query),
    }
}

/// The method of every request.
pub const METHOD: &str = "POST";

/// `{baseUrl}{path}` for `endpoint`.
pub fn url(config: &ClientConfig, endpoint: Endpoint) -> String {
    text!(config.base_url, endpoint.path())
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

/// The form body: `page=<encoded page>&num=<num>`.
pub fn body(query: &Query) -> String {
    let mut body = Text(String::with_capacity(query.page.len() + 16));
    body.push("page=");
    form_encode_into(&query.page, &mut body.0);
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

/// Worst-case credits for asking `num` backlinks from `endpoint`.
pub fn estimate_credits(endpoint: Endpoint, num: u32) -> u32 {
    num * endpoint.credits_per_backlink()
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
            page: "https://example.com/".into(),
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
            endpoint: Endpoint::Unique,
            page: "https://example.com/".into(),
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
    fn credits() {
        assert_eq!(estimate_credits(Endpoint::Page, 100), 100);
        assert_eq!(estimate_credits(Endpoint::Unique, 10_000), 50_000);
        assert_eq!(Endpoint::from_kind("unique"), Some(Endpoint::Unique));
        assert_eq!(Endpoint::from_kind("domain"), None);
    }
}
