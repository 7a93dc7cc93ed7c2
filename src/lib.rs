//! Backlinks from the [Keywords Everywhere API], in Rust compiled to
//! WebAssembly, for Node, browsers and Cloudflare Workers alike.
//!
//! The crate is a pure core and a thin JS layer:
//!
//! - [`params`] checks what the caller passes, [`url`] the URLs in it;
//! - [`request`] builds the exact HTTP request the API documents;
//! - [`json`] and [`response`] check the answer and classify failures;
//! - [`retry`] decides when and how long to wait before trying again;
//! - [`budget`] holds a bulk run's credit arithmetic, [`bulk`] its options
//!   and its scheduler's decisions, [`summarize`] the counts of a summary;
//! - [`error`] holds the one error type and its single conversion to JS.
//!
//! Those modules hold no JS types and are tested natively. The rest touches
//! JS: `transport` (fetch, abort, timers, with its JS half in
//! `js/transport.js`), `js_values` (reading arguments, building results),
//! `client` (one call with its retries, as a state machine over attempts and
//! waits), `bulk_js` (the bulk run js/bulk.js drives, and summaries' rows
//! in and objects out) and the `#[wasm_bindgen]` exports below.
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
pub mod error;
pub mod heap;
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

use crate::error::Error;
use crate::params::{ClientConfig, Query};
use crate::prelude::*;
use crate::request::Endpoint;
use alloc::rc::Rc;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

/// A client for the two backlinks endpoints. Construction checks every
/// option and throws a `KeywordsEverywhereError` (`invalid_argument`) when
/// one is wrong.
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
        self.lookup(Endpoint::Page, params)
    }

    /// `POST {baseUrl}/v1/get_unique_page_backlinks`: one backlink per source
    /// domain, 5 credits per backlink returned.
    #[wasm_bindgen(js_name = getUniquePageBacklinks)]
    pub fn get_unique_page_backlinks(&self, params: JsValue) -> Promise {
        self.lookup(Endpoint::Unique, params)
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
    fn lookup(&self, endpoint: Endpoint, params: JsValue) -> Promise {
        let checked = js_values::read_params(&params, &self.client.memory)
            .and_then(|(fields, signal)| Ok((Query::from_fields(endpoint, fields)?, signal)));
        match checked {
            Ok((query, signal)) => client::run(self.client.clone(), &query, signal),
            Err(error) => Promise::reject(&error.into()),
        }
    }
}

/// The worst-case credits for asking `num` backlinks: `num` for `"page"`,
/// `num * 5` for `"unique"`. Throws `invalid_argument` for a bad kind or num.
#[wasm_bindgen(js_name = estimateCredits)]
pub fn estimate_credits(kind: JsValue, num: JsValue) -> Result<u32, JsValue> {
    let endpoint = kind
        .as_string()
        .and_then(|k| Endpoint::from_kind(&k))
        .ok_or_else(|| {
            Error::invalid(
                "kind",
                "`kind` must be \"page\" (1 credit per backlink) or \"unique\" (5 credits per backlink).",
            )
        })?;
    let fields = params::Fields::new(vec![
        (
            "page".into(),
            params::Value::String("https://example.com/".into()),
        ),
        ("num".into(), js_values::read_value(&num)),
    ]);
    let query = Query::from_fields(endpoint, fields)?;
    Ok(request::estimate_credits(endpoint, query.num))
}

/// `summarize(response)`: a lookup's backlinks counted by referring domain,
/// anchor text and linked URL (see [`summarize`]). Throws
/// `invalid_argument` when `response` is not a lookup's answer.
#[wasm_bindgen]
pub fn summarize(response: JsValue) -> Result<JsValue, JsValue> {
    bulk_js::summarize_response(&response).map_err(Into::into)
}

/// What `std` gives a .wasm, for the package build without it: the allocator
/// and a panic handler. A panic cannot happen on purpose (every failure is an
/// `Error`); if one did, the call traps instead of formatting a message.
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
mod no_std_runtime {
    use crate::heap::{Global, WasmMemory};

    #[global_allocator]
    static HEAP: Global<WasmMemory> = Global::new(WasmMemory);

    #[panic_handler]
    fn panic(_: &core::panic::PanicInfo) -> ! {
        core::arch::wasm32::unreachable()
    }
}
