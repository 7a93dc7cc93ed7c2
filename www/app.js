// The demo page: look up a page's backlinks through the Worker or directly
// with an API key, see the worst-case cost first, then read, sort, filter,
// chart and export the answer. All checks of input come from the package.
//
// Address parameters: ?worker=<Worker URL> turns on "through the Worker"
// (the default mode when given); ?api=<base URL> presets direct mode's API
// base URL (default: the real API).

import { BacklinksClient, estimateCredits } from 'keywords-everywhere-backlinks';
import { DomainChart } from './chart.js';
import { toCsv } from './csv.js';
import { saveFile } from './download.js';
import { explainError } from './errors.js';
import { BacklinksTable } from './table.js';

const REAL_API = 'https://api.keywordseverywhere.com';
const CSV_COLUMNS = ['anchor_text', 'url_source', 'domain_source', 'url_target', 'domain_target'];
const ENDPOINTS = { page: 'get_page_backlinks', unique: 'get_unique_page_backlinks' };
const METHODS = { page: 'getPageBacklinks', unique: 'getUniquePageBacklinks' };

/** @param {string} id */
const $ = (id) => /** @type {any} */ (document.getElementById(id));
const formatNumber = (n) => n.toLocaleString('en-US');

/** Inputs by the `field` name the package's errors use. */
const FIELD_INPUTS = { page: $('page'), num: $('num'), apiKey: $('api-key'), baseUrl: $('base-url') };

const params = new URLSearchParams(location.search);
const config = { workerUrl: params.get('worker') ?? '', apiBaseUrl: params.get('api') || REAL_API };

/**
 * Checks `page` without sending anything: the package validates its
 * parameters before it looks at the (already aborted) signal.
 */
const validator = new BacklinksClient({ baseUrl: 'http://validator.invalid' });
const abortedSignal = AbortSignal.abort();

const table = new BacklinksTable($('backlinks'), {
  more: $('more'),
  onChange(matching, total, drawn) {
    const count = matching === total
      ? `Showing all ${formatNumber(total)} backlinks`
      : `Showing ${formatNumber(matching)} of ${formatNumber(total)} backlinks`;
    $('shown-count').textContent = drawn < matching ? `${count}, the first ${formatNumber(drawn)} drawn.` : `${count}.`;
    $('export-csv').disabled = $('export-json').disabled = matching === 0;
  },
});
const chart = new DomainChart($('chart'));

/** @type {{ controller: AbortController } | null} the lookup in flight */
let running = null;
/** @type {{ page: string, kind: 'page'|'unique', response: import('keywords-everywhere-backlinks').BacklinksResponse } | null} the answer on screen */
let answer = null;

// ---------------------------------------------------------------------------
// Form state and inline validation
// ---------------------------------------------------------------------------

/** @returns {'worker'|'direct'} */
const mode = () => (/** @type {HTMLInputElement} */ ($('mode-worker')).checked ? 'worker' : 'direct');
/** @returns {'page'|'unique'} */
const kind = () => ($('unique').checked ? 'unique' : 'page');
/** num as typed; an empty box is 0, which the package refuses with its own message. */
const num = () => Number($('num').value.trim());

/** Shows (or with '' clears) the message under a field. @param {string} field @param {string} message */
function setFieldError(field, message) {
  const input = FIELD_INPUTS[field];
  const box = $(`${input.id}-error`);
  box.textContent = message;
  box.hidden = !message;
  if (message) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

/** Shows the worst-case cost, or num's problem, as num and the switch change. */
function updateCost() {
  const cost = $('cost');
  try {
    const credits = estimateCredits(kind(), num());
    setFieldError('num', '');
    const each = kind() === 'unique' ? '5 credits per backlink, one per domain' : '1 credit per backlink';
    cost.replaceChildren('Worst-case cost: ', Object.assign(document.createElement('strong'), {
      textContent: `${formatNumber(credits)} credit${credits === 1 ? '' : 's'}`,
    }), ` (${each}).`);
  } catch (error) {
    setFieldError('num', explainError(error, mode()).message);
    cost.textContent = 'Worst-case cost: fix num to see it.';
  }
}

/** Shows the package's verdict on the page URL (nothing is sent). */
async function checkPage() {
  const page = $('page').value.trim();
  try {
    await validator.getPageBacklinks({ page, num: 1, signal: abortedSignal });
  } catch (error) {
    if ($('page').value.trim() !== page) return; // typed on meanwhile
    const e = /** @type {any} */ (error);
    setFieldError('page', e.code === 'invalid_argument' && e.field === 'page' ? e.message : '');
  }
}

/** Shows the fields of the chosen mode. */
function updateMode() {
  $('direct-fields').hidden = mode() !== 'direct';
  setFieldError('apiKey', '');
  setFieldError('baseUrl', '');
}

// ---------------------------------------------------------------------------
// A lookup: progress, cancel, outcome
// ---------------------------------------------------------------------------

/** Options of the client for the chosen mode: the Worker holds the key, direct mode sends it. */
function clientOptions() {
  return mode() === 'worker'
    ? { baseUrl: config.workerUrl }
    : { baseUrl: $('base-url').value.trim(), apiKey: $('api-key').value.trim() };
}

/** Switches the page into or out of "loading". @param {boolean} busy */
function setBusy(busy) {
  $('progress').hidden = !busy;
  $('submit').disabled = busy;
  if (!busy && document.activeElement === $('cancel')) $('submit').focus();
  $('cancel').hidden = !busy;
}

/** Counts the seconds while a lookup runs; returns a function that stops it. */
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

/** @param {SubmitEvent} event */
async function lookUp(event) {
  event.preventDefault();
  if (running) return;
  for (const field of Object.keys(FIELD_INPUTS)) setFieldError(field, '');
  $('placeholder').hidden = true;
  $('error').hidden = true;
  $('results').hidden = true;
  const query = { page: $('page').value.trim(), num: num(), kind: kind(), mode: mode() };
  let client;
  try {
    client = new BacklinksClient(clientOptions());
  } catch (error) {
    return showFailure(error, query.mode);
  }
  running = { controller: new AbortController() };
  setBusy(true);
  $('status').textContent = `Looking up backlinks of ${query.page}…`;
  const stopClock = startClock();
  try {
    const { page, num: count, kind: endpointKind } = query;
    const response = await client[METHODS[endpointKind]]({ page, num: count, signal: running.controller.signal });
    showResults(query, response, stopClock());
  } catch (error) {
    stopClock();
    showFailure(error, query.mode);
  } finally {
    client.free();
    running = null;
    setBusy(false);
  }
}

/**
 * Shows a failure: inline for a field, a note for a cancel, else the error panel.
 * @param {unknown} error
 * @param {'worker'|'direct'} lookupMode
 */
function showFailure(error, lookupMode) {
  const explained = explainError(error, lookupMode);
  const field = /** @type {any} */ (error)?.field;
  if (explained.code === 'invalid_argument' && FIELD_INPUTS[field]) {
    setFieldError(field, explained.message);
    FIELD_INPUTS[field].focus();
    $('status').textContent = 'Nothing was sent: correct the marked field.';
    return;
  }
  if (explained.code === 'aborted') {
    $('status').textContent = 'Cancelled. No results are shown.';
    return;
  }
  $('status').textContent = 'The lookup failed.';
  $('error-code').textContent = explained.code;
  $('error-message').textContent = explained.message;
  $('error-advice').textContent = explained.advice;
  $('error-description').textContent = explained.description;
  $('error-description').hidden = $('error-description-label').hidden = !explained.description;
  $('error').hidden = false;
}

/** A summary figure: the value, then a smaller note. @param {string} id @param {string} value @param {string} note */
function setFigure(id, value, note) {
  $(id).replaceChildren(value, Object.assign(document.createElement('span'), { className: 'note', textContent: ` ${note}` }));
}

/**
 * Draws the summary, chart and table of an answer.
 * @param {{ page: string, num: number, kind: 'page'|'unique', mode: 'worker'|'direct' }} query
 * @param {import('keywords-everywhere-backlinks').BacklinksResponse} response
 * @param {number} seconds the round trip as the page measured it
 */
function showResults(query, response, seconds) {
  answer = { page: query.page, kind: query.kind, response };
  const count = response.data.length;
  $('status').textContent = `Found ${formatNumber(count)} backlink${count === 1 ? '' : 's'}.`;
  setFigure('sum-count', formatNumber(count), `of ${formatNumber(query.num)} asked`);
  setFigure('sum-credits', formatNumber(response.credits_consumed), `worst case ${formatNumber(estimateCredits(query.kind, query.num))}`);
  setFigure('sum-time', `${response.time_taken} s`, `at the API; ${seconds.toFixed(2)} s round trip`);
  $('sum-query').textContent = `${query.page} · ${query.kind === 'unique' ? 'one link per domain' : 'all links'} · ${
    query.mode === 'worker' ? 'through the Worker' : 'direct'}`;
  $('results').hidden = false; // before drawing: the chart takes its width from the page
  chart.update(response.data);
  table.setRows(response.data);
}

// ---------------------------------------------------------------------------
// Exports: the rows shown, filtered and sorted as on screen
// ---------------------------------------------------------------------------

/** `backlinks-<host>-<date>.<extension>` @param {string} extension */
function exportName(extension) {
  let host = 'page';
  try { host = new URL(answer.page).hostname.replace(/[^a-z0-9.-]+/gi, '-') || host; } catch { /* keep 'page' */ }
  return `backlinks-${host}-${new Date().toISOString().slice(0, 10)}.${extension}`;
}

function exportCsv() {
  saveFile(exportName('csv'), 'text/csv;charset=utf-8', toCsv(table.shownRows(), CSV_COLUMNS));
}

function exportJson() {
  const { page, kind: endpointKind, response } = answer;
  const payload = {
    page,
    endpoint: ENDPOINTS[endpointKind],
    credits_consumed: response.credits_consumed,
    time_taken: response.time_taken,
    data: table.shownRows(),
  };
  saveFile(exportName('json'), 'application/json', `${JSON.stringify(payload, null, 2)}\n`);
}

// ---------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------

function init() {
  const hasWorker = Boolean(config.workerUrl);
  $('mode-worker').disabled = !hasWorker;
  $(hasWorker ? 'mode-worker' : 'mode-direct').checked = true;
  if (hasWorker) $('worker-hint').textContent = `The Worker at ${config.workerUrl} holds the API key: nothing secret is in this page.`;
  $('base-url').value = config.apiBaseUrl;

  for (const radio of document.querySelectorAll('input[name="mode"]')) radio.addEventListener('change', updateMode);
  $('num').addEventListener('input', updateCost);
  $('unique').addEventListener('change', updateCost);
  // On leaving a filled-in field, except for the submit button: a message would move it from under the click.
  $('page').addEventListener('blur', (event) => {
    if ($('page').value.trim() && event.relatedTarget !== $('submit')) checkPage();
  });
  $('page').addEventListener('input', () => { if (!$('page-error').hidden) checkPage(); });
  for (const field of ['apiKey', 'baseUrl']) FIELD_INPUTS[field].addEventListener('input', () => setFieldError(field, ''));
  $('lookup').addEventListener('submit', lookUp);
  $('cancel').addEventListener('click', () => running?.controller.abort());
  $('filter').addEventListener('input', () => table.setFilter($('filter').value));
  $('export-csv').addEventListener('click', exportCsv);
  $('export-json').addEventListener('click', exportJson);

  updateMode();
  updateCost();
  document.documentElement.dataset.ready = 'true';
}

init();
