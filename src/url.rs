//! Checks of absolute `http:`/`https:` URLs, without a URL library.
//!
//! The checks are deliberately narrow: they decide whether a string is an
//! absolute http(s) URL with a host, and split off the parts the client needs.
//! They never rewrite the string: what the caller passed is what is sent.
//!
//! Every delimiter is ASCII, so the searches work on bytes: `str`'s char
//! searchers and the panic paths of `str` slicing would cost kilobytes of
//! .wasm for nothing.

/// The parts of an absolute http(s) URL that the client looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl<'a> {
    /// `"http"` or `"https"`, lower-cased.
    pub scheme: &'static str,
    /// The host, as written (without user info or port).
    pub host: &'a str,
    /// Whether the authority carried `user:password@`.
    pub has_userinfo: bool,
    /// Everything from the first `/`, `?` or `#` after the authority.
    pub rest: &'a str,
}

/// Why a string is not an absolute http(s) URL, in words for an error message.
pub type UrlProblem = &'static str;

/// Splits `s` as an absolute `http:` or `https:` URL with a non-empty host.
pub fn parse_http_url(s: &str) -> Result<HttpUrl<'_>, UrlProblem> {
    if s.is_empty() {
        return Err("it is empty");
    }
    let space = |c: Option<char>| c.is_some_and(char::is_whitespace);
    if space(s.chars().next()) || space(s.chars().next_back()) {
        return Err("it has leading or trailing white space");
    }
    if s.chars().any(|c| c.is_control()) {
        return Err("it contains control characters");
    }
    let Some(colon) = find(s, b":") else {
        return Err("it is not an absolute URL (no scheme such as https:)");
    };
    let (scheme, after_colon) = s.split_at_checked(colon).unwrap_or((s, ""));
    let scheme = if scheme.eq_ignore_ascii_case("https") {
        "https"
    } else if scheme.eq_ignore_ascii_case("http") {
        "http"
    } else if find(scheme, b"/?#").is_some() || scheme.is_empty() {
        return Err("it is not an absolute URL (no scheme such as https:)");
    } else {
        return Err("its scheme is not http: or https:");
    };
    let Some(after) = after_colon.strip_prefix("://") else {
        return Err("it has no host (expected scheme://host/...)");
    };
    let end = find(after, b"/?#").unwrap_or(after.len());
    let (authority, rest) = after.split_at_checked(end).unwrap_or((after, ""));
    let (has_userinfo, host_port) = match authority.bytes().rposition(|b| b == b'@') {
        Some(at) => (true, authority.get(at + 1..).unwrap_or("")),
        None => (false, authority),
    };
    let host = split_port(host_port)?;
    if host.is_empty() {
        return Err("it has no host (expected scheme://host/...)");
    }
    if find(host, b" <>\"`{}|\\^%").is_some() {
        return Err("its host contains characters a host cannot have");
    }
    let ipv6 = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .is_some_and(|inner| {
            !inner.is_empty()
                && inner
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        });
    if !ipv6 && find(host, b":[]").is_some() {
        return Err("its host contains characters a host cannot have");
    }
    Ok(HttpUrl {
        scheme,
        host,
        has_userinfo,
        rest,
    })
}

/// Why a string is not a bare host name such as `example.com`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostProblem {
    /// The string is empty.
    Empty,
    /// It is a URL (it has a scheme and `//`).
    Url,
    /// It holds white space.
    WhiteSpace,
    /// It holds control characters.
    Control,
    /// It holds `user@` or `user:password@`.
    UserInfo,
    /// It holds a path (`/`).
    Path,
    /// It holds a query or a fragment (`?`, `#`).
    QueryOrFragment,
    /// It holds a port (`:`).
    Port,
    /// It holds characters a host name cannot have.
    Characters,
    /// It starts with a dot or holds two dots in a row.
    EmptyLabel,
    /// It is longer than 253 bytes.
    TooLong,
}

/// The longest host name, in bytes (RFC 1035; a trailing dot aside).
pub const MAX_HOST_LEN: usize = 253;

/// Checks that `s` is a bare host name: `example.com`, `blog.example.co.uk`,
/// `bücher.example`, `127.0.0.1`; one trailing dot is allowed. The string is
/// only looked at, never rewritten. White space and control characters are
/// ASCII's (non-ASCII text is left to the API, as an IDN may hold any).
pub fn check_host_name(s: &str) -> Result<(), HostProblem> {
    use HostProblem::*;
    if s.is_empty() {
        return Err(Empty);
    }
    if contains(s, "://") || s.starts_with("//") {
        return Err(Url);
    }
    // One pass over the bytes: a bit per problem, in the order of `order`.
    let order = [
        WhiteSpace,
        Control,
        UserInfo,
        Path,
        QueryOrFragment,
        Characters,
        Port,
    ];
    let mut seen = 0u32;
    for b in s.bytes() {
        seen |= match b {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0c => 1,
            0..=0x1f | 0x7f => 2,
            b'@' => 4,
            b'/' | b'\\' => 8,
            b'?' | b'#' => 16,
            b'<' | b'>' | b'"' | b'`' | b'{' | b'}' | b'|' | b'^' | b'%' | b'[' | b']' => 32,
            b':' => 64,
            _ => 0,
        };
    }
    if let Some(&problem) = order.get(seen.trailing_zeros() as usize) {
        // `https:example.com` is a URL without its slashes.
        let scheme = find(s, b":").and_then(|at| s.get(..at)).unwrap_or("");
        let url = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
        return Err(if problem == Port && url { Url } else { problem });
    }
    let labels = s.strip_suffix('.').unwrap_or(s);
    if labels.is_empty() || labels.starts_with('.') || contains(labels, "..") {
        return Err(EmptyLabel);
    }
    if labels.len() > MAX_HOST_LEN {
        return Err(TooLong);
    }
    Ok(())
}

/// The host name a mistaken `domain` most likely meant: `s` without its
/// scheme, user name, port, path, query and fragment, when that is a bare
/// host name and differs from `s`.
pub fn likely_host(given: &str) -> Option<&str> {
    let mut s = given.trim_ascii();
    if let Some(at) = find_str(s, "//") {
        s = s.get(at + 2..).unwrap_or("");
    } else if let Some(colon) = find(s, b":") {
        // `https:example.com`
        let scheme = s.get(..colon).unwrap_or("");
        if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") {
            s = s.get(colon + 1..).unwrap_or("");
        }
    }
    s = s.get(..find(s, b"/\\?#").unwrap_or(s.len())).unwrap_or("");
    if let Some(at) = s.bytes().rposition(|b| b == b'@') {
        s = s.get(at + 1..).unwrap_or("");
    }
    s = s.get(..find(s, b":").unwrap_or(s.len())).unwrap_or("");
    (s != given && check_host_name(s).is_ok()).then_some(s)
}

/// Whether `needle` occurs in `s`.
fn contains(s: &str, needle: &str) -> bool {
    find_str(s, needle).is_some()
}

/// The byte offset of the first `needle` in `s`.
fn find_str(s: &str, needle: &str) -> Option<usize> {
    s.as_bytes()
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
}

/// Strips a valid `:port` from `host:port` (IPv6 literals in brackets kept whole).
fn split_port(host_port: &str) -> Result<&str, UrlProblem> {
    let port_at = if host_port.starts_with('[') {
        let close = find(host_port, b"]").ok_or("its IPv6 host has no closing ]")?;
        match host_port.get(close + 1..).unwrap_or("") {
            "" => None,
            p if p.starts_with(':') => Some(close + 1),
            _ => return Err("it has text after the IPv6 host"),
        }
    } else {
        host_port.bytes().rposition(|b| b == b':')
    };
    let Some(at) = port_at else {
        return Ok(host_port);
    };
    let (host, port) = host_port.split_at_checked(at).unwrap_or((host_port, ""));
    let port = port.get(1..).unwrap_or("");
    let valid = !port.is_empty()
        && port.len() <= 5
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u32>().is_ok_and(|p| p <= 65535);
    if port.is_empty() {
        // "http://host:/" is allowed by URL parsers: an empty port means the default.
        return Ok(host);
    }
    if !valid {
        return Err("its port is not a number from 0 to 65535");
    }
    Ok(host)
}

/// The byte offset of the first byte of `s` that is one of the ASCII bytes
/// in `any`.
fn find(s: &str, any: &[u8]) -> Option<usize> {
    s.bytes().position(|b| any.contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_http_and_https_urls() {
        let u = parse_http_url("https://example.com/").unwrap();
        assert_eq!((u.scheme, u.host, u.rest), ("https", "example.com", "/"));
        let u = parse_http_url("HTTP://Example.com:8080/a b?x=1&y=2#frag").unwrap();
        assert_eq!(
            (u.scheme, u.host, u.rest),
            ("http", "Example.com", "/a b?x=1&y=2#frag")
        );
        let u = parse_http_url("http://[::1]:9/").unwrap();
        assert_eq!(u.host, "[::1]");
        let u = parse_http_url("https://user:pw@host.example").unwrap();
        assert!(u.has_userinfo);
        assert_eq!((u.host, u.rest), ("host.example", ""));
        assert!(parse_http_url("https://bücher.example/ä?q=カレー").is_ok());
    }

    #[test]
    fn host_names() {
        for ok in [
            "example.com",
            "blog.example.co.uk",
            "EXAMPLE.com",
            "bücher.example",
            "example.com.",
            "localhost",
            "127.0.0.1",
            "xn--bcher-kva.example",
        ] {
            assert_eq!(check_host_name(ok), Ok(()), "{ok}");
        }
        use HostProblem::*;
        for (bad, problem, likely) in [
            ("", Empty, None),
            ("https://example.com/", Url, Some("example.com")),
            (
                "http://user:pw@example.com:8080/a?b#c",
                Url,
                Some("example.com"),
            ),
            ("ftp://example.com", Url, Some("example.com")),
            ("//example.com/", Url, Some("example.com")),
            ("https:example.com", Url, Some("example.com")),
            (" example.com", WhiteSpace, Some("example.com")),
            ("example.com\n", WhiteSpace, Some("example.com")),
            ("exa mple.com", WhiteSpace, None),
            ("example.com\u{7}", Control, None),
            ("user@example.com", UserInfo, Some("example.com")),
            ("example.com/blog", Path, Some("example.com")),
            ("example.com\\blog", Path, Some("example.com")),
            ("example.com?x=1", QueryOrFragment, Some("example.com")),
            ("example.com#top", QueryOrFragment, Some("example.com")),
            ("example.com:8080", Port, Some("example.com")),
            ("[::1]", Characters, None),
            ("exa<mple.com", Characters, None),
            (".example.com", EmptyLabel, None),
            ("example..com", EmptyLabel, None),
            (".", EmptyLabel, None),
        ] {
            assert_eq!(check_host_name(bad), Err(problem), "{bad:?}");
            assert_eq!(likely_host(bad), likely, "{bad:?}");
        }
        let long = "a.".repeat(127) + "a";
        assert_eq!(check_host_name(&long), Err(TooLong));
        assert_eq!(check_host_name(&long[2..]), Ok(()));
    }

    #[test]
    fn rejects_what_is_not_an_absolute_http_url() {
        for (s, why) in [
            ("", "empty"),
            (" https://a.example", "white space"),
            ("https://a.example/\n", "white space"),
            ("https://a.example/\u{7}", "control"),
            ("/relative/path", "not an absolute"),
            ("example.com", "not an absolute"),
            ("ftp://example.com/", "scheme"),
            ("javascript:alert(1)", "scheme"),
            ("https:example.com", "no host"),
            ("https:///path", "no host"),
            ("https://:80/", "no host"),
            ("https://a.example:99999/", "port"),
            ("https://a.example:8x/", "port"),
            ("https://a b.example/", "host"),
            ("http://[::1/", "IPv6"),
            ("https://]", "host"),
            ("https://a[", "host"),
            ("https://a.example:1:2/", "host"),
            ("https://[zz]/", "host"),
        ] {
            let err = parse_http_url(s).expect_err(s);
            assert!(err.contains(why), "{s:?}: {err}");
        }
    }
}
