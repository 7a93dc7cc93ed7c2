// The JS half of src/bulk_js.rs: it runs a bulk run's calls, and builds the
// objects a run and a summary answer. Rust decides everything (src/bulk.rs:
// what to send next, what to skip and why, when the run is over;
// src/summarize.rs: the counts and their order); this only starts the calls
// it is told to start, reports how each settled, and makes plain objects.

// What `run.next()` answers besides the index of a target to send. The same
// numbers are `WAIT` and `DONE` in src/bulk_js.rs.
const WAIT = -1; // nothing to do until a call in flight settles
const DONE = -2; // every target has settled

/**
 * Runs `run` (a `BulkRun` made by `client.lookupMany`) to its end: starts
 * each call Rust says to start, tells Rust how each settled, and resolves
 * to what `run.finish()` answers. A fault of the runtime or of the .wasm
 * itself rejects instead of leaving the promise pending.
 */
export function runMany(run) {
  return new Promise((resolve, reject) => {
    let over = false;
    const fail = (error) => {
      if (over) return;
      over = true;
      reject(error);
    };
    const pump = () => {
      if (over) return;
      try {
        for (;;) {
          const index = run.next();
          if (index === WAIT) return;
          if (index === DONE) {
            over = true;
            const result = run.finish();
            run.free();
            resolve(result);
            return;
          }
          run.send(index).then(
            (response) => settle(() => run.answered(index, response, creditsOf(response))),
            (error) => settle(() => run.failed(index, error, stringOf(error, 'code'), statusOf(error), stringOf(error, 'message'))),
          );
        }
      } catch (error) {
        fail(error);
      }
    };
    const settle = (report) => {
      if (over) return;
      try {
        report();
      } catch (error) {
        fail(error);
        return;
      }
      pump();
    };
    pump();
  });
}

function creditsOf(response) {
  try {
    const credits = response.credits_consumed;
    return typeof credits === 'number' ? credits : 0;
  } catch {
    return 0;
  }
}

function stringOf(error, name) {
  try {
    const value = error[name];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function statusOf(error) {
  try {
    const status = error.status;
    return Number.isInteger(status) && status >= 0 && status <= 999 ? status : undefined;
  } catch {
    return undefined;
  }
}

/** One target's result: `{ target, status: 'ok', response }` or `{ target, status, error }`. */
export function bulkResult(target, status, value) {
  return status === 'ok' ? { target, status, response: value } : { target, status, error: value };
}

/**
 * Calls the caller's `onProgress` with where the run stands. What it throws
 * is ignored: the run goes on, and its promise still resolves.
 */
export function reportProgress(onProgress, done, total, ok, failed, skipped, creditsConsumed, creditsReserved) {
  try {
    onProgress({ done, total, ok, failed, skipped, creditsConsumed, creditsReserved });
  } catch {
    // The caller's callback failed; the run is not its to stop.
  }
}

/** What `lookupMany` resolves to. */
export function runResult(results, creditsConsumed, worstCaseCredits) {
  return { results, creditsConsumed, worstCaseCredits };
}

// ---------------------------------------------------------------------------
// summarize(response)
// ---------------------------------------------------------------------------

// The values of the last `summaryRead`, row by row (domain, anchor, URL),
// until `summaryBuild` names the groups with them.
let values = null;
let units = 0;
// What `summaryRead` found wrong: [row, field, type].
let problem = null;

// What `summaryRead` answers when it cannot read the response. The same
// numbers are in src/bulk_js.rs.
const NOT_A_RESPONSE = -1; // not an object with a `data` array
const BAD_ROW = -2; // a row that is not an object: `problem` says which
const BAD_FIELD = -3; // a field that is not text: `problem` says which

const COLUMNS = ['domain_source', 'anchor_text', 'url_target'];

/**
 * Reads the three counted fields of each row of `response.data`, once.
 * A missing or null field reads as "", a number or boolean as its text.
 * Answers the number of rows, or one of the codes above. Never throws.
 */
export function summaryRead(response) {
  values = null;
  problem = null;
  try {
    const data = response !== null && typeof response === 'object' ? response.data : undefined;
    if (!Array.isArray(data)) return NOT_A_RESPONSE;
    const read = new Array(data.length * 3);
    let total = 0;
    for (let row = 0; row < data.length; row++) {
      const link = data[row];
      if (link === null || typeof link !== 'object') {
        problem = [row, '', link === null ? 'null' : typeof link];
        return BAD_ROW;
      }
      for (let column = 0; column < 3; column++) {
        let value = link[COLUMNS[column]];
        if (value == null) value = '';
        else if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
        else if (typeof value !== 'string') {
          problem = [row, COLUMNS[column], Array.isArray(value) ? 'array' : typeof value];
          return BAD_FIELD;
        }
        read[row * 3 + column] = value;
        total += value.length;
      }
    }
    values = read;
    units = total;
    return data.length;
  } catch {
    return NOT_A_RESPONSE;
  }
}

/** The number of UTF-16 units `summaryCopy` will write. */
export function summaryUnits() {
  return units;
}

/** What `summaryRead` found wrong: `[row, field, type]`. */
export function summaryProblem() {
  return problem ?? [0, "", ""];
}

/**
 * Writes the values' UTF-16 units at `unitsPtr` and each value's length at
 * `lensPtr` (3 per row) in the wasm `memory`, where Rust reserved room.
 */
export function summaryCopy(memory, unitsPtr, lensPtr) {
  const buffer = memory.buffer;
  const out = new Uint16Array(buffer, unitsPtr, units);
  const lens = new Uint32Array(buffer, lensPtr, values.length);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    for (let j = 0; j < value.length; j++) out[at++] = value.charCodeAt(j);
    lens[i] = value.length;
  }
}

/**
 * The summary object from Rust's `length` numbers at `ptr` (see
 * `Summary::to_words` in src/summarize.rs): each group is named with the
 * string of the row Rust points at, so text comes back exactly as it was.
 */
export function summaryBuild(memory, ptr, length) {
  const words = new Uint32Array(memory.buffer, ptr, length);
  let at = 1;
  const list = (column, key) => {
    const count = words[at++];
    const out = new Array(count);
    for (let i = 0; i < count; i++) {
      const row = words[at++];
      out[i] = { [key]: values[row * 3 + column], backlinks: words[at++] };
    }
    return out;
  };
  const summary = {
    backlinks: words[0],
    referringDomains: list(0, 'domain'),
    anchors: list(1, 'text'),
    targets: list(2, 'url'),
  };
  values = null;
  return summary;
}
