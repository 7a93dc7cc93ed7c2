//! The one error type of the crate, and its single conversion into the JS
//! `KeywordsEverywhereError`.
//!
//! Every variant is a case a caller can act on; [`Error::code`] is its stable
//! machine-readable name, [`Error::message`] says what happened and what to do.
//! No variant ever holds the API key: messages are built only from the
//! caller's non-secret arguments and from what the server answered.

use crate::prelude::*;
use core::fmt;

/// What the API said in an error answer (`{ "message": ..., "description": ... }`),
/// or a proxy in front of it (`{ "code": ..., "message": ... }`, as this
/// repository's Worker answers).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiMessage {
    /// The HTTP status of the answer.
    pub status: u16,
    /// The API's `message`, e.g. `"402 Insufficient Credits"`, when the body had one.
    pub message: Option<String>,
    /// The API's `description`, when the body had one.
    pub description: Option<String>,
    /// A proxy's `code`, e.g. `"rate_limited"`, when the body had one: the
    /// answer then came from a proxy, in its own words.
    pub code: Option<String>,
}

/// Everything that can go wrong, one variant per case a caller can act on.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// Local validation failed; nothing was sent and no credits were spent.
    InvalidArgument {
        /// The option or parameter at fault, e.g. `"num"` or `"apiKey"`.
        field: &'static str,
        /// What was wrong and how to fix it.
        message: String,
    },
    /// HTTP 400: the API found the submitted data invalid.
    BadRequest(ApiMessage),
    /// HTTP 401: the API key is missing or invalid.
    Unauthorized(ApiMessage),
    /// HTTP 402: the account has no valid subscription.
    SubscriptionRequired(ApiMessage),
    /// HTTP 402: the endpoint needs a Gold or Platinum plan.
    PlanRequired(ApiMessage),
    /// HTTP 402: the account has too few credits.
    InsufficientCredits(ApiMessage),
    /// Any other HTTP 402.
    PaymentRequired(ApiMessage),
    /// HTTP 429 after the retries were spent.
    RateLimited {
        /// What the server said.
        api: ApiMessage,
        /// Seconds the server asked to wait (`Retry-After`), when it said.
        retry_after: Option<f64>,
    },
    /// HTTP 5xx after the retries were spent.
    ServerError(ApiMessage),
    /// Any other non-2xx status.
    HttpError(ApiMessage),
    /// A redirect (3xx), which is never followed: following one re-sends a
    /// request that may cost credits. Not retried.
    Redirect {
        /// The 3xx status; `None` where the runtime hides it (a browser's
        /// opaque redirect), and the error is then a `network_error`.
        status: Option<u16>,
    },
    /// No response came (refused, reset, DNS, CORS) after the retries were spent.
    NetworkError {
        /// The runtime's own words, e.g. `"TypeError: fetch failed"`.
        detail: String,
        /// How many attempts were made.
        attempts: u32,
    },
    /// One attempt took longer than `timeoutMs`.
    Timeout {
        /// The limit that was exceeded.
        timeout_ms: u32,
    },
    /// The caller's `AbortSignal` aborted the call.
    Aborted,
    /// A target of a bulk run that was never sent: skipped because the cap
    /// left no room for it (`budget_exceeded`), because an earlier target
    /// stopped the run (that target's code), because the run was aborted
    /// (`aborted`), or because it was a dry run (`dry_run`).
    NotSent {
        /// The code: `budget_exceeded`, `dry_run`, `aborted`, or the code
        /// that stopped the run.
        code: &'static str,
        /// Why it was not sent.
        message: String,
    },
    /// A 2xx answer whose body is not the documented JSON shape.
    InvalidResponse {
        /// The HTTP status of the answer.
        status: u16,
        /// What was wrong with the body.
        detail: String,
    },
}

impl Error {
    /// Shorthand for [`Error::InvalidArgument`].
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Error::InvalidArgument {
            field,
            message: message.into(),
        }
    }

    /// The stable code of this error, as documented in the README.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidArgument { .. } => "invalid_argument",
            Error::BadRequest(_) => "bad_request",
            Error::Unauthorized(_) => "unauthorized",
            Error::SubscriptionRequired(_) => "subscription_required",
            Error::PlanRequired(_) => "plan_required",
            Error::InsufficientCredits(_) => "insufficient_credits",
            Error::PaymentRequired(_) => "payment_required",
            Error::RateLimited { .. } => "rate_limited",
            Error::ServerError(_) => "server_error",
            Error::HttpError(_) | Error::Redirect { status: Some(_) } => "http_error",
            Error::Redirect { status: None } => "network_error",
            Error::NetworkError { .. } => "network_error",
            Error::Timeout { .. } => "timeout",
            Error::Aborted => "aborted",
            Error::InvalidResponse { .. } => "invalid_response",
            Error::NotSent { code, .. } => code,
        }
    }

    /// The API's answer behind this error, when a response came.
    fn api(&self) -> Option<&ApiMessage> {
        match self {
            Error::BadRequest(api)
            | Error::Unauthorized(api)
            | Error::SubscriptionRequired(api)
            | Error::PlanRequired(api)
            | Error::InsufficientCredits(api)
            | Error::PaymentRequired(api)
            | Error::ServerError(api)
            | Error::HttpError(api)
            | Error::RateLimited { api, .. } => Some(api),
            _ => None,
        }
    }

    /// The HTTP status, when a response came.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::InvalidResponse { status, .. } => Some(*status),
            Error::Redirect { status } => *status,
            other => other.api().map(|api| api.status),
        }
    }

    /// The API's own `description`, when it gave one.
    pub fn description(&self) -> Option<&str> {
        self.api().and_then(|api| api.description.as_deref())
    }

    /// The option or parameter at fault, for `invalid_argument`.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Error::InvalidArgument { field, .. } => Some(field),
            _ => None,
        }
    }

    /// Seconds the server asked to wait, for `rate_limited`.
    pub fn retry_after(&self) -> Option<f64> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Whether another attempt may succeed: 429, 5xx and network errors.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Error::RateLimited { .. } | Error::ServerError(_) | Error::NetworkError { .. }
        )
    }

    /// What happened and what to do about it, in one or two sentences.
    pub fn message(&self) -> String {
        let said = |api: &ApiMessage| match (&api.code, &api.message) {
            (Some(code), Some(m)) => {
                text!(
                    "the proxy answered ",
                    api.status,
                    " (",
                    code,
                    "): \"",
                    m,
                    "\""
                )
            }
            (None, Some(m)) => text!("the API answered ", api.status, " \"", m, "\""),
            _ => text!("the API answered HTTP ", api.status),
        };
        match self {
            Error::InvalidArgument { message, .. } | Error::NotSent { message, .. } => {
                message.clone()
            }
            Error::BadRequest(api) => text!(
                "The request was refused as invalid: ",
                said(api),
                ". Check `page` (an absolute http(s) URL) or `domain` (a bare host name), and `num` (1 to 10000)."
            ),
            Error::Unauthorized(api) => text!(
                "The API key was refused: ",
                said(api),
                ". Check the `apiKey` option; a key comes from your Keywords Everywhere account's API page."
            ),
            Error::SubscriptionRequired(api) => text!(
                "No valid subscription: ",
                said(api),
                ". Backlinks need an active Keywords Everywhere subscription."
            ),
            Error::PlanRequired(api) => text!(
                "Plan too small: ",
                said(api),
                ". Backlinks need a Gold or Platinum plan; upgrade the plan to use this endpoint."
            ),
            Error::InsufficientCredits(api) => text!(
                "Not enough credits: ",
                said(api),
                ". Buy more credits, or ask for fewer backlinks with a smaller `num`."
            ),
            Error::PaymentRequired(api) => text!(
                "Payment required: ",
                said(api),
                ". Check your Keywords Everywhere account's billing."
            ),
            Error::RateLimited { api, retry_after } => match retry_after {
                Some(s) => text!(
                    "Rate limited: ",
                    said(api),
                    ". Wait ",
                    crate::words::number(*s),
                    " s before trying again."
                ),
                None => text!("Rate limited: ", said(api), ". Wait a little before trying again."),
            },
            Error::ServerError(api) => text!(
                "The server failed: ",
                said(api),
                ", and retries did not help. Try again later."
            ),
            Error::HttpError(api) => text!(
                "Unexpected HTTP status: ",
                said(api),
                ". Check `baseUrl`: it must point at the API or at a proxy for it."
            ),
            Error::Redirect { status: Some(status) } => text!(
                "The server answered HTTP ",
                status,
                ", a redirect, which is not followed: following it would send the request again, and a lookup may be charged twice. Set `baseUrl` to the address it redirects to."
            ),
            Error::Redirect { status: None } => "The server answered with a redirect, which is not followed (the browser hides its status and where it leads): following it would send the request again, and a lookup may be charged twice. Set `baseUrl` to the API's or the proxy's own address.".into(),
            Error::NetworkError { detail, attempts } => text!(
                "No response from the server after ",
                attempts,
                if *attempts == 1 { " attempt (" } else { " attempts (" },
                detail,
                "). Check the network and `baseUrl`; in a browser, a cross-origin call also needs CORS on the server."
            ),
            Error::Timeout { timeout_ms } => text!(
                "The request took longer than timeoutMs (",
                timeout_ms,
                " ms) and was abandoned. Raise `timeoutMs` or ask for fewer backlinks."
            ),
            Error::Aborted => "The call was aborted by its AbortSignal.".into(),
            Error::InvalidResponse { status, detail } => text!(
                "The server answered HTTP ",
                status,
                " with a body that is not the documented JSON answer: ",
                detail,
                ". Check `baseUrl`; if it is right, the API changed or a proxy altered the answer."
            ),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())
    }
}

impl core::error::Error for Error {}

mod js {
    //! The single conversion of [`Error`] into the JS `KeywordsEverywhereError`.
    use super::Error;
    use crate::prelude::*;
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(module = "/js/error.js")]
    extern "C" {
        #[wasm_bindgen(js_name = makeError)]
        fn make_error(
            message: &str,
            code: &str,
            status: Option<u16>,
            description: Option<String>,
            field: Option<String>,
            retry_after: Option<f64>,
        ) -> JsValue;
    }

    impl From<Error> for JsValue {
        fn from(error: Error) -> JsValue {
            make_error(
                &error.message(),
                error.code(),
                error.status(),
                error.description().map(str::to_owned),
                error.field().map(str::to_owned),
                error.retry_after(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, message: &str, description: Option<&str>) -> ApiMessage {
        ApiMessage {
            status,
            message: Some(message.into()),
            description: description.map(Into::into),
            code: None,
        }
    }

    #[test]
    fn codes_and_fields() {
        let e = Error::invalid("num", "num must be 1..10000");
        assert_eq!(e.code(), "invalid_argument");
        assert_eq!(e.field(), Some("num"));
        assert_eq!(e.status(), None);
        let e = Error::InsufficientCredits(api(402, "402 Insufficient Credits", Some("d")));
        assert_eq!(e.code(), "insufficient_credits");
        assert_eq!(e.status(), Some(402));
        assert_eq!(e.description(), Some("d"));
        assert!(e.message().contains("Buy more credits"));
    }

    #[test]
    fn retryable_cases() {
        assert!(Error::ServerError(api(503, "x", None)).is_retryable());
        assert!(Error::NetworkError {
            detail: "x".into(),
            attempts: 1
        }
        .is_retryable());
        assert!(!Error::Timeout { timeout_ms: 5 }.is_retryable());
        assert!(!Error::Unauthorized(api(401, "x", None)).is_retryable());
    }

    #[test]
    fn rate_limited_says_how_long() {
        let e = Error::RateLimited {
            api: api(429, "429 Too Many Requests", None),
            retry_after: Some(3.0),
        };
        assert_eq!(e.retry_after(), Some(3.0));
        assert!(e.message().contains("Wait 3 s"), "{}", e.message());
    }

    #[test]
    fn redirects_are_final() {
        let shown = Error::Redirect { status: Some(307) };
        assert_eq!((shown.code(), shown.status()), ("http_error", Some(307)));
        assert!(shown.message().contains("HTTP 307"), "{}", shown.message());
        let hidden = Error::Redirect { status: None };
        assert_eq!((hidden.code(), hidden.status()), ("network_error", None));
        assert!(!shown.is_retryable() && !hidden.is_retryable());
    }

    #[test]
    fn a_proxy_message_is_quoted_once() {
        let e = Error::ServerError(ApiMessage {
            status: 503,
            message: Some("The upstream API failed.".into()),
            description: None,
            code: Some("upstream_error".into()),
        });
        let m = e.message();
        assert!(
            m.contains("the proxy answered 503 (upstream_error): \"The upstream API failed.\""),
            "{m}"
        );
        assert_eq!(m.matches("The upstream API failed.").count(), 1);
    }
}
