//! An HTTP answer (status and body bytes) turned into a checked success shape
//! or the [`Error`] a caller can act on.

use crate::error::{ApiMessage, Error};
use crate::json::{error_fields, scan_backlinks, scan_balance, BacklinksShape, ShapeError};
use crate::words::contains_bytes;

/// Classifies one answer to a lookup. `retry_after` is the server's
/// `Retry-After` in seconds, already parsed (see
/// [`crate::retry::parse_retry_after`]).
pub fn classify(
    status: u16,
    body: &[u8],
    retry_after: Option<f64>,
) -> Result<BacklinksShape, Error> {
    classify_with(status, body, retry_after, scan_backlinks)
}

/// Classifies one answer to the balance's request, as [`classify`] does a
/// lookup's: a 2xx must be a one-element array holding a number.
pub fn classify_balance(status: u16, body: &[u8], retry_after: Option<f64>) -> Result<(), Error> {
    classify_with(status, body, retry_after, scan_balance)
}

/// A 2xx checked by `scan`, or the error of any other status.
fn classify_with<T>(
    status: u16,
    body: &[u8],
    retry_after: Option<f64>,
    scan: fn(&[u8]) -> Result<T, ShapeError>,
) -> Result<T, Error> {
    if (200..300).contains(&status) {
        return scan(body).map_err(|detail| Error::InvalidResponse { status, detail });
    }
    Err(classify_failure(status, body, retry_after))
}

/// The error of a non-2xx answer. Out of line, like the other paths that
/// only failures take: the runtimes compile each wasm function the first
/// time it runs, so code that a successful call never runs costs its cold
/// start nothing as long as it sits in functions of its own.
#[inline(never)]
fn classify_failure(status: u16, body: &[u8], retry_after: Option<f64>) -> Error {
    let api = api_message(status, body);
    match status {
        400 => Error::BadRequest(api),
        401 => Error::Unauthorized(api),
        402 => classify_402(api),
        429 => Error::RateLimited { api, retry_after },
        300..=399 => Error::Redirect {
            status: Some(status),
        },
        500..=599 => Error::ServerError(api),
        _ => Error::HttpError(api),
    }
}

/// The API's `{message, description}`, or a proxy's `{code, message}`,
/// when the body is such an object.
fn api_message(status: u16, body: &[u8]) -> ApiMessage {
    let [message, description, code, _] = error_fields(body);
    ApiMessage {
        status,
        message,
        description,
        code,
    }
}

/// Tells the three documented 402s apart by a proxy's code or the API's
/// message; anything else is a generic payment problem.
fn classify_402(api: ApiMessage) -> Error {
    match api.code.as_deref() {
        Some("plan_required") => return Error::PlanRequired(api),
        Some("insufficient_credits") => return Error::InsufficientCredits(api),
        Some("subscription_required") => return Error::SubscriptionRequired(api),
        _ => {}
    }
    let text = api.message.as_deref().unwrap_or("").to_ascii_lowercase();
    let says = |word: &str| contains_bytes(&text, word);
    // "Gold or Platinum subscription required" also says "subscription
    // required", so the plan check comes first.
    if says("gold") || says("platinum") {
        Error::PlanRequired(api)
    } else if says("credit") {
        Error::InsufficientCredits(api)
    } else if says("subscription") {
        Error::SubscriptionRequired(api)
    } else {
        Error::PaymentRequired(api)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(status: u16, body: &str) -> &'static str {
        classify(status, body.as_bytes(), None).unwrap_err().code()
    }

    #[test]
    fn documented_errors() {
        assert_eq!(
            code(401, r#"{"message":"401 Missing Or Invalid API Key"}"#),
            "unauthorized"
        );
        assert_eq!(
            code(
                402,
                r#"{"message":"402 Subscription Required","description":"A valid subscription is required to access this resource."}"#
            ),
            "subscription_required"
        );
        assert_eq!(
            code(
                402,
                r#"{"message":"402 Gold or Platinum subscription required","description":"A Gold or Platinum Plan subscription is required to access this resource."}"#
            ),
            "plan_required"
        );
        assert_eq!(
            code(
                402,
                r#"{"message":"402 Insufficient Credits","description":"You do not have sufficient credits to complete this request."}"#
            ),
            "insufficient_credits"
        );
        assert_eq!(
            code(402, r#"{"message":"402 Payment Failed"}"#),
            "payment_required"
        );
        assert_eq!(code(402, "<html>"), "payment_required");
        assert_eq!(
            code(400, r#"{"message":"400 Invalid Request"}"#),
            "bad_request"
        );
    }

    #[test]
    fn other_statuses() {
        assert_eq!(code(429, ""), "rate_limited");
        assert_eq!(code(500, "<html>oops</html>"), "server_error");
        assert_eq!(code(503, "{}"), "server_error");
        assert_eq!(code(404, r#"{"message":"404 Not Found"}"#), "http_error");
        assert_eq!(code(302, ""), "http_error");
        let e = classify(307, b"", None).unwrap_err();
        assert_eq!((e.status(), e.is_retryable()), (Some(307), false));
        assert!(e.message().contains("not followed"), "{}", e.message());
        let e = classify(429, b"{}", Some(7.0)).unwrap_err();
        assert_eq!(e.retry_after(), Some(7.0));
    }

    #[test]
    fn keeps_what_the_api_said() {
        let e = classify(
            402,
            br#"{"message":"402 Insufficient Credits","description":"You do not have sufficient credits to complete this request."}"#,
            None,
        )
        .unwrap_err();
        assert_eq!(e.status(), Some(402));
        assert_eq!(
            e.description(),
            Some("You do not have sufficient credits to complete this request.")
        );
        assert!(e.message().contains("402 Insufficient Credits"));
    }

    #[test]
    fn success_bodies() {
        assert_eq!(classify(200, br#"{"data":[]}"#, None).unwrap().items, 0);
        let e = classify(200, b"<!doctype html>", None).unwrap_err();
        assert_eq!((e.code(), e.status()), ("invalid_response", Some(200)));
        assert_eq!(
            classify(204, b"", None).unwrap_err().code(),
            "invalid_response"
        );
    }

    #[test]
    fn proxy_errors() {
        let e = classify(
            402,
            br#"{"code":"insufficient_credits","message":"The Worker's budget is spent."}"#,
            None,
        )
        .unwrap_err();
        assert_eq!(e.code(), "insufficient_credits");
        let m = e.message();
        assert!(
            m.contains(
                r#"the proxy answered 402 (insufficient_credits): "The Worker's budget is spent.""#
            ),
            "{m}"
        );
        assert_eq!(m.matches("budget is spent").count(), 1);
        let e = classify(
            429,
            br#"{"code":"rate_limited","message":"Slow down."}"#,
            Some(2.0),
        )
        .unwrap_err();
        assert_eq!((e.code(), e.retry_after()), ("rate_limited", Some(2.0)));
    }

    #[test]
    fn balances() {
        assert_eq!(classify_balance(200, b"[95597755]", None), Ok(()));
        let e = classify_balance(200, br#"{"message":"ok"}"#, None).unwrap_err();
        assert_eq!((e.code(), e.status()), ("invalid_response", Some(200)));
        let e = classify_balance(
            401,
            br#"{"message":"401 Missing Or Invalid API Key"}"#,
            None,
        )
        .unwrap_err();
        assert_eq!(e.code(), "unauthorized");
    }
}
