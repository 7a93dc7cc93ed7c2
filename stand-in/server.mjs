// A faithful local stand-in of the Keywords Everywhere backlinks API
// (POST /v1/get_page_backlinks, /v1/get_unique_page_backlinks,
// /v1/get_domain_backlinks, /v1/get_unique_domain_backlinks and
// GET /v1/account/credits), with a balance per test key that lookups spend,
// and switchable faults for tests. Node >= 20, no dependencies.
//
// Library use:  const api = await startStandIn();  ...  await api.close();
// CLI use:      node stand-in/server.mjs [--port N] [--quiet] [--delay-ms N]

import http from 'node:http';
import { pathToFileURL } from 'node:url';
import {
  CREDITS_PER_LINK,
  EMPTY_HOST,
  SAMPLE_BALANCE,
  SAMPLE_DOMAIN,
  SAMPLE_DOMAIN_BACKLINKS,
  SAMPLE_PAGE_BACKLINKS,
  SAMPLE_PAGES,
  SAMPLE_TIME_TAKEN,
  SAMPLE_UNIQUE_BACKLINKS,
  SAMPLE_UNIQUE_DOMAIN_BACKLINKS,
  TRICKY_BACKLINKS,
  TRICKY_HOST,
  backlinkStream,
  generateBacklinks,
} from './fixtures.mjs';

export {
  SAMPLE_BALANCE,
  SAMPLE_DOMAIN_BACKLINKS,
  SAMPLE_PAGE_BACKLINKS,
  SAMPLE_UNIQUE_BACKLINKS,
  SAMPLE_UNIQUE_DOMAIN_BACKLINKS,
  TRICKY_BACKLINKS,
} from './fixtures.mjs';

/**
 * API keys the stand-in knows. Any other key is answered with 401.
 * @type {Readonly<{valid: string, noSubscription: string, bronze: string, lowCredits: string, other402: string}>}
 */
export const TEST_KEYS = Object.freeze({
  valid: 'ke_test_valid_key', // Gold plan, 95,597,755 credits (the docs' sample balance)
  noSubscription: 'ke_test_no_subscription', // -> 402 Subscription Required; 0 credits
  bronze: 'ke_test_bronze_plan', // -> 402 Gold or Platinum subscription required
  lowCredits: 'ke_test_low_credits', // 100 credits: worst-case cost above the balance -> 402 Insufficient Credits
  other402: 'ke_test_other_402', // -> 402 Payment Failed (undocumented)
});

/** Host of the page-directed scenario pages (`https://scenario.test/?status=503`). */
export const SCENARIO_HOST = 'scenario.test';

/** Credits the `lowCredits` account starts with. */
export const LOW_CREDITS_BALANCE = 100;

/** The accounts' plans; `credits` is each one's starting balance. */
const ACCOUNTS = new Map([
  [TEST_KEYS.valid, { plan: 'gold', credits: SAMPLE_BALANCE }],
  [TEST_KEYS.noSubscription, { plan: null, credits: 0 }],
  [TEST_KEYS.bronze, { plan: 'bronze', credits: SAMPLE_BALANCE }],
  [TEST_KEYS.lowCredits, { plan: 'gold', credits: LOW_CREDITS_BALANCE }],
  [TEST_KEYS.other402, { plan: 'gold', credits: SAMPLE_BALANCE, paymentFailed: true }],
]);

/** Every account's starting balance, as a stand-in's own Map it then spends from. */
function startingBalances() {
  return new Map([...ACCOUNTS].map(([key, account]) => [key, account.credits]));
}

const ERROR_BODIES = {
  unauthorized: { message: '401 Missing Or Invalid API Key' },
  noSubscription: { message: '402 Subscription Required', description: 'A valid subscription is required to access this resource.' },
  wrongPlan: { message: '402 Gold or Platinum subscription required', description: 'A Gold or Platinum Plan subscription is required to access this resource.' },
  noCredits: { message: '402 Insufficient Credits', description: 'You do not have sufficient credits to complete this request.' },
  paymentFailed: { message: '402 Payment Failed', description: 'Your last payment failed.' },
};

const JSON_TYPE = 'application/json';
const GATEWAY_HTML = '<!doctype html><html><body>Gateway</body></html>';
const MAX_NUM = 10000;
const MAX_REQUEST_BODY = 1024 * 1024;
const STREAM_CHUNK = 64 * 1024;
const MID_BODY_RESET_MS = 30;
const HUGE_ANCHOR_PADDING = ' — ' + 'lorem ipsum dolor sit amet '.repeat(40);

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'authorization, content-type, accept',
  'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
  'Access-Control-Expose-Headers': 'retry-after, x-should-retry',
};

// Fields a fault may have. "Effect" fields change the answer; the others modify an effect.
const FAULT_EFFECTS = ['status', 'body', 'delayMs', 'stallBodyMs', 'reset', 'truncate', 'html', 'empty', 'hugeBytes'];
const FAULT_MODIFIERS = ['contentType', 'retryAfter', 'headers', 'times', 'endpoint'];

// ---------------------------------------------------------------------------
// Replies: { status, headers, body: Buffer }
// ---------------------------------------------------------------------------

/** JSON text as the API sends it: U+2028/U+2029 escaped like other control characters. */
function toJson(value) {
  return JSON.stringify(value).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

function textReply(status, contentType, text, headers = {}) {
  return { status, headers: { 'Content-Type': contentType, ...headers }, body: Buffer.from(text, 'utf8') };
}

function jsonReply(status, value, headers) {
  return textReply(status, JSON_TYPE, toJson(value), headers);
}

/** `{"message":"503 Service Unavailable"}` and the like. */
function statusBody(status) {
  return toJson({ message: `${status} ${http.STATUS_CODES[status] ?? 'Error'}` });
}

function send(res, { status, headers, body }) {
  res.writeHead(status, { ...headers, 'Content-Length': body.length });
  res.end(body);
}

// ---------------------------------------------------------------------------
// The API itself: auth (401) -> input (400) -> subscription/credits (402) -> data
// ---------------------------------------------------------------------------

/** The key of an `Authorization: Bearer <key>` header, or null. */
function bearerKey(header) {
  const match = /^Bearer ([^\s]+)$/i.exec(header ?? '');
  return match ? match[1] : null;
}

/**
 * Form fields from the query string, overridden field by field by an
 * `application/x-www-form-urlencoded` body (a body without Content-Type is
 * read as a form too, like curl --data; other body types are ignored).
 * @param {'page'|'domain'} target the field naming what is looked up
 * @returns {{page: string|null, num: string|null} | {domain: string|null, num: string|null}}
 */
function readForm(url, contentType, rawBody, target) {
  const isForm = !contentType || /^application\/x-www-form-urlencoded\b/i.test(contentType);
  const body = new URLSearchParams(isForm ? rawBody : '');
  const field = (name) => body.get(name) ?? url.searchParams.get(name);
  return { [target]: field(target), num: field('num') };
}

function parseHttpUrl(text) {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname ? url : null;
  } catch {
    return null;
  }
}

/** Whether `text` is a bare host name such as `example.com` (no scheme, port, path or user). */
function isHostName(text) {
  return /^[^\s/:@?#\\[\]<>"`{}|^%]+$/u.test(text) && !/^\.|\.\./.test(text);
}

/** Description of what is wrong with the form, or null when it is valid. */
function formProblem(form) {
  if ('domain' in form) {
    if (!form.domain) return 'The domain parameter is required.';
    if (!isHostName(form.domain)) return 'The domain parameter must be a domain name such as example.com.';
  } else {
    if (!form.page) return 'The page parameter is required.';
    if (!parseHttpUrl(form.page)) return 'The page parameter must be an absolute http or https URL.';
  }
  const { num } = form;
  if (num === null || num === '') return 'The num parameter is required.';
  if (!/^\d+$/.test(num) || Number(num) < 1 || Number(num) > MAX_NUM) {
    return `The num parameter must be an integer between 1 and ${MAX_NUM}.`;
  }
  return null;
}

/** The 402 body for this account, balance and worst-case cost, or null when it may proceed. */
function paymentProblem(account, balance, worstCaseCost) {
  if (!account.plan) return ERROR_BODIES.noSubscription;
  if (account.plan !== 'gold' && account.plan !== 'platinum') return ERROR_BODIES.wrongPlan;
  if (account.paymentFailed) return ERROR_BODIES.paymentFailed;
  if (worstCaseCost > balance) return ERROR_BODIES.noCredits;
  return null;
}

const round2 = (x) => Math.round(x * 100) / 100;

/** time_taken of a generated answer: deterministic, grows with the count. */
const timeTakenFor = (count) => round2(0.12 + count / 100000);

/** The docs' samples, by kind. */
const SAMPLES = {
  page: SAMPLE_PAGE_BACKLINKS,
  unique: SAMPLE_UNIQUE_BACKLINKS,
  domain: SAMPLE_DOMAIN_BACKLINKS,
  unique_domain: SAMPLE_UNIQUE_DOMAIN_BACKLINKS,
};

/** Backlinks and time_taken for a valid request of `kind` about `target` (a page or a domain). */
function findBacklinks(kind, target, num) {
  const isDomain = kind === 'domain' || kind === 'unique_domain';
  if (isDomain ? target.toLowerCase() === SAMPLE_DOMAIN : SAMPLE_PAGES.includes(target)) {
    return { data: SAMPLES[kind].slice(0, num), timeTaken: SAMPLE_TIME_TAKEN[kind] };
  }
  const page = isDomain ? `https://${target}/` : target;
  const host = isDomain ? target.toLowerCase() : new URL(page).hostname;
  let data;
  if (host === EMPTY_HOST) data = [];
  else if (host === TRICKY_HOST) data = TRICKY_BACKLINKS.slice(0, num);
  else data = generateBacklinks(page, num, { unique: kind === 'unique' || kind === 'unique_domain', wholeDomain: isDomain });
  return { data, timeTaken: timeTakenFor(data.length) };
}

/** The fields after `data` in a 200 body. */
function successTail(kind, count, timeTaken) {
  return { credits_consumed: count * CREDITS_PER_LINK[kind], time_taken: timeTaken };
}

/**
 * The answer the real API would give, plus the scenario fault its page asks
 * for; a 200 comes with `spend()`, which takes its credits from the key's
 * balance in `state` (called once the answer goes out).
 * @returns {{reply: object, scenario: object|null, spend?: () => void}}
 */
function answer(state, kind, authorization, form) {
  const key = bearerKey(authorization);
  const account = ACCOUNTS.get(key);
  if (!account) return { reply: jsonReply(401, ERROR_BODIES.unauthorized), scenario: null };
  const problem = formProblem(form);
  if (problem) return { reply: jsonReply(400, { message: '400 Invalid Request', description: problem }), scenario: null };
  const num = Number(form.num);
  const refusal = paymentProblem(account, state.balances.get(key), num * CREDITS_PER_LINK[kind]);
  if (refusal) return { reply: jsonReply(402, refusal), scenario: null };
  const target = form.page ?? form.domain;
  const { data, timeTaken } = findBacklinks(kind, target, num);
  const body = { data, ...successTail(kind, data.length, timeTaken) };
  const spend = () => state.balances.set(key, state.balances.get(key) - body.credits_consumed);
  return { reply: jsonReply(200, body), scenario: form.page ? scenarioFault(form.page) : null, spend };
}

/** GET /v1/account/credits: `[balance]` for a known key. */
function balanceAnswer(state, authorization) {
  const key = bearerKey(authorization);
  if (!ACCOUNTS.has(key)) return jsonReply(401, ERROR_BODIES.unauthorized);
  return jsonReply(200, [state.balances.get(key)]);
}

// ---------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------

/**
 * A fault shapes the answer to one endpoint request (or `times` requests).
 * Queued faults pre-empt auth and validation; scenario-page faults apply
 * only to requests that pass them. Fields combine: `delayMs` first, then
 * `reset: 'before'` or `hugeBytes`, or else the reply (the substitute from
 * html / empty / body / status, else the normal one) sent as is, truncated,
 * stalled or cut mid-body.
 * @typedef {object} Fault
 * @property {number} [status] 200..599; body defaults to `{"message":"<status> <reason>"}`
 * @property {string} [body] exact body (status defaults to 200)
 * @property {string} [contentType] with body/status; default application/json
 * @property {string} [retryAfter] sent verbatim as Retry-After
 * @property {Record<string, string>} [headers] more headers, sent verbatim (e.g. Location, x-should-retry)
 * @property {number} [delayMs] wait before answering
 * @property {number} [stallBodyMs] send headers + half the body, wait, send the rest
 * @property {'before'|'mid-body'} [reset] destroy the socket before answering / after half the body
 * @property {boolean} [truncate] send half the body, with a matching Content-Length
 * @property {boolean} [html] a text/html gateway page
 * @property {boolean} [empty] an empty body
 * @property {number} [hugeBytes] a streamed valid 200 JSON body of at least this many bytes
 * @property {number} [times] how many requests it applies to (default 1)
 * @property {'lookup'|'balance'} [endpoint] which requests it applies to: the
 *   lookups (default), or the balance (GET /v1/account/credits); each has a queue
 */

/** Throws a TypeError unless `fault` is a well-formed {@link Fault}; returns a copy. */
function checkFault(fault) {
  if (!fault || typeof fault !== 'object' || Array.isArray(fault)) throw new TypeError('a fault must be an object');
  const unknown = Object.keys(fault).filter((k) => !FAULT_EFFECTS.includes(k) && !FAULT_MODIFIERS.includes(k));
  if (unknown.length) throw new TypeError(`unknown fault field(s): ${unknown.join(', ')}`);
  if (!FAULT_EFFECTS.some((k) => fault[k] !== undefined)) throw new TypeError(`a fault needs one of: ${FAULT_EFFECTS.join(', ')}`);
  const isCount = (v) => Number.isSafeInteger(v) && v >= 0;
  const checks = {
    status: (v) => Number.isInteger(v) && v >= 200 && v <= 599,
    body: (v) => typeof v === 'string',
    contentType: (v) => typeof v === 'string',
    retryAfter: (v) => typeof v === 'string',
    headers: (v) => !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((h) => typeof h === 'string'),
    delayMs: isCount,
    stallBodyMs: isCount,
    hugeBytes: isCount,
    reset: (v) => v === 'before' || v === 'mid-body',
    truncate: (v) => typeof v === 'boolean',
    html: (v) => typeof v === 'boolean',
    empty: (v) => typeof v === 'boolean',
    times: (v) => Number.isSafeInteger(v) && v >= 1,
    endpoint: (v) => v === 'lookup' || v === 'balance',
  };
  for (const [key, ok] of Object.entries(checks)) {
    if (fault[key] !== undefined && !ok(fault[key])) throw new TypeError(`invalid fault ${key}: ${JSON.stringify(fault[key])}`);
  }
  return { ...fault };
}

/** The fault a `https://scenario.test/?...` page asks for, or null. */
function scenarioFault(page) {
  const url = new URL(page);
  if (url.hostname !== SCENARIO_HOST) return null;
  const q = url.searchParams;
  const int = (name) => (/^\d+$/.test(q.get(name) ?? '') ? Number(q.get(name)) : undefined);
  const flag = (name) => (q.get(name) === '1' || q.get(name) === 'true' ? true : undefined);
  const fault = {
    status: int('status'),
    retryAfter: q.get('retryAfter') ?? undefined,
    delayMs: int('delayMs'),
    stallBodyMs: int('stallBodyMs'),
    reset: q.get('reset') ?? undefined,
    truncate: flag('truncate'),
    html: flag('html'),
    empty: flag('empty'),
  };
  for (const key of Object.keys(fault)) if (fault[key] === undefined) delete fault[key];
  try {
    return checkFault(fault);
  } catch {
    return null; // nothing (valid) asked for: a normal answer
  }
}

/** The reply a fault substitutes for the normal one, or null when it keeps the normal reply. */
function substituteReply(fault) {
  const status = fault.status ?? 200;
  if (fault.html) return textReply(status, 'text/html', GATEWAY_HTML);
  if (fault.empty) return textReply(status, JSON_TYPE, '');
  if (fault.body !== undefined || fault.status !== undefined) {
    return textReply(status, fault.contentType ?? JSON_TYPE, fault.body ?? statusBody(status));
  }
  return null;
}

function withHeaders(reply, { retryAfter, headers }) {
  const extra = { ...(retryAfter === undefined ? {} : { 'Retry-After': retryAfter }), ...headers };
  return Object.keys(extra).length === 0 ? reply : { ...reply, headers: { ...reply.headers, ...extra } };
}

/** Writes a chunk, waiting for drain; resolves false when the response is gone. */
function write(res, chunk) {
  if (res.destroyed) return Promise.resolve(false);
  if (res.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve(!res.destroyed);
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Headers with the full Content-Length, half the body, then `finish(rest)`. */
async function sendHalf(res, { status, headers, body }, finish) {
  res.writeHead(status, { ...headers, 'Content-Length': body.length });
  const half = Math.floor(body.length / 2);
  if (await write(res, body.subarray(0, half))) await finish(body.subarray(half));
}

/** Streams a valid 200 JSON body of at least `minBytes` bytes, chunk by chunk. */
async function sendHuge(res, kind, page, minBytes) {
  res.writeHead(200, { 'Content-Type': JSON_TYPE });
  let chunk = '{"data":[';
  let bytes = chunk.length;
  let count = 0;
  for (const link of backlinkStream(page, { unique: kind === 'unique' || kind === 'unique_domain', anchorPadding: HUGE_ANCHOR_PADDING })) {
    if (bytes >= minBytes) break;
    const json = (count++ ? ',' : '') + toJson(link);
    chunk += json;
    bytes += Buffer.byteLength(json);
    if (chunk.length >= STREAM_CHUNK) {
      if (!(await write(res, chunk))) return;
      chunk = '';
    }
  }
  // '],"credits_consumed":…,"time_taken":…}'
  res.end(`${chunk}],${toJson(successTail(kind, count, timeTakenFor(count))).slice(1)}`);
}

// ---------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------

/**
 * Starts the stand-in API.
 *
 * @param {{port?: number, host?: string, quiet?: boolean, answerDelayMs?: number}} [options]
 *   port 0 picks a free port; quiet=false prints one line per request to
 *   stderr (method, path, status; never keys); answerDelayMs holds every
 *   endpoint answer back that many ms (a fixed latency, as a real API has;
 *   the bulk benchmark uses it), before any fault's own delay.
 * @returns {Promise<{
 *   url: string, port: number, close: () => Promise<void>,
 *   log: object[], balanceLog: object[], clearLog: () => void,
 *   enqueueFault: (fault: Fault) => void, clearFaults: () => void,
 *   keys: typeof TEST_KEYS,
 *   balance: (key: string) => number|undefined, setBalance: (key: string, credits: number) => void,
 *   resetBalances: () => void,
 * }>} `log` is live: each lookup (an endpoint POST) appends
 *   `{time, method, path, contentType, accept, authorization, rawBody, form, fault}`
 *   (`form` is `{page, num}` or `{domain, num}` as the endpoint takes); `balanceLog`
 *   is the same for each balance request (`form` is `{}`), kept apart so that
 *   a client reading the balance around its lookups leaves `log` as it was;
 *   and sets `abandoned: true` on it if the client closes the connection
 *   before the whole answer has gone out.
 *   `enqueueFault` queues a {@link Fault} for the next lookup(s) (or balance
 *   requests, with `endpoint: 'balance'`),
 *   in order, and throws a TypeError on a malformed one.
 */
export async function startStandIn({ port = 0, host = '127.0.0.1', quiet = true, answerDelayMs = 0 } = {}) {
  if (!Number.isSafeInteger(answerDelayMs) || answerDelayMs < 0) {
    throw new TypeError(`answerDelayMs must be a whole number of ms, 0 or more; got ${answerDelayMs}`);
  }
  const state = {
    log: [],
    balanceLog: [],
    faults: [],
    balanceFaults: [],
    timers: new Set(),
    sockets: new Set(),
    quiet,
    answerDelayMs,
    balances: startingBalances(),
  };
  const server = http.createServer((req, res) => handle(state, req, res));
  server.on('connection', (socket) => {
    state.sockets.add(socket);
    socket.once('close', () => state.sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    // A backlog above Node's default of 511: the tests open 1,000 connections at
    // once, and on a busy machine the ones past the backlog waited for SYN
    // retries until fetch gave up ("fetch failed").
    server.listen({ port, host, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  let closing = null;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`,
    port: actualPort,
    log: state.log,
    balanceLog: state.balanceLog,
    keys: TEST_KEYS,
    clearLog: () => clearLog(state),
    enqueueFault: (fault) => enqueueFault(state, fault),
    clearFaults: () => clearFaults(state),
    balance: (key) => state.balances.get(key),
    setBalance: (key, credits) => setBalance(state, key, credits),
    resetBalances: () => void (state.balances = startingBalances()),
    close: () => (closing ??= shutDown(state, server)),
  };
}

/** Sets a test key's balance; throws a TypeError for an unknown key or a bad amount. */
function setBalance(state, key, credits) {
  if (!ACCOUNTS.has(key)) throw new TypeError('not a test key');
  if (!Number.isSafeInteger(credits) || credits < 0) throw new TypeError(`invalid credits: ${JSON.stringify(credits)}`);
  state.balances.set(key, credits);
}

function enqueueFault(state, fault) {
  const copy = checkFault(fault);
  const queue = copy.endpoint === 'balance' ? state.balanceFaults : state.faults;
  queue.push({ fault: copy, remaining: copy.times ?? 1 });
}

function clearFaults(state) {
  state.faults.splice(0);
  state.balanceFaults.splice(0);
}

function clearLog(state) {
  state.log.splice(0);
  state.balanceLog.splice(0);
}

/** The next fault of `queue` (consuming one of its `times`), or null. */
function takeFault(queue) {
  const head = queue[0];
  if (!head) return null;
  if (--head.remaining === 0) queue.shift();
  return head.fault;
}

/** Sleeps; resolves false instead when the server closes meanwhile. */
function sleep(state, ms) {
  return new Promise((resolve) => {
    const entry = { resolve, timer: setTimeout(() => state.timers.delete(entry) && resolve(true), ms) };
    state.timers.add(entry);
  });
}

function shutDown(state, server) {
  for (const { timer, resolve } of state.timers) {
    clearTimeout(timer);
    resolve(false);
  }
  state.timers.clear();
  const closed = new Promise((resolve) => server.close(() => resolve()));
  for (const socket of state.sockets) socket.destroy();
  return closed;
}

const ENDPOINTS = {
  '/v1/get_page_backlinks': 'page',
  '/v1/get_unique_page_backlinks': 'unique',
  '/v1/get_domain_backlinks': 'domain',
  '/v1/get_unique_domain_backlinks': 'unique_domain',
};

/** path -> method -> handler(ctx) */
const ROUTES = {
  ...Object.fromEntries(Object.entries(ENDPOINTS).map(([path, kind]) => [path, { POST: (ctx) => handleApi(ctx, kind) }])),
  '/v1/account/credits': { GET: (ctx) => handleApi(ctx, 'credits') },
  '/__control/balance': {
    // {key, credits}: sets that test key's balance; DELETE: every balance back to its start.
    POST: handleSetBalance,
    DELETE: ({ state, res }) => ((state.balances = startingBalances()), sendNoContent(res)),
  },
  '/__control/faults': { POST: handleAddFaults, DELETE: ({ state, res }) => (clearFaults(state), sendNoContent(res)) },
  '/__control/log': {
    // ?balance=1 adds the balance requests, in the order they came.
    GET: ({ state, res, url }) => send(res, jsonReply(200, url.searchParams.get('balance') === '1'
      ? [...state.log, ...state.balanceLog].sort((a, b) => a.seq - b.seq)
      : state.log)),
    DELETE: ({ state, res }) => (clearLog(state), sendNoContent(res)),
  },
};

function sendNoContent(res) {
  res.writeHead(204);
  res.end();
}

async function handle(state, req, res) {
  for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
  if (!state.quiet) {
    res.once('close', () => process.stderr.write(`stand-in: ${req.method} ${req.url.split('?')[0]} -> ${res.headersSent ? res.statusCode : 'reset'}\n`));
  }
  try {
    const url = new URL(req.url, 'http://stand-in.invalid');
    const route = ROUTES[url.pathname];
    if (!route) return send(res, jsonReply(404, { message: '404 Not Found' }));
    if (req.method === 'OPTIONS') return sendNoContent(res);
    const handler = route[req.method];
    if (!handler) {
      return send(res, jsonReply(405, { message: '405 Method Not Allowed' }, { Allow: `${Object.keys(route).join(', ')}, OPTIONS` }));
    }
    const rawBody = await readBody(req);
    if (rawBody === null) return send(res, jsonReply(413, { message: '413 Payload Too Large' }));
    await handler({ state, req, res, url, rawBody });
  } catch (error) {
    if (!state.quiet) process.stderr.write(`stand-in: internal error: ${error?.message}\n`);
    if (!res.headersSent) send(res, jsonReply(500, { message: '500 Internal Server Error' }));
    else res.destroy();
  }
}

/** The request body as UTF-8 text, or null when it is larger than MAX_REQUEST_BODY. */
async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size <= MAX_REQUEST_BODY) chunks.push(chunk);
  }
  return size > MAX_REQUEST_BODY ? null : Buffer.concat(chunks).toString('utf8');
}

/** Requests seen by every stand-in of this process, for the order of the logs. */
let requestCount = 0;

/** A request to an API endpoint: log it, then answer, through the next queued or scenario fault. */
async function handleApi({ state, req, res, url, rawBody }, kind) {
  const isBalance = kind === 'credits';
  const target = kind === 'domain' || kind === 'unique_domain' ? 'domain' : 'page';
  const form = isBalance ? {} : readForm(url, req.headers['content-type'], rawBody, target);
  const queued = takeFault(isBalance ? state.balanceFaults : state.faults);
  const { reply, scenario, spend } = isBalance
    ? { reply: balanceAnswer(state, req.headers.authorization), scenario: null }
    : answer(state, kind, req.headers.authorization, form);
  const fault = queued ?? scenario;
  const entry = {
    time: new Date().toISOString(),
    method: req.method,
    path: url.pathname,
    contentType: req.headers['content-type'] ?? null,
    accept: req.headers.accept ?? null,
    authorization: req.headers.authorization ?? null,
    rawBody,
    form,
    fault,
  };
  Object.defineProperty(entry, 'seq', { value: ++requestCount, enumerable: false });
  (isBalance ? state.balanceLog : state.log).push(entry);
  // The client closed the connection before the whole answer went out (as
  // a timeout or an abort does): set then, so a test can wait for it.
  res.once('close', () => {
    if (!res.writableFinished) entry.abandoned = true;
  });
  if (state.answerDelayMs > 0 && !(await sleep(state, state.answerDelayMs))) return;
  // The normal 200 spends its credits when it goes out, whole or not; a
  // reply a fault puts in its place spends nothing.
  const sendsNormal = !fault || (fault.reset !== 'before' && fault.hugeBytes === undefined && !substituteReply(fault));
  if (spend && sendsNormal) spend();
  await respond({ state, req, res }, kind, form, reply, fault);
}

/** Sends `reply`, shaped by `fault` (a queued or scenario fault; see startStandIn). */
async function respond({ state, req, res }, kind, form, reply, fault) {
  if (!fault) return send(res, reply);
  if (fault.delayMs && !(await sleep(state, fault.delayMs))) return;
  if (res.destroyed) return;
  if (fault.reset === 'before') return void req.socket.destroy();
  if (fault.hugeBytes !== undefined) {
    const page = parseHttpUrl(form.page ?? '') ? form.page : form.domain ? `https://${form.domain}/` : 'https://example.org/';
    return sendHuge(res, kind, page, fault.hugeBytes);
  }
  const shaped = withHeaders(substituteReply(fault) ?? reply, fault);
  if (fault.truncate) {
    const body = shaped.body.subarray(0, Math.floor(shaped.body.length / 2));
    return send(res, { ...shaped, body });
  }
  if (fault.stallBodyMs) {
    return sendHalf(res, shaped, async (rest) => {
      if ((await sleep(state, fault.stallBodyMs)) && !res.destroyed) res.end(rest);
    });
  }
  if (fault.reset === 'mid-body') {
    // A short pause lets the client see the headers before the connection drops.
    return sendHalf(res, shaped, async () => (await sleep(state, MID_BODY_RESET_MS)) && req.socket.destroy());
  }
  return send(res, shaped);
}

/** POST /__control/balance with `{key, credits}`. */
function handleSetBalance({ state, res, rawBody }) {
  try {
    const { key, credits } = JSON.parse(rawBody);
    setBalance(state, key, credits);
  } catch (error) {
    return send(res, jsonReply(400, { message: '400 Invalid Request', description: error.message }));
  }
  return sendNoContent(res);
}

/** POST /__control/faults with one fault or an array of faults (all or nothing). */
function handleAddFaults({ state, res, rawBody }) {
  let faults;
  try {
    const parsed = JSON.parse(rawBody);
    faults = (Array.isArray(parsed) ? parsed : [parsed]).map(checkFault);
  } catch (error) {
    return send(res, jsonReply(400, { message: '400 Invalid Request', description: error.message }));
  }
  faults.forEach((fault) => enqueueFault(state, fault));
  return send(res, jsonReply(200, { queued: [...state.faults, ...state.balanceFaults].reduce((n, f) => n + f.remaining, 0) }));
}

// ---------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------

function parseArgs(argv) {
  const options = { port: 0, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    if (flag === '--quiet') options.quiet = true;
    else if (flag === '--delay-ms') {
      const value = inline ?? argv[++i];
      if (!/^\d+$/.test(value ?? '')) throw new Error(`invalid --delay-ms: ${value}`);
      options.answerDelayMs = Number(value);
    }
    else if (flag === '--port') {
      const value = inline ?? argv[++i];
      if (!/^\d+$/.test(value ?? '') || Number(value) > 65535) throw new Error(`invalid --port: ${value}`);
      options.port = Number(value);
    } else throw new Error(`unknown argument: ${argv[i]}`);
  }
  return options;
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error.message}\nusage: node stand-in/server.mjs [--port N] [--quiet] [--delay-ms N]\n`);
    process.exitCode = 2;
    return;
  }
  const api = await startStandIn(options);
  process.stdout.write(`stand-in API listening on ${api.url}\n`);
  const stop = () => api.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
