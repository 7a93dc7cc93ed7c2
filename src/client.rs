//! One backlinks call from start to end: build the request, send it, classify
//! the answer, and retry what may succeed on another attempt.

use crate::error::Error;
use crate::js_values::{backlinks_result, TextDecoder};
use crate::params::{ClientConfig, Query};
use crate::prelude::*;
use crate::request::{self, Endpoint};
use crate::response::classify;
use crate::retry::{delay_ms, parse_retry_after};
use crate::transport::{self, now_ms, random};
use js_sys::Uint8Array;
use wasm_bindgen::JsValue;
use web_sys::AbortSignal;

/// What one `BacklinksClient` keeps between calls.
pub struct Client {
    /// The checked options.
    pub config: ClientConfig,
    /// Decodes answer bodies for the host's `JSON.parse`.
    pub decoder: TextDecoder,
    /// The JS values every request of this client shares.
    pub fetcher: transport::Fetcher,
}

impl Client {
    /// A client for `config`.
    pub fn new(config: ClientConfig) -> Self {
        Client {
            fetcher: transport::Fetcher::new(&config),
            decoder: TextDecoder::new(),
            config,
        }
    }
}

/// Runs `query`, retrying 429, 5xx and network errors up to
/// `config.max_retries` times.
pub async fn run(
    client: &Client,
    query: &Query,
    signal: Option<&AbortSignal>,
) -> Result<JsValue, Error> {
    let config = &client.config;
    let body = request::body(query);
    let mut retry = 0;
    loop {
        let (error, retry_after) = match attempt(query.endpoint, &body, client, signal).await {
            Ok(result) => return Ok(result),
            Err(failed) => failed,
        };
        let wait = (error.is_retryable() && retry < config.max_retries)
            .then(|| delay_ms(retry, retry_after, random()))
            .flatten();
        match (wait, error) {
            (Some(ms), _) => transport::sleep(ms, signal).await?,
            (None, Error::NetworkError { detail, .. }) => {
                return Err(Error::NetworkError {
                    detail,
                    attempts: retry + 1,
                })
            }
            (None, error) => return Err(error),
        }
        retry += 1;
    }
}

/// One attempt; a failure comes with the server's `Retry-After` in seconds.
async fn attempt(
    endpoint: Endpoint,
    body: &str,
    client: &Client,
    signal: Option<&AbortSignal>,
) -> Result<JsValue, (Error, Option<f64>)> {
    let answer = transport::send(
        &client.fetcher,
        endpoint,
        body,
        client.config.timeout_ms,
        signal,
    )
    .await
    .map_err(|e| (e, None))?;
    let retry_after = answer
        .retry_after
        .as_deref()
        .and_then(|v| parse_retry_after(v, now_ms()));
    let bytes = copy_bytes(&answer.body);
    let shape = classify(answer.status, &bytes, retry_after).map_err(|e| (e, retry_after))?;
    drop(bytes);
    backlinks_result(&client.decoder, answer.status, &answer.body, &shape).map_err(|e| (e, None))
}

/// The bytes of `array`, copied into wasm memory. `Uint8Array::to_vec`
/// would do, but its length `assert_eq!` links the panic formatting code.
fn copy_bytes(array: &Uint8Array) -> Vec<u8> {
    let len = array.length() as usize;
    let mut bytes = Vec::with_capacity(len);
    // SAFETY: the view covers exactly the `len` bytes of spare capacity, and
    // nothing allocates (which could move or grow memory) before `set` has
    // filled them; only then is the length set.
    unsafe {
        Uint8Array::view_mut_raw(bytes.as_mut_ptr(), len).set(array, 0);
        bytes.set_len(len);
    }
    bytes
}
