// Shared helpers of the Worker tests (they run inside workerd).
import { SELF, env } from 'cloudflare:test';
import { expect, inject, vi } from 'vitest';
import worker from '../src/index.js';

/** The stand-in API's URL (the Worker's KE_BASE_URL) and its test keys. */
export const STAND_IN = inject('standInUrl');
export const KEYS = inject('testKeys');

/** The Worker's origin as the tests address it. */
export const WORKER = 'https://backlinks.worker.test';
export const PAGE_ROUTE = '/v1/get_page_backlinks';
export const UNIQUE_ROUTE = '/v1/get_unique_page_backlinks';
export const DOMAIN_ROUTE = '/v1/get_domain_backlinks';
export const UNIQUE_DOMAIN_ROUTE = '/v1/get_unique_domain_backlinks';

/** The page origin in ALLOWED_ORIGINS and the tokens in ACCESS_TOKENS (vitest.config.js). */
export const APP_ORIGIN = env.ALLOWED_ORIGINS;
export const TOKENS = env.ACCESS_TOKENS.split(',');

/** A page no other test asks for, so its cache entry and upstream log are this test's own. */
export function uniquePage(base = 'https://example.com/') {
  const url = new URL(base);
  url.searchParams.set('t', crypto.randomUUID());
  return url.toString();
}

/** A client IP no other test uses, so the rate limit of one test never touches another. */
export function uniqueIp() {
  const [a, b, c] = crypto.getRandomValues(new Uint8Array(3));
  return `10.${a}.${b}.${c}`;
}

/** Fails when the API key (or any test key) shows in a response's headers or body. */
export function expectNoSecret(response, text, extraSecret) {
  const secrets = [...Object.values(KEYS), ...TOKENS, extraSecret].filter(Boolean);
  const headers = [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n');
  for (const secret of secrets) {
    expect(headers, 'a response header holds an API key').not.toContain(secret);
    expect(text, 'a response body holds an API key').not.toContain(secret);
  }
}

/**
 * Sends one request to the Worker and reads the whole answer, checking that no key leaks.
 * Unless `headers` says otherwise, it comes from the allowed page origin (APP_ORIGIN), so it
 * is let in and rate-limited by its `ip`.
 * With `env`, the Worker's fetch handler runs directly with those bindings over the
 * configured ones; without, the request goes through SELF (the configured Worker).
 * @param {string} path
 * @param {{ method?: string, form?: Record<string, string|number>, body?: BodyInit,
 *   headers?: Record<string, string>, ip?: string, env?: Record<string, unknown> }} [options]
 */
export async function call(path, { method = 'POST', form, body, headers = {}, ip = uniqueIp(), env: bindings } = {}) {
  const init = { method, headers: { 'cf-connecting-ip': ip, origin: APP_ORIGIN, ...headers } };
  for (const [name, value] of Object.entries(init.headers)) if (value === undefined) delete init.headers[name];
  if (form) init.body = new URLSearchParams(Object.entries(form).map(([k, v]) => [k, String(v)]));
  if (body !== undefined) init.body = body;
  const response = await send(new Request(WORKER + path, init), bindings);
  const text = await response.text();
  expectNoSecret(response, text, bindings?.KE_API_KEY);
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Runs a request through the Worker: SELF, or its handler with `bindings` over the configured env. */
export function send(request, bindings) {
  return bindings ? worker.fetch(request, { ...env, ...bindings }) : SELF.fetch(request);
}

/** The requests the stand-in API received for `page`. */
export async function upstreamRequests(page) {
  const response = await fetch(`${STAND_IN}/__control/log`);
  const log = await response.json();
  return log.filter((entry) => entry.form?.page === page);
}

/**
 * Routes the global fetch for {@link WORKER} URLs into the Worker (with `bindings`, if any),
 * so a BacklinksClient inside workerd can call it; other URLs go out as usual.
 * `onCall` sees each request to the Worker. Undone by `vi.unstubAllGlobals()`.
 */
export function routeFetchToWorker(bindings, ip = uniqueIp(), onCall = () => {}) {
  const realFetch = globalThis.fetch;
  vi.stubGlobal('fetch', (input, init) => {
    const request = new Request(input, init);
    if (new URL(request.url).origin !== WORKER) return realFetch(request);
    onCall(request);
    const headers = new Headers(request.headers);
    headers.set('cf-connecting-ip', ip);
    return send(new Request(request, { headers }), bindings);
  });
}

/**
 * The BUDGET namespace with every lookup's budget in one object of its own (named `name`),
 * so a test can spend or exhaust a budget without touching any other test's.
 * Pass it as `env: { BUDGET: budgetScope(name) }`.
 */
export function budgetScope(name = crypto.randomUUID()) {
  return {
    idFromName: () => env.BUDGET.idFromName(`test:${name}`),
    get: (id) => env.BUDGET.get(id),
    stub: () => env.BUDGET.get(env.BUDGET.idFromName(`test:${name}`)),
  };
}

/** Fails unless the answer is an error as the Worker answers every error. */
export function expectWorkerError(res, status, code) {
  expect(res.status, res.text).toBe(status);
  expect(res.json.code).toBe(code);
  expect(typeof res.json.message).toBe('string');
  expect(res.headers.get('x-should-retry')).toBe('false');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
}
