//! wasm-bindgen tests of the exported API against the local stand-in API.
//!
//! The same file runs in Node and in headless Chromium (the test command sets
//! `WASM_BINDGEN_USE_BROWSER` for the second run). `STAND_IN_URL` names the
//! running stand-in at compile time; without it these tests are not built.
#![cfg(target_arch = "wasm32")]

use js_sys::{Object, Reflect};
use keywords_everywhere_backlinks::{estimate_credits, BacklinksClient};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

const STAND_IN: &str = env!("STAND_IN_URL");
const VALID_KEY: &str = "ke_test_valid_key";

/// A JS object from `(name, value)` pairs.
fn object(entries: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in entries {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

fn get(v: &JsValue, name: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(name)).unwrap()
}

fn client(key: &str, extra: &[(&str, JsValue)]) -> BacklinksClient {
    let mut entries = vec![("apiKey", key.into()), ("baseUrl", STAND_IN.into())];
    entries.extend_from_slice(extra);
    BacklinksClient::new(object(&entries)).expect("valid options")
}

fn params(page: &str, num: f64) -> JsValue {
    object(&[("page", page.into()), ("num", num.into())])
}

/// Awaits a call that must fail, and returns the error.
async fn rejection(promise: js_sys::Promise) -> JsValue {
    match JsFuture::from(promise).await {
        Ok(v) => panic!("expected a rejection, got {v:?}"),
        Err(e) => e,
    }
}

fn code(err: &JsValue) -> String {
    get(err, "code").as_string().unwrap_or_default()
}

/// Queues one stand-in fault, e.g. `{"status":503}`.
async fn fault(json: &str) {
    let r = gloo_net::http::Request::post(&format!("{STAND_IN}/__control/faults"))
        .header("content-type", "application/json")
        .body(json)
        .unwrap()
        .send()
        .await
        .unwrap();
    assert!(r.ok(), "fault not queued: {}", r.status());
}

/// Drops the stand-in's queued faults.
async fn clear_faults() {
    gloo_net::http::Request::delete(&format!("{STAND_IN}/__control/faults"))
        .send()
        .await
        .unwrap();
}

/// How many endpoint requests the stand-in has seen.
async fn requests_seen() -> u32 {
    let r = gloo_net::http::Request::get(&format!("{STAND_IN}/__control/log"))
        .send()
        .await
        .unwrap();
    let log = js_sys::JSON::parse(&r.text().await.unwrap()).unwrap();
    let list = if js_sys::Array::is_array(&log) {
        log
    } else {
        get(&log, "log")
    };
    list.unchecked_into::<js_sys::Array>().length()
}

#[wasm_bindgen_test]
async fn returns_the_documented_sample() {
    let c = client(VALID_KEY, &[]);
    let r = JsFuture::from(c.get_page_backlinks(params("https://example.com/", 3.0)))
        .await
        .unwrap();
    let data: js_sys::Array = get(&r, "data").unchecked_into();
    assert_eq!(data.length(), 3);
    let first = data.get(0);
    assert_eq!(get(&first, "anchor_text"), "example.com");
    assert_eq!(get(&first, "domain_source"), "reddit.com");
    assert_eq!(
        get(&first, "url_source"),
        "https://www.reddit.com/r/dns/comments/1an8jx0/bind_reverse_lookup_failing"
    );
    assert_eq!(get(&r, "credits_consumed").as_f64(), Some(3.0));
    assert_eq!(get(&r, "time_taken").as_f64(), Some(0.98));
}

#[wasm_bindgen_test]
async fn unique_endpoint_costs_five_per_backlink() {
    let c = client(VALID_KEY, &[]);
    let r = JsFuture::from(c.get_unique_page_backlinks(params("https://example.com/", 5.0)))
        .await
        .unwrap();
    assert_eq!(get(&r, "credits_consumed").as_f64(), Some(25.0));
    let second = js_sys::Array::from(&get(&r, "data")).get(1);
    assert_eq!(get(&second, "anchor_text"), "カレー");
}

#[wasm_bindgen_test]
async fn tricky_text_comes_back_exactly_and_missing_fields_are_empty() {
    let c = client(VALID_KEY, &[]);
    let r = JsFuture::from(c.get_page_backlinks(params("https://tricky.example/", 100.0)))
        .await
        .unwrap();
    let anchors: Vec<String> = js_sys::Array::from(&get(&r, "data"))
        .iter()
        .map(|b| get(&b, "anchor_text").as_string().expect("a string"))
        .collect();
    assert!(anchors
        .iter()
        .any(|a| a == "<script>window.__xss=1</script>"));
    assert!(anchors
        .iter()
        .any(|a| a.contains('\u{2028}') && a.contains('\0')));
    assert!(anchors.iter().any(|a| a == "カレー 🍛"));
    // The stand-in's last two have a null and a missing anchor_text.
    assert_eq!(anchors[anchors.len() - 1], "");
    assert_eq!(anchors[anchors.len() - 2], "");
}

#[wasm_bindgen_test]
async fn invalid_arguments_send_nothing() {
    let c = client(VALID_KEY, &[]);
    let before = requests_seen().await;
    for (p, field) in [
        (params("ftp://example.com/", 5.0), "page"),
        (params("https://example.com/", 0.0), "num"),
        (params("https://example.com/", 2.5), "num"),
        (
            object(&[("page", "https://example.com/".into()), ("num", "5".into())]),
            "num",
        ),
    ] {
        let err = rejection(c.get_page_backlinks(p)).await;
        assert_eq!(code(&err), "invalid_argument");
        assert_eq!(get(&err, "field"), field);
        assert!(err.is_instance_of::<js_sys::Error>());
        assert_eq!(get(&err, "name"), "KeywordsEverywhereError");
    }
    assert_eq!(requests_seen().await, before);
}

#[wasm_bindgen_test]
fn bad_options_throw_from_the_constructor() {
    let err = BacklinksClient::new(object(&[("apiKey", "k".into()), ("timeoutMs", 0.into())]))
        .err()
        .expect("throws");
    assert_eq!(code(&err), "invalid_argument");
    assert_eq!(get(&err, "field"), "timeoutMs");
    let err = BacklinksClient::new(JsValue::UNDEFINED)
        .err()
        .expect("throws");
    assert_eq!(get(&err, "field"), "apiKey");
}

#[wasm_bindgen_test]
fn estimates_credits() {
    assert_eq!(estimate_credits("unique".into(), 10.into()).unwrap(), 50);
    assert_eq!(
        estimate_credits("page".into(), 10_000.into()).unwrap(),
        10_000
    );
    assert_eq!(estimate_credits("domain".into(), 7.into()).unwrap(), 7);
    assert_eq!(
        estimate_credits("unique_domain".into(), 7.into()).unwrap(),
        35
    );
    assert_eq!(
        estimate_credits("unique_page".into(), 7.into()).unwrap(),
        35
    );
    let err = estimate_credits("domains".into(), 1.into()).unwrap_err();
    assert_eq!(get(&err, "field"), "kind");
}

#[wasm_bindgen_test]
async fn domain_lookups_return_the_documented_samples() {
    let c = client(VALID_KEY, &[]);
    let p = || object(&[("domain", "example.com".into()), ("num", 5.into())]);
    let r = JsFuture::from(c.get_domain_backlinks(p())).await.unwrap();
    let first = js_sys::Array::from(&get(&r, "data")).get(0);
    assert_eq!(get(&first, "domain_source"), "amazon.com");
    assert_eq!(get(&r, "credits_consumed").as_f64(), Some(5.0));
    assert_eq!(get(&r, "time_taken").as_f64(), Some(2.02));
    let r = JsFuture::from(c.get_unique_domain_backlinks(p()))
        .await
        .unwrap();
    let second = js_sys::Array::from(&get(&r, "data")).get(1);
    assert_eq!(get(&second, "domain_source"), "microsoft.com");
    assert_eq!(get(&r, "credits_consumed").as_f64(), Some(25.0));
}

#[wasm_bindgen_test]
async fn a_url_is_no_domain() {
    let c = client(VALID_KEY, &[]);
    let before = requests_seen().await;
    let p = object(&[("domain", "https://example.com/".into()), ("num", 5.into())]);
    let err = rejection(c.get_domain_backlinks(p)).await;
    assert_eq!(code(&err), "invalid_argument");
    assert_eq!(get(&err, "field"), "domain");
    let message = get(&err, "message").as_string().unwrap();
    assert!(
        message.contains("pass `example.com`, not a URL"),
        "{message}"
    );
    assert_eq!(requests_seen().await, before);
}

#[wasm_bindgen_test]
async fn the_balance_is_a_number_that_lookups_spend() {
    let c = client(VALID_KEY, &[]);
    let before = JsFuture::from(c.get_credits(JsValue::UNDEFINED))
        .await
        .unwrap()
        .as_f64()
        .expect("a number");
    JsFuture::from(c.get_page_backlinks(params("https://example.com/", 2.0)))
        .await
        .unwrap();
    let after = JsFuture::from(c.get_credits(object(&[])))
        .await
        .unwrap()
        .as_f64()
        .expect("a number");
    assert_eq!(before - after, 2.0);
}

#[wasm_bindgen_test]
async fn a_redirect_is_not_followed() {
    let c = client(VALID_KEY, &[("maxRetries", 2.into())]);
    fault(&format!(
        r#"{{"status":307,"headers":{{"Location":"{STAND_IN}/v1/get_page_backlinks","Cache-Control":"no-store"}},"times":3}}"#
    ))
    .await;
    let before = requests_seen().await;
    let err = rejection(c.get_page_backlinks(params("https://a.example/", 1.0))).await;
    // Node shows the status; a browser hides it behind an opaque redirect.
    let status = get(&err, "status").as_f64();
    match code(&err).as_str() {
        "http_error" => assert_eq!(status, Some(307.0)),
        other => assert_eq!((other, status), ("network_error", None)),
    }
    assert_eq!(requests_seen().await - before, 1);
    clear_faults().await;
}

#[wasm_bindgen_test]
async fn api_errors_are_classified_and_never_hold_the_key() {
    for (key, expected) in [
        ("ke_wrong_key_123456", "unauthorized"),
        ("ke_test_no_subscription", "subscription_required"),
        ("ke_test_bronze_plan", "plan_required"),
        ("ke_test_low_credits", "insufficient_credits"),
        ("ke_test_other_402", "payment_required"),
    ] {
        let c = client(key, &[]);
        let err =
            rejection(c.get_unique_page_backlinks(params("https://a.example/", 1000.0))).await;
        assert_eq!(code(&err), expected, "{key}");
        let text = format!(
            "{:?} {:?} {:?}",
            get(&err, "message"),
            get(&err, "description"),
            get(&err, "stack")
        );
        assert!(!text.contains(key), "key leaked: {text}");
    }
}

#[wasm_bindgen_test]
async fn retries_a_server_error_then_succeeds() {
    let c = client(VALID_KEY, &[("maxRetries", 2.into())]);
    fault(r#"{"status":503}"#).await;
    let before = requests_seen().await;
    let r = JsFuture::from(c.get_page_backlinks(params("https://a.example/", 2.0)))
        .await
        .unwrap();
    assert_eq!(js_sys::Array::from(&get(&r, "data")).length(), 2);
    assert_eq!(requests_seen().await - before, 2);
}

#[wasm_bindgen_test]
async fn rate_limited_after_retries_with_retry_after() {
    let c = client(VALID_KEY, &[("maxRetries", 1.into())]);
    fault(r#"{"status":429,"retryAfter":"0","times":2}"#).await;
    let err = rejection(c.get_page_backlinks(params("https://a.example/", 2.0))).await;
    assert_eq!(code(&err), "rate_limited");
    assert_eq!(get(&err, "retryAfter").as_f64(), Some(0.0));
    assert_eq!(get(&err, "status").as_f64(), Some(429.0));
}

#[wasm_bindgen_test]
async fn a_slow_answer_times_out() {
    let c = client(VALID_KEY, &[("timeoutMs", 100.into())]);
    fault(r#"{"delayMs":1000}"#).await;
    let err = rejection(c.get_page_backlinks(params("https://a.example/", 2.0))).await;
    assert_eq!(code(&err), "timeout");
}

#[wasm_bindgen_test]
async fn an_aborted_signal_sends_nothing() {
    let c = client(VALID_KEY, &[]);
    let controller = web_sys::AbortController::new().unwrap();
    controller.abort();
    let before = requests_seen().await;
    let p = object(&[
        ("page", "https://a.example/".into()),
        ("num", 1.into()),
        ("signal", controller.signal().into()),
    ]);
    let err = rejection(c.get_page_backlinks(p)).await;
    assert_eq!(code(&err), "aborted");
    assert_eq!(requests_seen().await, before);
}

#[wasm_bindgen_test]
async fn non_json_success_is_an_invalid_response() {
    let c = client(VALID_KEY, &[]);
    fault(r#"{"html":true}"#).await;
    let err = rejection(c.get_page_backlinks(params("https://a.example/", 2.0))).await;
    assert_eq!(code(&err), "invalid_response");
    assert!(get(&err, "message").as_string().unwrap().contains("HTML"));
}

#[wasm_bindgen_test]
async fn no_server_is_a_network_error() {
    let c = BacklinksClient::new(object(&[
        ("baseUrl", "http://127.0.0.1:9".into()),
        ("maxRetries", 0.into()),
    ]))
    .unwrap();
    let err = rejection(c.get_page_backlinks(params("https://a.example/", 1.0))).await;
    assert_eq!(code(&err), "network_error");
}
