//! The JS side of `client.lookupMany` and `summarize`: reading their
//! arguments, the [`BulkRun`] that `js/bulk.js` drives, and handing rows to
//! and summaries from the pure [`crate::summarize`].
//!
//! A run's decisions are [`crate::bulk::Scheduler`]'s. `js/bulk.js` asks
//! [`BulkRun::next`] what to do, starts the calls it names with
//! [`BulkRun::send`] (each one a whole lookup, retries included, through
//! the same client as a single lookup), and reports each settled call with
//! [`BulkRun::answered`] or [`BulkRun::failed`]. Skipped and invalid
//! targets are settled here, inside `next`.

use crate::bulk::{Action, Plan, Scheduler, Settled};
use crate::client::{self, Ask, Client};
use crate::error::Error;
use crate::js_values::{read_options_listed, read_value};
use crate::params::{Fields, Name, Query, Value};
use crate::prelude::*;
use crate::summarize::{summarize, Rows, COLUMNS};
use alloc::rc::Rc;
use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

#[wasm_bindgen(module = "/js/bulk.js")]
extern "C" {
    /// Drives `run` to its end; resolves to what [`BulkRun::finish`] answers.
    #[wasm_bindgen(js_name = runMany)]
    fn run_many(run: BulkRun) -> Promise;
    /// `{ target, status: 'ok', response }` or `{ target, status, error }`.
    #[wasm_bindgen(js_name = bulkResult)]
    fn bulk_result(target: &JsValue, status: &str, value: &JsValue) -> JsValue;
    /// Calls `onProgress` with the progress object; ignores what it throws.
    #[wasm_bindgen(js_name = reportProgress)]
    #[allow(clippy::too_many_arguments)]
    fn report_progress(
        on_progress: &Function,
        done: f64,
        total: f64,
        ok: f64,
        failed: f64,
        skipped: f64,
        credits_consumed: f64,
        credits_reserved: f64,
    );
    /// `{ results, creditsConsumed, worstCaseCredits }`.
    #[wasm_bindgen(js_name = runResult)]
    fn run_result(results: &Array, credits_consumed: f64, worst_case_credits: f64) -> JsValue;
    /// Reads a response's rows; the row count, or a negative code.
    #[wasm_bindgen(js_name = summaryRead)]
    fn summary_read(response: &JsValue) -> i32;
    /// How many UTF-16 units the rows' values hold.
    #[wasm_bindgen(js_name = summaryUnits)]
    fn summary_units() -> u32;
    /// `[row, field, type]` of what `summaryRead` found wrong.
    #[wasm_bindgen(js_name = summaryProblem)]
    fn summary_problem() -> Array;
    /// Writes the values' units and lengths into wasm memory.
    #[wasm_bindgen(js_name = summaryCopy)]
    fn summary_copy(memory: &JsValue, units: *mut u16, lens: *mut u32);
    /// The summary object from the numbers at `ptr`.
    #[wasm_bindgen(js_name = summaryBuild)]
    fn summary_build(memory: &JsValue, ptr: *const u32, len: u32) -> JsValue;
}

/// What [`BulkRun::next`] answers besides an index (the same in js/bulk.js).
const WAIT: i32 = -1;
/// Every target has settled.
const DONE: i32 = -2;

/// One `lookupMany` run, driven by `js/bulk.js`. Not part of the package's
/// API (the entries do not export it).
#[wasm_bindgen]
pub struct BulkRun {
    client: Rc<Client>,
    scheduler: Scheduler,
    /// Each target's checked lookup (or why it is invalid), until acted on.
    queries: Vec<Option<Result<Query, Error>>>,
    /// The targets as given (a copy of the caller's array).
    targets: Array,
    results: Array,
    signal: Option<AbortSignal>,
    on_progress: Option<Function>,
}

/// Starts `client.lookupMany(options)`: rejects at once when the run's own
/// options are wrong, else resolves when every target has settled.
pub fn lookup_many(client: Rc<Client>, options: &JsValue) -> Promise {
    match BulkRun::new(client, options) {
        Ok(run) => run_many(run),
        Err(error) => Promise::reject(&error.into()),
    }
}

impl BulkRun {
    /// Checks the options and every target.
    fn new(client: Rc<Client>, options: &JsValue) -> Result<BulkRun, Error> {
        if !options.is_object() || options.is_function() || Array::is_array(options) {
            return Err(not_an_object());
        }
        let (fields, listed) = read_options_listed(options)?;
        let plan = Plan::from_fields(&fields)?;
        // The values themselves of the fields read as JS values.
        let (mut targets, mut signal, mut on_progress) = (Array::new(), None, None);
        for i in (0..listed.length()).step_by(2) {
            let value = listed.get(i + 1);
            match listed.get(i).as_string().as_deref() {
                Some("targets") => targets = value.unchecked_into(),
                Some("signal") => signal = value.dyn_into::<AbortSignal>().ok(),
                Some("onProgress") => on_progress = value.dyn_into::<Function>().ok(),
                _ => {}
            }
        }
        let targets = targets.slice(0, targets.length());
        let field = Name::Borrowed(plan.endpoint.target().name());
        let queries: Vec<Option<Result<Query, Error>>> = (0..targets.length())
            .map(|i| {
                let fields = Fields::new(vec![
                    (field.clone(), read_value(&targets.get(i))),
                    (Name::Borrowed("num"), Value::Number(f64::from(plan.num))),
                ]);
                Some(Query::from_fields(plan.endpoint, fields))
            })
            .collect();
        let valid = queries.iter().map(|q| matches!(q, Some(Ok(_)))).collect();
        Ok(BulkRun {
            client,
            scheduler: Scheduler::new(plan, valid),
            results: Array::new_with_length(targets.length()),
            queries,
            targets,
            signal,
            on_progress,
        })
    }

    /// Records the result of the target at `index`.
    fn settle(&mut self, index: usize, status: &str, value: &JsValue) {
        let target = self.targets.get(index as u32);
        self.results
            .set(index as u32, bulk_result(&target, status, value));
        self.queries[index] = None;
    }

    /// Tells `onProgress`, if there is one, where the run stands.
    fn progress(&self) {
        if let Some(f) = &self.on_progress {
            let p = self.scheduler.progress();
            report_progress(
                f,
                p.done as f64,
                p.total as f64,
                p.ok as f64,
                p.failed as f64,
                p.skipped as f64,
                p.credits_consumed as f64,
                p.credits_reserved as f64,
            );
        }
    }
}

#[wasm_bindgen]
impl BulkRun {
    /// The index of the next target to send, or `WAIT` (-1) or `DONE` (-2).
    /// Settles the targets it skips or finds invalid on the way.
    pub fn next(&mut self) -> i32 {
        if self.signal.as_ref().is_some_and(AbortSignal::aborted) {
            self.scheduler.abort();
        }
        loop {
            match self.scheduler.decide() {
                Action::Send(index) => return index as i32,
                Action::Wait => return WAIT,
                Action::Done => return DONE,
                Action::Invalid(index) => {
                    let error = match self.queries[index].take() {
                        Some(Err(error)) => error,
                        _ => Error::invalid("targets", "This target is not valid."),
                    };
                    self.settle(index, "failed", &error.into());
                }
                Action::Skip(index, error) => self.settle(index, "skipped", &error.into()),
            }
            self.progress();
        }
    }

    /// Starts the lookup of the target at `index` (which `next` named).
    pub fn send(&mut self, index: u32) -> Promise {
        match self.queries.get_mut(index as usize).and_then(Option::take) {
            Some(Ok(query)) => client::run(
                self.client.clone(),
                &query,
                Ask::Backlinks,
                self.signal.clone(),
            ),
            _ => {
                Promise::reject(&Error::invalid("targets", "This target was sent already.").into())
            }
        }
    }

    /// The call of the target at `index` resolved to `response`, which says
    /// it consumed `credits`.
    pub fn answered(&mut self, index: u32, response: JsValue, credits: f64) {
        // A count of credits is a whole number; a fraction is rounded up,
        // and anything that is no count at all is read as 0.
        let credits = if credits.is_finite() && credits > 0.0 {
            let whole = credits as u64;
            whole + u64::from((whole as f64) < credits)
        } else {
            0
        };
        if self
            .scheduler
            .settled(index as usize, Settled::Ok { credits })
        {
            self.settle(index as usize, "ok", &response);
            self.progress();
        }
    }

    /// The call of the target at `index` rejected with `error`, whose
    /// `code`, `status` and `message` js/bulk.js read.
    pub fn failed(
        &mut self,
        index: u32,
        error: JsValue,
        code: Option<String>,
        status: Option<u16>,
        message: Option<String>,
    ) {
        let how = Settled::Failed {
            code: code.as_deref().unwrap_or(""),
            status,
            message: message.as_deref().unwrap_or(""),
        };
        if self.scheduler.settled(index as usize, how) {
            self.settle(index as usize, "failed", &error);
            self.progress();
        }
    }

    /// `{ results, creditsConsumed, worstCaseCredits }`.
    pub fn finish(&self) -> JsValue {
        run_result(
            &self.results,
            self.scheduler.progress().credits_consumed as f64,
            self.scheduler.worst_case_credits() as f64,
        )
    }
}

/// The error for options that are not an object.
#[cold]
#[inline(never)]
fn not_an_object() -> Error {
    Error::invalid(
        "options",
        "`lookupMany` takes an options object such as { kind: \"page\", targets: [\"https://example.com/\"], num: 10 }.",
    )
}

/// What `summaryRead` answers when the response is not one.
const NOT_A_RESPONSE: i32 = -1;
/// A row that is not an object.
const BAD_ROW: i32 = -2;

/// `summarize(response)`: the counts by referring domain, anchor and
/// linked URL, or an `invalid_argument` error naming `response`.
pub fn summarize_response(response: &JsValue) -> Result<JsValue, Error> {
    let rows = summary_read(response);
    if rows < 0 {
        return Err(bad_response(rows));
    }
    let memory = wasm_bindgen::memory();
    let count = summary_units() as usize;
    let mut units: Vec<u16> = Vec::with_capacity(count);
    let mut lens: Vec<u32> = Vec::with_capacity(rows as usize * COLUMNS);
    summary_copy(&memory, units.as_mut_ptr(), lens.as_mut_ptr());
    // SAFETY: summaryCopy wrote exactly `count` units and 3 lengths per row
    // into the room reserved above, and nothing allocated in between.
    unsafe {
        units.set_len(count);
        lens.set_len(rows as usize * COLUMNS);
    }
    let words = summarize(Rows {
        units: &units,
        lens: &lens,
    })
    .to_words();
    drop((units, lens));
    Ok(summary_build(&memory, words.as_ptr(), words.len() as u32))
}

/// The error for a response `summaryRead` could not read.
#[cold]
#[inline(never)]
fn bad_response(code: i32) -> Error {
    let problem = summary_problem();
    let row = problem.get(0).as_f64().unwrap_or(0.0) as u32;
    let field = problem.get(1).as_string().unwrap_or_default();
    let kind = problem.get(2).as_string().unwrap_or_default();
    Error::invalid(
        "response",
        match code {
            NOT_A_RESPONSE => "`summarize` takes a lookup's answer: an object with a `data` array of backlinks, as a lookup resolves to.".into(),
            BAD_ROW => text!("`response.data[", row, "]` must be a backlink object; got a value of type ", kind, "."),
            _ => text!("`response.data[", row, "].", field, "` must be text; got a value of type ", kind, "."),
        },
    )
}
