//! Backlinks from the [Keywords Everywhere API], in Rust compiled to
//! WebAssembly, for Node, browsers and Cloudflare Workers alike.
//!
//! # The map
//!
//! The pure core holds no JS types and is tested natively (`cargo test`):
//!
//! | module | what it holds |
//! |---|---|
//! | [`endpoint`] | the one place that knows the four lookups (path, method, form field `page`/`domain`, price per backlink, kind name) and the balance's path |
//! | [`params`] | options and parameters (as named [`params::Value`]s) checked into types that can only hold valid values; the credits estimate |
//! | [`url`] | the checks of absolute `http:`/`https:` URLs and of bare host names, without a URL library |
//! | [`request`] | a checked query turned into the exact request the API documents: method, URL, headers, form body; the balance's GET |
//! | [`json`] | the one-pass JSON scanner (strict JSON; lenient about a paid answer's form) for the answer's shape, the balance and error bodies (its grammar is in its docs) |
//! | [`response`] | an HTTP status and body turned into a checked shape or the [`error::Error`] a caller can act on |
//! | [`retry`] | when to try again and how long to wait: backoff with jitter, `Retry-After` |
//! | [`error`] | the one error enum, its codes and messages, and its single conversion to the JS error |
//! | [`words`] | message helpers (`text!`) that avoid `core::fmt` |
//! | [`budget`] | a bulk run's credit arithmetic: reserve, commit, release, "does it fit" |
//! | [`bulk`] | `lookupMany`'s options and its scheduler's decisions: what to send next, what to skip and why, what stops the run |
//! | [`summarize`] | `summarize`'s counts by referring domain, anchor and linked URL, in UTF-16 code-unit order |
//!
//! The rest touches JS, and is tested in Node, Chromium and workerd:
//!
//! | module | what it holds |
//! |---|---|
//! | `transport` | the only module that touches the runtime: fetch, the timeout's `AbortController`, timers, with its JS half `js/transport.js` |
//! | `js_values` | reading JS arguments into [`params::Fields`]; building the JS result (JS half `js/values.js`) |
//! | `client` | one call (a lookup, `lookupBody`, the balance) with its retries: a state machine over attempts and waits |
//! | `bulk_js` | the bulk run `js/bulk.js` drives (JS half `js/bulk.js`); `summarize`'s rows in and object out |
//! | this file | the `#[wasm_bindgen]` exports, and the no-std allocator (`talc`) and panic handler |
//!
//! [Keywords Everywhere API]: https://api.keywordseverywhere.com
#![deny(missing_docs)]
#![cfg_attr(not(any(test, feature = "std")), no_std)]

extern crate alloc;

/// What `std`'s prelude gives and `no_std` lacks, for every module.
mod prelude {
    pub use alloc::borrow::ToOwned;
    pub use alloc::boxed::Box;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

#[macro_use]
pub mod words;
pub mod budget;
pub mod bulk;
pub mod endpoint;
pub mod error;
pub mod json;
pub mod params;
pub mod request;
pub mod response;
pub mod retry;
pub mod summarize;
pub mod url;

mod bulk_js;
mod client;
mod js_values;
mod transport;

use crate::client::Ask;
use crate::endpoint::Endpoint;
use crate::params::{ClientConfig, Query};
use alloc::rc::Rc;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

/// A client for the four backlinks lookups and the balance. Construction
/// checks every option and throws a `KeywordsEverywhereError`
/// (`invalid_argument`) when one is wrong.
#[wasm_bindgen]
pub struct BacklinksClient {
    client: Rc<client::Client>,
}

#[wasm_bindgen]
impl BacklinksClient {
    /// `new BacklinksClient({ apiKey?, baseUrl?, timeoutMs?, maxRetries? })`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<BacklinksClient, JsValue> {
        let fields = js_values::read_options(&options)?;
        let config = ClientConfig::from_fields(&fields)?;
        Ok(BacklinksClient {
            client: Rc::new(client::Client::new(config)),
        })
    }

    /// `POST {baseUrl}/v1/get_page_backlinks`: 1 credit per backlink returned.
    #[wasm_bindgen(js_name = getPageBacklinks)]
    pub fn get_page_backlinks(&self, params: JsValue) -> Promise {
        self.lookup(Endpoint::Page, Ask::Backlinks, params)
    }

    /// `POST {baseUrl}/v1/get_unique_page_backlinks`: one backlink per source
    /// domain, 5 credits per backlink returned.
    #[wasm_bindgen(js_name = getUniquePageBacklinks)]
    pub fn get_unique_page_backlinks(&self, params: JsValue) -> Promise {
        self.lookup(Endpoint::UniquePage, Ask::Backlinks, params)
    }

    /// `POST {baseUrl}/v1/get_domain_backlinks` with `{ domain, num }`: 1
    /// credit per backlink returned.
    #[wasm_bindgen(js_name = getDomainBacklinks)]
    pub fn get_domain_backlinks(&self, params: JsValue) -> Promise {
        self.lookup(Endpoint::Domain, Ask::Backlinks, params)
    }

    /// `POST {baseUrl}/v1/get_unique_domain_backlinks` with `{ domain, num }`:
    /// one backlink per source domain, 5 credits per backlink returned.
    #[wasm_bindgen(js_name = getUniqueDomainBacklinks)]
    pub fn get_unique_domain_backlinks(&self, params: JsValue) -> Promise {
        self.lookup(Endpoint::UniqueDomain, Ask::Backlinks, params)
    }

    /// `GET {baseUrl}/v1/account/credits`: resolves to the balance, a number.
    #[wasm_bindgen(js_name = getCredits)]
    pub fn get_credits(&self, params: JsValue) -> Promise {
        let checked = js_values::read_other_params(&params, &self.client.memory)
            .and_then(|(fields, signal)| params::credits_params(&fields).map(|()| signal));
        match checked {
            Ok(signal) => client::run_balance(self.client.clone(), signal),
            Err(error) => Promise::reject(&error.into()),
        }
    }

    /// For proxies: the lookup `kind` names (as `estimateCredits` takes it),
    /// with the same checks, retries and errors, resolving to
    /// `{ body, credits_consumed }`: the checked 2xx body as text, exactly
    /// as received, and the credits it says it consumed.
    #[wasm_bindgen(js_name = lookupBody)]
    pub fn lookup_body(&self, kind: JsValue, params: JsValue) -> Promise {
        match params::kind(&js_values::read_value(&kind)) {
            Ok(endpoint) => self.lookup(endpoint, Ask::Body, params),
            Err(error) => Promise::reject(&error.into()),
        }
    }

    /// `lookupMany({ kind, targets, num, concurrency?, maxCredits?, dryRun?,
    /// signal?, onProgress? })`: one lookup per target, at most
    /// `concurrency` in flight, never past `maxCredits` (see
    /// [`bulk`]). Rejects only when the run's own options are wrong;
    /// otherwise resolves to `{ results, creditsConsumed, worstCaseCredits }`,
    /// one result per target in input order.
    #[wasm_bindgen(js_name = lookupMany)]
    pub fn lookup_many(&self, options: JsValue) -> Promise {
        bulk_js::lookup_many(self.client.clone(), &options)
    }
}

impl BacklinksClient {
    /// Checks `params` now, so later changes to the object cannot alter a
    /// call that costs credits, then runs the call; never throws.
    fn lookup(&self, endpoint: Endpoint, ask: Ask, params: JsValue) -> Promise {
        let checked = js_values::read_params(&params, &self.client.memory, endpoint.target())
            .and_then(|(fields, signal)| Ok((Query::from_fields(endpoint, fields)?, signal)));
        match checked {
            Ok((query, signal)) => client::run(self.client.clone(), &query, ask, signal),
            Err(error) => Promise::reject(&error.into()),
        }
    }
}

/// The worst-case credits for asking `num` backlinks: `num` for `"page"` and
/// `"domain"`, `num * 5` for `"unique_page"` (or `"unique"`) and
/// `"unique_domain"`. Throws `invalid_argument` for a bad kind or num.
#[wasm_bindgen(js_name = estimateCredits)]
pub fn estimate_credits(kind: JsValue, num: JsValue) -> Result<u32, JsValue> {
    Ok(params::estimate_credits(
        &js_values::read_value(&kind),
        &js_values::read_value(&num),
    )?)
}

/// `summarize(response)`: a lookup's backlinks counted by referring domain,
/// anchor text and linked URL (see [`summarize`]). Throws
/// `invalid_argument` when `response` is not a lookup's answer.
#[wasm_bindgen]
pub fn summarize(response: JsValue) -> Result<JsValue, JsValue> {
    bulk_js::summarize_response(&response).map_err(Into::into)
}

/// What `std` gives a .wasm, for the package build without it: the allocator
/// and a panic handler. The allocator is the `talc` crate's single-threaded
/// wasm allocator, smaller than `dlmalloc` (the one `std` uses on wasm32;
/// see README, "Dependencies"). A panic cannot happen on purpose (every failure is an
/// `Error`); if one did, the call traps instead of formatting a message.
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
mod no_std_runtime {
    #[global_allocator]
    static HEAP: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

    #[panic_handler]
    fn panic(_: &core::panic::PanicInfo) -> ! {
        core::arch::wasm32::unreachable()
    }
}
