//! The one place that knows the API's four backlinks lookups: each one's
//! path, method, form field, price and kind name. [`crate::params`],
//! [`crate::request`], the transport and the credit arithmetic all read
//! them from here, so no two of those modules need each other for them.
//!
//! The balance (`GET /v1/account/credits`) is no lookup: it takes no
//! parameters and costs nothing, and has its own [`CREDITS_PATH`].

/// `GET {baseUrl}/v1/account/credits`: the account's balance.
pub const CREDITS_PATH: &str = "/v1/account/credits";

/// The form field that names what a lookup is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// `page`: an absolute http(s) URL.
    Page,
    /// `domain`: a bare host name such as `example.com`.
    Domain,
}

impl Target {
    /// The field's name, on the wire and in the JS parameters.
    pub const fn name(self) -> &'static str {
        match self {
            Target::Page => "page",
            Target::Domain => "domain",
        }
    }
}

/// One of the four backlinks lookups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `POST /v1/get_page_backlinks`: 1 credit per backlink.
    Page,
    /// `POST /v1/get_unique_page_backlinks`: one per source domain, 5 credits each.
    UniquePage,
    /// `POST /v1/get_domain_backlinks`: 1 credit per backlink.
    Domain,
    /// `POST /v1/get_unique_domain_backlinks`: one per source domain, 5 credits each.
    UniqueDomain,
}

impl Endpoint {
    /// The four lookups, in the order of [`Endpoint::index`].
    pub const ALL: [Endpoint; 4] = [
        Endpoint::Page,
        Endpoint::UniquePage,
        Endpoint::Domain,
        Endpoint::UniqueDomain,
    ];

    /// The lookup's place in [`Endpoint::ALL`], for tables indexed by lookup.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The lookup's path, after `baseUrl`.
    pub const fn path(self) -> &'static str {
        match self {
            Endpoint::Page => "/v1/get_page_backlinks",
            Endpoint::UniquePage => "/v1/get_unique_page_backlinks",
            Endpoint::Domain => "/v1/get_domain_backlinks",
            Endpoint::UniqueDomain => "/v1/get_unique_domain_backlinks",
        }
    }

    /// The HTTP method of every lookup.
    pub const fn method(self) -> &'static str {
        "POST"
    }

    /// The form field naming what the lookup is about: `page` or `domain`.
    pub const fn target(self) -> Target {
        match self {
            Endpoint::Page | Endpoint::UniquePage => Target::Page,
            Endpoint::Domain | Endpoint::UniqueDomain => Target::Domain,
        }
    }

    /// What one returned backlink costs, in credits.
    pub const fn credits_per_backlink(self) -> u32 {
        match self {
            Endpoint::Page | Endpoint::Domain => 1,
            Endpoint::UniquePage | Endpoint::UniqueDomain => 5,
        }
    }

    /// The worst case of asking for `num` backlinks: every one returned.
    pub const fn worst_case_credits(self, num: u32) -> u32 {
        num.saturating_mul(self.credits_per_backlink())
    }

    /// The lookup's kind name, as `estimateCredits` and `lookupBody` take it.
    pub const fn kind(self) -> &'static str {
        match self {
            Endpoint::Page => "page",
            Endpoint::UniquePage => "unique_page",
            Endpoint::Domain => "domain",
            Endpoint::UniqueDomain => "unique_domain",
        }
    }

    /// The lookup a kind name names; `"unique"` is the former name of
    /// `"unique_page"` and stays accepted.
    pub fn from_kind(kind: &str) -> Option<Endpoint> {
        match kind.as_bytes() {
            b"page" => Some(Endpoint::Page),
            b"unique_page" | b"unique" => Some(Endpoint::UniquePage),
            b"domain" => Some(Endpoint::Domain),
            b"unique_domain" => Some(Endpoint::UniqueDomain),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_lookups() {
        let table: Vec<_> = Endpoint::ALL
            .iter()
            .map(|e| {
                (
                    e.kind(),
                    e.path(),
                    e.target().name(),
                    e.credits_per_backlink(),
                )
            })
            .collect();
        assert_eq!(
            table,
            [
                ("page", "/v1/get_page_backlinks", "page", 1),
                ("unique_page", "/v1/get_unique_page_backlinks", "page", 5),
                ("domain", "/v1/get_domain_backlinks", "domain", 1),
                (
                    "unique_domain",
                    "/v1/get_unique_domain_backlinks",
                    "domain",
                    5
                ),
            ]
        );
        for (i, e) in Endpoint::ALL.into_iter().enumerate() {
            assert_eq!(e.index(), i);
            assert_eq!(e.method(), "POST");
            assert_eq!(Endpoint::from_kind(e.kind()), Some(e));
        }
    }

    #[test]
    fn kinds() {
        assert_eq!(Endpoint::from_kind("unique"), Some(Endpoint::UniquePage));
        for bad in ["", "Page", "pages", "unique-domain", "credits"] {
            assert_eq!(Endpoint::from_kind(bad), None, "{bad}");
        }
        assert_eq!(Endpoint::UniqueDomain.worst_case_credits(10_000), 50_000);
        assert_eq!(Endpoint::Domain.worst_case_credits(7), 7);
        assert_eq!(Endpoint::UniquePage.worst_case_credits(u32::MAX), u32::MAX);
    }
}
