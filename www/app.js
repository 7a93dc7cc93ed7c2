// The demo page: look up the backlinks of a page or a whole domain, or of a
// list of them, through the Worker or directly with an API key; see the
// worst-case cost first, then read, summarise, sort, filter, chart and
// export the answer. Every check of input comes from the package; this file
// only says in plain words what it found.
//
// Address parameters: ?worker=<Worker URL> turns on "through the Worker"
// (the default mode when given); ?api=<base URL> presets direct mode's API
// base URL (default: the real API).

import * as pkg from 'keywords-everywhere-backlinks';
import { DomainChart, topDomains } from './chart.js';
import { toCsv } from './csv.js';
import { saveFile } from './download.js';
import { bareHost, explainError, fieldMessage, formatWait } from './errors.js';
import { forgetAll, openRecent, recentLookups, remember } from './history.js';
import { ANCHOR_GROUPS, groupAnchors, summaryOf } from './summary.js';
import { BacklinksTable } from './table.js';

const { BacklinksClient, estimateCredits } = pkg;

const REAL_API = 'https://api.keywordseverywhere.com';
/** The package's own largest num. */
const PACKAGE_MAX_NUM = 10000;
const CSV_COLUMNS = ['anchor_text', 'url_source', 'domain_source', 'url_target', 'domain_target'];
/** Countdowns sat out for one lookup at most, before the rate limit is shown as an error. */
const MAX_COUNTDOWNS = 5;
/** A wait longer than this is not counted down: the lookup fails and says how long. */
const LONGEST_COUNTDOWN_S = 300;

/**
 * The four kinds of lookup: the client method, the parameter it takes, the
 * API endpoint, the kind name `estimateCredits` knows, and words for it.
 */
const KINDS = {
  page: { method: 'getPageBacklinks', field: 'page', endpoint: 'get_page_backlinks', estimate: 'page', words: 'every link to the page' },
  unique_page: { method: 'getUniquePageBacklinks', field: 'page', endpoint: 'get_unique_page_backlinks', estimate: 'unique_page', words: 'one link per referring domain, to the page' },
  domain: { method: 'getDomainBacklinks', field: 'domain', endpoint: 'get_domain_backlinks', estimate: 'domain', words: 'every link to the domain' },
  unique_domain: { method: 'getUniqueDomainBacklinks', field: 'domain', endpoint: 'get_unique_domain_backlinks', estimate: 'unique_domain', words: 'one link per referring domain, to the domain' },
};

/** @param {string} id */
const $ = (id) => /** @type {any} */ (document.getElementById(id));
const formatNumber = (n) => n.toLocaleString('en-US');
const plural = (n, word) => `${formatNumber(n)} ${word}${n === 1 ? '' : 's'}`;

/** Inputs by the `field` name the package's errors use. */
const FIELD_INPUTS = {
  target: $('target'), page: $('target'), domain: $('target'), targets: $('targets'), num: $('num'), maxCredits: $('max-credits'),
  apiKey: $('api-key'), baseUrl: $('base-url'),
};

const params = new URLSearchParams(location.search);
const config = { workerUrl: (params.get('worker') ?? '').replace(/\/+$/, ''), apiBaseUrl: params.get('api') || REAL_API };

/** What the Worker publishes at /config (its largest num, what remains of its daily budget); defaults until then. */
const limits = { maxNum: PACKAGE_MAX_NUM, fromWorker: false, /** @type {null | { limit: number, remaining: number, resets_at: string }} */ budget: null };

/**
 * Checks input without sending anything: the package validates parameters
 * before it looks at the (already aborted) signal, and a dry run sends nothing.
 */
const validator = new BacklinksClient({ baseUrl: 'http://validator.invalid' });
const abortedSignal = AbortSignal.abort();

const table = new BacklinksTable($('backlinks'), {
  more: $('more'),
  onChange(matching, total, drawn) {
    const count = matching === total
      ? `Showing all ${plural(total, 'backlink')}`
      : `Showing ${formatNumber(matching)} of ${plural(total, 'backlink')}`;
    $('shown-count').textContent = drawn < matching ? `${count}, the first ${formatNumber(drawn)} drawn.` : `${count}.`;
    $('export-csv').disabled = $('export-json').disabled = matching === 0;
  },
  onColumns(same) {
    $('same-columns').hidden = same.length === 0;
    $('same-columns').textContent = same.length
      ? `The same in every row, so not shown as a column: ${same.map(({ column, value }) => `${column.label} ${value || '(none)'}`).join('; ')}.`
      : '';
  },
});
const chart = new DomainChart($('chart'));

/** @type {{ controller: AbortController } | null} the lookup in flight */
let running = null;
/**
 * The answer on screen.
 * @type {null | { targets: string[], kind: string, num: number, mode: string, list: boolean,
 *   response: { data: any[], credits_consumed: number, time_taken: number, worker_cache?: string },
 *   results?: Array<{ target: string, status: string, backlinks: number, credits: number, code?: string }> }}
 */
let answer = null;
/** Referring-domain filter of the table. */
let domainFilter = { only: /** @type {string|null} */ (null), excluded: new Set() };
/** The key's balance as last read, for the connection it was read with. */
let balance = { connection: '', credits: /** @type {number|null} */ (null) };

// ---------------------------------------------------------------------------
// Form state and inline validation
// ---------------------------------------------------------------------------

/** @returns {'worker'|'direct'} */
const mode = () => ($('mode-worker').checked ? 'worker' : 'direct');
/** @returns {'one'|'list'} */
const scope = () => ($('scope-list').checked ? 'list' : 'one');
/** @returns {'page'|'unique_page'|'domain'|'unique_domain'} */
const kind = () => {
  const base = $('kind-domain').checked ? 'domain' : 'page';
  return /** @type {any} */ ($('unique').checked ? `unique_${base}` : base);
};
const isDomainKind = () => KINDS[kind()].field === 'domain';
/** num as typed; an empty box is 0, which the package refuses. */
const num = () => Number($('num').value.trim());
/** The list's targets: one per line, blank lines and # comments skipped. */
const listTargets = () => $('targets').value.split(/\r?\n/).map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
/** The most num may be now: the Worker's limit through the Worker, the package's otherwise. */
const maxNum = () => (mode() === 'worker' ? limits.maxNum : PACKAGE_MAX_NUM);

/** Shows (or with '' clears) the message under a field. @param {string} field @param {string} message */
function setFieldError(field, message) {
  const input = FIELD_INPUTS[field];
  const id = input.id;
  if (id === 'target') {
    $('target-error-text').textContent = message;
    if (!message) $('target-offers').hidden = true;
  } else {
    $(`${id}-error`).textContent = message;
  }
  $(`${id}-error`).hidden = !message;
  if (message) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

/** Whether `n` is a num this connection takes. */
const numFits = (n) => Number.isInteger(n) && n >= 1 && n <= maxNum();

/** Shows the worst-case cost, or what is wrong with num, as the form changes. */
async function updateCost() {
  const cost = $('cost');
  const n = num();
  const each = kind().startsWith('unique')
    ? '5 credits per backlink, one per referring domain'
    : '1 credit per backlink';
  if (!numFits(n)) {
    setFieldError('num', fieldMessage('num', $('num').value, { maxNum: maxNum() })
      + (mode() === 'worker' && limits.fromWorker && n > maxNum() && n <= PACKAGE_MAX_NUM ? ' This Worker gives no more per lookup.' : ''));
    cost.textContent = 'Worst-case cost: correct the number of backlinks to see it.';
    return;
  }
  setFieldError('num', '');
  const perTarget = estimateCredits(KINDS[kind()].estimate, n);
  let worst = perTarget;
  let lead = 'Worst-case cost: ';
  if (scope() === 'list') {
    const targets = listTargets();
    worst = perTarget * targets.length;
    if (targets.length) {
      try {
        const run = await validator.lookupMany({ kind: kind(), targets, num: n, dryRun: true });
        worst = run.worstCaseCredits;
        const invalid = run.results.filter((r) => r.status === 'failed' && r.error?.code === 'invalid_argument').length;
        lead = `${plural(targets.length - invalid, 'target')}${invalid ? ` (${formatNumber(invalid)} not valid, skipped)` : ''}. Worst case: `;
      } catch { /* the run's own arguments: said when it is sent */ }
    } else {
      lead = `${plural(targets.length, 'target')}. Worst case: `;
    }
  }
  const parts = [lead, Object.assign(document.createElement('strong'), { textContent: plural(worst, 'credit') }), ` (${each}).`];
  if (scope() === 'list') {
    const cap = Number($('max-credits').value);
    if (Number.isInteger(cap) && cap > 0 && worst > cap) parts.push(` More than your cap of ${plural(cap, 'credit')}: targets that could go over it are skipped.`);
  }
  if (mode() === 'worker' && limits.budget && worst > limits.budget.remaining) {
    parts.push(` The Worker can spend only ${plural(limits.budget.remaining, 'more credit')} today.`);
  }
  cost.replaceChildren(...parts);
}

/** Offers to fix the target field with one click. @param {Array<[string, () => void]>} offers up to two: label, action */
function showOffers(offers) {
  const buttons = [$('offer-https'), $('offer-domain')];
  buttons.forEach((button, i) => {
    button.hidden = !offers[i];
    button.textContent = offers[i]?.[0] ?? '';
    button.onclick = offers[i]?.[1] ?? null;
  });
  $('target-offers').hidden = offers.length === 0;
}

/** Sets the kind radios (page or domain) and updates what depends on them. @param {'page'|'domain'} base */
function setKindBase(base) {
  $(base === 'domain' ? 'kind-domain' : 'kind-page').checked = true;
  updateKind();
}

/** The package's verdict on the target (nothing is sent), said in plain words with fixes to pick. */
async function checkTarget() {
  const value = $('target').value.trim();
  const { method, field } = KINDS[kind()];
  try {
    await validator[method]({ [field]: value, num: 1, signal: abortedSignal });
  } catch (error) {
    if ($('target').value.trim() !== value || KINDS[kind()].field !== field) return; // changed meanwhile
    const e = /** @type {any} */ (error);
    const invalid = e.code === 'invalid_argument' && e.field === field;
    setFieldError('target', invalid ? fieldMessage(field, value, { maxNum: maxNum() }) : '');
    if (invalid) showOffers(fixesFor(field, value));
    return !invalid;
  }
  return true;
}

/** One-click fixes of a target the package refused. */
function fixesFor(field, value) {
  const fill = (text, base) => () => {
    if (base) setKindBase(base);
    $('target').value = text;
    setFieldError('target', '');
    $('target').focus();
  };
  if (field === 'page') {
    const host = bareHost(value);
    if (!host) return [];
    const offers = [[`Look up https://${value}`, fill(`https://${value}`)]];
    offers.push([`Look up the whole domain ${host}`, fill(host, 'domain')]);
    return offers;
  }
  let url;
  try { url = new URL(value); } catch { return []; }
  if (!['http:', 'https:'].includes(url.protocol) || !url.hostname) return [];
  return [[`Look up the page ${value}`, fill(value, 'page')], [`Look up the whole domain ${url.hostname}`, fill(url.hostname)]];
}

/** Shows the fields of the chosen mode, scope and kind. */
function updateMode() {
  $('direct-fields').hidden = mode() !== 'direct';
  setFieldError('apiKey', '');
  setFieldError('baseUrl', '');
  const worker = mode() === 'worker';
  $('num').max = String(maxNum());
  $('num-hint').textContent = worker && limits.fromWorker
    ? `From 1 to ${formatNumber(maxNum())} through this Worker; each backlink returned costs credits.`
    : `From 1 to ${formatNumber(PACKAGE_MAX_NUM)}; each backlink returned costs credits.`;
  $('worker-budget').hidden = !(worker && limits.budget);
  updateCost();
}

function updateScope() {
  const list = scope() === 'list';
  $('target-field').hidden = list;
  $('list-field').hidden = !list;
  $('cap-field').hidden = !list;
  $('num-label').textContent = list ? 'Backlinks wanted per target' : 'Backlinks wanted';
  $('submit').textContent = list ? 'Look up the list' : 'Look up backlinks';
  updateCost();
}

function updateKind() {
  const domain = isDomainKind();
  $('target-label').textContent = domain ? 'Domain' : 'Page address';
  $('target').placeholder = domain ? 'example.com' : 'https://example.com/';
  $('target').type = domain ? 'text' : 'url';
  $('targets-label').textContent = domain ? 'Domains, one per line' : 'Pages, one per line';
  if (!$('target-error').hidden && $('target').value.trim()) checkTarget();
  else setFieldError('target', '');
  updateCost();
}

// ---------------------------------------------------------------------------
// The Worker's limits and the key's balance
// ---------------------------------------------------------------------------

/** Reads the Worker's /config (its largest num and what remains of its budget); keeps the defaults if it has none. */
async function readWorkerConfig() {
  if (!config.workerUrl) return;
  try {
    const response = await fetch(`${config.workerUrl}/config`, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) return;
    const body = await response.json();
    if (Number.isInteger(body?.maxNum) && body.maxNum >= 1) {
      limits.maxNum = Math.min(body.maxNum, PACKAGE_MAX_NUM);
      limits.fromWorker = true;
    }
    const budget = body?.budget;
    if (budget && Number.isFinite(budget.remaining) && Number.isFinite(budget.limit)) {
      limits.budget = budget;
      let resets = '';
      const at = Date.parse(budget.resets_at);
      if (Number.isFinite(at)) resets = ` It starts again in ${formatWait(Math.max(0, (at - Date.now()) / 1000))}.`;
      $('worker-budget').textContent = `Today this Worker can spend ${plural(budget.remaining, 'more credit')} of its ${formatNumber(budget.limit)}.${resets}`;
    }
  } catch { /* an older Worker, or none: keep the defaults */ }
  updateMode();
}

/** Which key and API a balance belongs to (the key itself is never kept beyond the field). */
const connectionOf = () => `${$('base-url').value.trim()}\n${$('api-key').value.trim()}`;

/**
 * Reads the key's balance in direct mode and shows it (with the balance
 * before, after a lookup). Resolves to the balance, or null when unknown.
 * @param {number|null} [before] the balance before a lookup
 */
async function readBalance(before = null) {
  if (mode() !== 'direct' || !$('api-key').value.trim()) return null;
  const connection = connectionOf();
  let client;
  try {
    client = new BacklinksClient({ baseUrl: $('base-url').value.trim(), apiKey: $('api-key').value.trim() });
    const credits = await client.getCredits({ signal: AbortSignal.timeout(10_000) });
    if (connectionOf() !== connection) return null;
    balance = { connection, credits };
    $('balance').hidden = false;
    $('balance').textContent = before === null
      ? `Balance: ${plural(credits, 'credit')}.`
      : `Balance: ${plural(before, 'credit')} before this lookup, ${formatNumber(credits)} after (${formatNumber(Math.max(0, before - credits))} spent).`;
    return credits;
  } catch {
    if (connectionOf() === connection) $('balance').hidden = true;
    return null;
  } finally {
    client?.free();
  }
}

// ---------------------------------------------------------------------------
// A lookup: progress, countdown, cancel, outcome
// ---------------------------------------------------------------------------

/** Options of the client for the chosen mode: the Worker holds the key, direct mode sends it. */
function clientOptions() {
  // The Worker has retried upstream already: one click is one request to it (a rate limit is counted down below).
  return mode() === 'worker'
    ? { baseUrl: config.workerUrl, maxRetries: 0 }
    : { baseUrl: $('base-url').value.trim(), apiKey: $('api-key').value.trim() };
}

/** Switches the page into or out of "loading". @param {boolean} busy */
function setBusy(busy) {
  $('progress').hidden = !busy;
  if (busy) $('progress').removeAttribute('value');
  $('submit').disabled = busy;
  if (!busy && document.activeElement === $('cancel')) $('submit').focus();
  $('cancel').hidden = !busy;
}

/** Counts the seconds while a lookup runs; returns a function that stops it and answers the seconds. */
function startClock() {
  const started = performance.now();
  const tick = () => { $('elapsed').textContent = `${((performance.now() - started) / 1000).toFixed(1)} s`; };
  tick();
  const timer = setInterval(tick, 100);
  return () => {
    clearInterval(timer);
    $('elapsed').textContent = '';
    return (performance.now() - started) / 1000;
  };
}

/** An `aborted` error as the package makes them, for a cancel during the page's own wait. */
const abortedError = () => Object.assign(new Error('The lookup was cancelled.'), { code: 'aborted' });

/**
 * Counts down `seconds` in the status line; rejects with `aborted` when cancelled.
 * @param {number} seconds
 * @param {AbortSignal} signal
 */
function countdown(seconds, signal) {
  return new Promise((resolve, reject) => {
    const end = Date.now() + seconds * 1000;
    const show = () => {
      const left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
      $('status').textContent = `The Worker is limiting how often it looks up: trying again in ${left} s. Cancel (or Esc) stops.`;
      $('status').dataset.countdown = String(left);
      return left;
    };
    show();
    const timer = setInterval(() => { if (show() === 0) finish(resolve); }, 250);
    const finish = (settle, value) => {
      clearInterval(timer);
      signal.removeEventListener('abort', onAbort);
      delete $('status').dataset.countdown;
      settle(value);
    };
    const onAbort = () => finish(reject, abortedError());
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort);
  });
}

/** Whether the Worker's daily budget is what refused a lookup of this worst case. */
async function budgetRefused(worst) {
  await readWorkerConfig();
  return Boolean(limits.budget && limits.budget.remaining < worst);
}

/**
 * One lookup; a rate limit of the Worker is counted down and tried again
 * (until cancelled), a spent daily budget is an error.
 */
async function lookUpOne(client, query, signal) {
  const { method, field } = KINDS[query.kind];
  for (let waits = 0; ; waits++) {
    try {
      return await client[method]({ [field]: query.target, num: query.num, signal });
    } catch (error) {
      const e = /** @type {any} */ (error);
      if (e?.code !== 'rate_limited' || query.mode !== 'worker') throw error;
      if (await budgetRefused(estimateCredits(KINDS[query.kind].estimate, query.num))) {
        throw Object.assign(new Error(e.message), { code: 'budget_exhausted', retryAfter: e.retryAfter, description: e.description });
      }
      const wait = e.retryAfter ?? 60;
      if (waits >= MAX_COUNTDOWNS || wait > LONGEST_COUNTDOWN_S) throw error;
      await countdown(wait, signal);
      $('status').textContent = `Looking up backlinks of ${query.target} again…`;
    }
  }
}

/** Clears what the last lookup showed. */
function clearOutcome() {
  for (const field of Object.keys(FIELD_INPUTS)) setFieldError(field, '');
  $('placeholder').hidden = true;
  $('error').hidden = true;
  $('results').hidden = true;
}

/** @param {SubmitEvent} event */
async function lookUp(event) {
  event.preventDefault();
  if (running) return;
  clearOutcome();
  const query = {
    target: $('target').value.trim(), targets: listTargets(), num: num(), kind: kind(), mode: mode(),
    maxCredits: $('max-credits').value.trim() === '' ? undefined : Number($('max-credits').value),
  };
  if (!numFits(query.num)) return showFieldProblem('num', $('num').value);
  if (scope() === 'list' && query.targets.length === 0) {
    setFieldError('targets', 'Enter at least one target, one per line.');
    $('targets').focus();
    $('status').textContent = 'Nothing was sent: correct the marked field.';
    return;
  }
  let client;
  try {
    client = new BacklinksClient(clientOptions());
  } catch (error) {
    return showFailure(error, query.mode);
  }
  running = { controller: new AbortController() };
  const { signal } = running.controller;
  setBusy(true);
  const stopClock = startClock();
  let before = query.mode === 'direct' && balance.connection === connectionOf() ? balance.credits : null;
  try {
    // Direct: the balance before the lookup, if it was not read yet (reading it costs nothing).
    if (query.mode === 'direct' && before === null) before = await readBalance();
    if (scope() === 'list') {
      await runList(client, query, signal, stopClock);
    } else {
      $('status').textContent = `Looking up backlinks of ${query.target}…`;
      const response = await lookUpOne(client, query, signal);
      showResults({ ...query, targets: [query.target], list: false }, response, stopClock());
    }
    if (query.mode === 'direct') readBalance(before);
  } catch (error) {
    stopClock();
    showFailure(error, query.mode);
  } finally {
    client.free();
    running = null;
    setBusy(false);
    if (query.mode === 'worker' && limits.budget) readWorkerConfig();
  }
}

/** A list run with lookupMany: progress next to the button, then one combined table. */
async function runList(client, query, signal, stopClock) {
  const total = query.targets.length;
  const progress = $('progress');
  progress.max = total;
  progress.value = 0;
  $('status').textContent = `Looking up ${plural(total, 'target')}…`;
  const run = await client.lookupMany({
    kind: query.kind,
    targets: query.targets,
    num: query.num,
    maxCredits: query.maxCredits,
    signal,
    onProgress(p) {
      progress.value = p.done;
      $('status').textContent = `${formatNumber(p.done)} of ${plural(p.total, 'target')} done: ${formatNumber(p.ok)} ok, `
        + `${formatNumber(p.failed)} failed, ${formatNumber(p.skipped)} skipped; ${plural(p.creditsConsumed, 'credit')} spent.`;
    },
  });
  const data = [];
  let time = 0;
  const results = run.results.map((result) => {
    if (result.status === 'ok') {
      for (const row of result.response.data) data.push({ target: result.target, ...row });
      time = Math.max(time, result.response.time_taken);
      return { target: result.target, status: 'ok', backlinks: result.response.data.length, credits: result.response.credits_consumed };
    }
    return { target: result.target, status: result.status, backlinks: 0, credits: 0, code: result.error?.code };
  });
  const response = { data, credits_consumed: run.creditsConsumed, time_taken: time };
  showResults({ ...query, list: true, results, worstCase: run.worstCaseCredits }, response, stopClock());
  const counts = results.reduce((c, r) => ({ ...c, [r.status]: (c[r.status] ?? 0) + 1 }), {});
  $('status').textContent = `${signal.aborted ? 'Cancelled' : 'Done'}: ${formatNumber(counts.ok ?? 0)} ok, ${formatNumber(counts.failed ?? 0)} failed, `
    + `${formatNumber(counts.skipped ?? 0)} skipped, of ${plural(total, 'target')}; ${plural(run.creditsConsumed, 'credit')} spent.`;
}

/** Marks a field the page itself refused, focuses it, says nothing was sent. */
function showFieldProblem(field, value) {
  setFieldError(field, fieldMessage(field, value, { maxNum: maxNum() }));
  FIELD_INPUTS[field].focus();
  $('status').textContent = 'Nothing was sent: correct the marked field.';
}

/**
 * Shows a failure: inline for a field, a note for a cancel, else the error panel (focused).
 * @param {unknown} error
 * @param {'worker'|'direct'} lookupMode
 */
function showFailure(error, lookupMode) {
  const explained = explainError(error, lookupMode);
  const field = /** @type {any} */ (error)?.field;
  if (explained.code === 'invalid_argument' && FIELD_INPUTS[field]) {
    showFieldProblem(field, FIELD_INPUTS[field].value);
    if (field === 'page' || field === 'domain') showOffers(fixesFor(field, FIELD_INPUTS[field].value.trim()));
    return;
  }
  if (explained.code === 'aborted') {
    $('status').textContent = 'Cancelled. No results are shown.';
    return;
  }
  $('status').textContent = 'The lookup failed.';
  $('error-headline').textContent = explained.headline;
  $('error-advice').textContent = explained.advice;
  $('error-code').textContent = explained.code;
  $('error-message').textContent = explained.message;
  $('error-description').textContent = explained.description;
  $('error-description').hidden = $('error-description-label').hidden = !explained.description;
  $('error').hidden = false;
  reveal($('error-title'));
}

/** Moves the focus to a heading and scrolls it to the top, so the outcome is seen wherever it is. */
function reveal(heading) {
  heading.focus({ preventScroll: true });
  heading.scrollIntoView({ block: 'start' });
}

/** A summary figure: the value, then a smaller note. @param {string} id @param {string} value @param {string} note */
function setFigure(id, value, note) {
  $(id).replaceChildren(value, Object.assign(document.createElement('span'), { className: 'note', textContent: ` ${note}` }));
}

/**
 * Draws an answer: summary, per-target statuses, chart, anchors and table.
 * @param {{ targets: string[], num: number, kind: string, mode: string, list: boolean, results?: any[] }} query
 * @param {{ data: any[], credits_consumed: number, time_taken: number, worker_cache?: string }} response
 * @param {number|null} seconds the round trip as the page measured it, or null for an answer reopened from history
 * @param {{ reopened?: string }} [options] the time of the lookup, for an answer reopened from history
 */
function showResults(query, response, seconds, { reopened } = {}) {
  answer = {
    targets: query.targets, kind: query.kind, num: query.num, mode: query.mode, list: query.list, response, results: query.results, worstCase: query.worstCase,
  };
  const count = response.data.length;
  const cached = response.worker_cache === 'HIT';
  const asked = query.list ? query.num * query.targets.length : query.num;
  if (seconds !== null) $('status').textContent = `Found ${plural(count, 'backlink')}.`;
  const summary = summaryOf(response.data);
  setFigure('sum-count', formatNumber(count), `of ${formatNumber(asked)} asked`);
  setFigure('sum-domains', formatNumber(summary.referringDomains.length), 'distinct source domains');
  const worst = query.worstCase ?? estimateCredits(KINDS[query.kind].estimate, query.num) * (query.list ? query.targets.length : 1);
  if (cached || reopened) setFigure('sum-credits', '0', `charged now; the first lookup cost ${formatNumber(response.credits_consumed)}`);
  else setFigure('sum-credits', formatNumber(response.credits_consumed), `worst case ${formatNumber(worst)}`);
  setFigure('sum-time', `${response.time_taken} s`, seconds === null ? 'at the API' : `at the API; ${seconds.toFixed(2)} s round trip`);
  const note = $('result-note');
  note.hidden = !(cached || reopened);
  note.textContent = reopened
    ? `Reopened from this browser's history (looked up ${new Date(reopened).toLocaleString('en-GB')}): nothing was sent, 0 credits charged.`
    : cached ? 'From the Worker\'s cache: 0 credits charged.' : '';
  // A list counts the targets that were pages (or domains): one refused as invalid was not one.
  const valid = query.results?.filter((r) => !(r.status === 'failed' && r.code === 'invalid_argument')).length ?? query.targets.length;
  const what = query.list ? plural(valid, query.kind.endsWith('domain') ? 'domain' : 'page') : query.targets[0];
  const words = query.list ? KINDS[query.kind].words.replace(/to the (page|domain)$/, 'to each $1') : KINDS[query.kind].words;
  $('sum-query').textContent = `${what} · ${words} · ${query.mode === 'worker' ? 'through the Worker' : 'direct'}`;
  drawRunTable(query.results);
  $('results').hidden = false; // before drawing: the chart takes its width from the page
  domainFilter = { only: null, excluded: new Set() };
  drawDomainFilter();
  chart.update(topDomains(summary.referringDomains));
  drawDomainActions(topDomains(summary.referringDomains));
  drawAnchors(summary.anchors, query.targets);
  table.setRows(response.data);
  if (seconds !== null && !reopened) {
    const entry = { targets: query.targets, kind: query.kind, num: query.num, time: new Date().toISOString(), credits: cached ? 0 : response.credits_consumed };
    remember(entry, { ...answer });
    drawRecent();
  }
  reveal($('results-title'));
}

/** The per-target table of a list run (hidden for one lookup). */
function drawRunTable(results) {
  $('run-panel').hidden = !results;
  if (!results) return;
  const words = { ok: 'Done', failed: 'Failed', skipped: 'Skipped' };
  $('run-body').replaceChildren(...results.map((r) => {
    const tr = document.createElement('tr');
    tr.dataset.status = r.status;
    const invalid = r.code === 'invalid_argument'
      ? `not a valid ${answer.kind.endsWith('domain') ? 'domain' : 'page address'}, so nothing was sent for it.` : '';
    const reason = r.status === 'ok' ? '' : `: ${invalid || explainError({ code: r.code }, answer.mode).headline.replace(/^Skipped: /, '')}`;
    for (const [text, label] of [[r.target, 'Target'], [`${words[r.status] ?? r.status}${reason}`, 'Status'],
      [formatNumber(r.backlinks), 'Backlinks'], [formatNumber(r.credits), 'Credits']]) {
      const td = document.createElement('td');
      td.textContent = text;
      td.dataset.label = label;
      tr.append(td);
    }
    return tr;
  }));
}

/** Buttons beside the top referring domains: show only that domain, or hide it, with one click. */
function drawDomainActions(bars) {
  $('domain-actions').replaceChildren(...bars.map(({ domain, count }) => {
    const li = document.createElement('li');
    const name = Object.assign(document.createElement('span'), { className: 'domain-name', textContent: domain, title: domain });
    const n = Object.assign(document.createElement('span'), { className: 'count', textContent: formatNumber(count) });
    const only = Object.assign(document.createElement('button'), { type: 'button', className: 'secondary small', textContent: 'Only' });
    only.setAttribute('aria-label', `Only ${domain}`);
    only.addEventListener('click', () => { domainFilter = { only: domain, excluded: new Set() }; applyDomainFilter(); });
    const hide = Object.assign(document.createElement('button'), { type: 'button', className: 'secondary small', textContent: 'Exclude' });
    hide.setAttribute('aria-label', `Exclude ${domain}`);
    hide.addEventListener('click', () => {
      if (domainFilter.only === domain) domainFilter.only = null;
      domainFilter.excluded.add(domain);
      applyDomainFilter();
    });
    li.append(name, n, only, hide);
    return li;
  }));
}

function applyDomainFilter() {
  table.setDomainFilter(domainFilter);
  drawDomainFilter();
}

/** The domain filters in force, each with a button that removes it. */
function drawDomainFilter() {
  const chips = [];
  const chip = (text, remove) => {
    const span = Object.assign(document.createElement('span'), { className: 'chip', textContent: text });
    const button = Object.assign(document.createElement('button'), { type: 'button', className: 'secondary small', textContent: 'Remove' });
    button.setAttribute('aria-label', `Remove ${text}`);
    button.addEventListener('click', () => { remove(); applyDomainFilter(); $('filter').focus(); });
    span.append(' ', button);
    chips.push(span);
  };
  if (domainFilter.only !== null) chip(`Only ${domainFilter.only}`, () => { domainFilter.only = null; });
  for (const domain of domainFilter.excluded) chip(`Not ${domain}`, () => domainFilter.excluded.delete(domain));
  $('domain-filter').replaceChildren(...chips);
  $('domain-filter').hidden = chips.length === 0;
}

/** The anchor-text panel: each group's share, and its most used anchors. */
function drawAnchors(anchors, targets) {
  const groups = groupAnchors(anchors, targets);
  const total = anchors.reduce((n, a) => n + a.backlinks, 0);
  $('anchors').replaceChildren(...ANCHOR_GROUPS.map(({ key, label, hint }) => {
    const group = groups[key];
    const box = Object.assign(document.createElement('div'), { className: 'anchor-group' });
    box.dataset.group = key;
    const head = document.createElement('p');
    head.className = 'anchor-head';
    const share = total ? Math.round((100 * group.backlinks) / total) : 0;
    head.append(Object.assign(document.createElement('strong'), { textContent: label }),
      ` ${formatNumber(group.backlinks)} (${share}%)`,
      Object.assign(document.createElement('span'), { className: 'note', textContent: ` ${hint}` }));
    box.append(head);
    if (key !== 'empty' && group.anchors.length) {
      const list = document.createElement('ol');
      for (const anchor of group.anchors.slice(0, 5)) {
        const li = document.createElement('li');
        li.append(Object.assign(document.createElement('span'), { className: 'anchor-text', textContent: anchor.text, title: anchor.text }),
          ` ${formatNumber(anchor.backlinks)}`);
        list.append(li);
      }
      box.append(list);
    }
    return box;
  }));
}

// ---------------------------------------------------------------------------
// Recent lookups
// ---------------------------------------------------------------------------

function drawRecent() {
  const entries = recentLookups();
  $('recent').hidden = entries.length === 0;
  $('recent-list').replaceChildren(...entries.map((entry) => {
    const li = document.createElement('li');
    const button = Object.assign(document.createElement('button'), { type: 'button', className: 'linkish' });
    const what = entry.targets.length === 1 ? entry.targets[0] : `${entry.targets.length} targets (${entry.targets[0]}, …)`;
    const when = new Date(entry.time).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'short' });
    button.textContent = what;
    const about = Object.assign(document.createElement('span'), {
      className: 'note',
      textContent: `${KINDS[entry.kind]?.words ?? entry.kind}, ${formatNumber(entry.num)} asked, ${plural(entry.credits, 'credit')}, ${when}${entry.saved ? '' : ' (answer not kept: opening fills in the form)'}`,
    });
    button.addEventListener('click', () => reopen(entry));
    li.append(button, ' ', about);
    return li;
  }));
}

/** Shows a recent lookup's saved answer (nothing sent), or fills the form with it when its answer is gone. */
function reopen(entry) {
  if (running) return;
  const saved = entry.saved ? openRecent(entry.id) : null;
  const base = entry.kind.endsWith('domain') ? 'domain' : 'page';
  setKindBase(base);
  $('unique').checked = entry.kind.startsWith('unique');
  $('num').value = String(entry.num);
  if (entry.targets.length === 1 && !saved?.list) {
    $('scope-one').checked = true;
    $('target').value = entry.targets[0];
  } else {
    $('scope-list').checked = true;
    $('targets').value = entry.targets.join('\n');
  }
  updateScope();
  if (!saved) {
    $('status').textContent = 'That answer is no longer kept: the form is filled in to look it up again.';
    $('submit').focus();
    return;
  }
  clearOutcome();
  $('status').textContent = `Reopened ${entry.targets.length === 1 ? entry.targets[0] : plural(entry.targets.length, 'target')} from history: nothing was sent.`;
  showResults({ ...saved, targets: saved.targets }, saved.response, null, { reopened: entry.time });
}

// ---------------------------------------------------------------------------
// Exports: the rows shown, filtered and sorted as on screen
// ---------------------------------------------------------------------------

/** `backlinks-<host>-<date>.<extension>` @param {string} extension */
function exportName(extension) {
  let host = answer.list ? 'list' : answer.targets[0];
  try { host = new URL(host).hostname; } catch { /* a domain, or 'list' */ }
  host = host.replace(/[^a-z0-9.-]+/gi, '-') || 'backlinks';
  return `backlinks-${host}-${new Date().toISOString().slice(0, 10)}.${extension}`;
}

const exportColumns = () => (answer.list ? ['target', ...CSV_COLUMNS] : CSV_COLUMNS);

function exportCsv() {
  saveFile(exportName('csv'), 'text/csv;charset=utf-8', toCsv(table.shownRows(), exportColumns()));
}

/** The filters in force, as the JSON export states them. */
function filtersInForce() {
  return { text: $('filter').value.trim(), only_domain: domainFilter.only, excluded_domains: [...domainFilter.excluded] };
}

function exportJson() {
  const { kind: lookupKind, response } = answer;
  const rows = table.shownRows();
  const payload = {
    ...(answer.list ? { targets: answer.results } : { [KINDS[lookupKind].field]: answer.targets[0] }),
    endpoint: KINDS[lookupKind].endpoint,
    num: answer.num,
    credits_consumed: response.credits_consumed,
    time_taken: response.time_taken,
    ...(response.worker_cache ? { worker_cache: response.worker_cache } : {}),
    rows: {
      filtered: rows.length !== response.data.length,
      shown: rows.length,
      total: response.data.length,
      note: 'data holds the backlinks that match the filters below, in the order shown, not necessarily every backlink of the answer.',
    },
    filters: filtersInForce(),
    data: rows,
  };
  saveFile(exportName('json'), 'application/json', `${JSON.stringify(payload, null, 2)}\n`);
}

// ---------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------

/** Reads a text file of targets into the list box. */
async function loadTargetsFile() {
  const file = $('targets-file').files?.[0];
  if (!file) return;
  const text = await file.text();
  $('targets').value = text.replace(/^\uFEFF/, '');
  setFieldError('targets', '');
  updateCost();
}

function init() {
  const hasWorker = Boolean(config.workerUrl);
  $('mode-worker').disabled = !hasWorker;
  $(hasWorker ? 'mode-worker' : 'mode-direct').checked = true;
  if (hasWorker) $('worker-hint').textContent = `The Worker at ${config.workerUrl} holds the API key: nothing secret is in this page.`;
  $('base-url').value = config.apiBaseUrl;
  $('max-credits').value = '1000';

  for (const radio of document.querySelectorAll('input[name="mode"]')) radio.addEventListener('change', updateMode);
  for (const radio of document.querySelectorAll('input[name="scope"]')) radio.addEventListener('change', updateScope);
  for (const radio of document.querySelectorAll('input[name="kind"]')) radio.addEventListener('change', updateKind);
  $('num').addEventListener('input', updateCost);
  $('unique').addEventListener('change', updateCost);
  $('targets').addEventListener('input', () => { setFieldError('targets', ''); updateCost(); });
  $('max-credits').addEventListener('input', updateCost);
  $('targets-file').addEventListener('change', loadTargetsFile);
  // On leaving a filled-in field, except for the submit button: a message would move it from under the click.
  $('target').addEventListener('blur', (event) => {
    if ($('target').value.trim() && event.relatedTarget !== $('submit') && !$('target-error').contains(event.relatedTarget)) checkTarget();
  });
  $('target').addEventListener('input', () => { if (!$('target-error').hidden) checkTarget(); });
  for (const field of ['apiKey', 'baseUrl']) {
    FIELD_INPUTS[field].addEventListener('input', () => { setFieldError(field, ''); $('balance').hidden = true; });
    FIELD_INPUTS[field].addEventListener('change', () => readBalance());
  }
  $('lookup').addEventListener('submit', lookUp);
  $('cancel').addEventListener('click', () => running?.controller.abort());
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && running) {
      event.preventDefault();
      running.controller.abort();
    }
  });
  $('filter').addEventListener('input', () => table.setFilter($('filter').value));
  $('export-csv').addEventListener('click', exportCsv);
  $('export-json').addEventListener('click', exportJson);
  $('recent-clear').addEventListener('click', () => { forgetAll(); drawRecent(); $('target').focus(); });

  updateMode();
  updateScope();
  updateKind();
  drawRecent();
  readWorkerConfig().finally(() => { document.documentElement.dataset.ready = 'true'; });
}

init();
