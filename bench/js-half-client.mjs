// Not a baseline: the package's request sent by the package's own JS half
// (js/transport.js: the promise, the timeout, fetch, reading the body; set up
// as the package's entry for the runtime sets it up) with the plain client's
// checks in JS instead of the wasm half. The package minus its wasm, so that
// `make bench` shows what the wasm half (reading the params, the checks, the
// body scan, the calls across) costs on its own. Runs in Node and browsers.
import { attempt, tuneForBrowsers, tuneForNode } from '../js/transport.js';
import { checkBody, checkParams, PlainClient } from './plain-client.mjs';

const ANSWERED = 0;

// As the package's entries set up this module: in Node, bodies read as text;
// in browsers, timeouts through AbortSignal.timeout().
if (globalThis.process?.versions?.node) tuneForNode();
else tuneForBrowsers();

export class JsHalfClient extends PlainClient {
  constructor({ timeoutMs, ...rest }) {
    super(rest);
    this.timeoutMs = timeoutMs;
    const [url, init] = this.request('https://example.com/', 1);
    this.url = url;
    // The package's headers object: made once per client.
    this.headers = {
      Accept: init.headers.accept,
      'Content-Type': init.headers['content-type'],
      Authorization: init.headers.authorization,
    };
    this.decoder = new TextDecoder();
    // What the wasm half's step does with an answer, in JS; what it throws
    // rejects the call.
    this.dispatch = (step, ended, status, retryAfter, body) => {
      if (ended !== ANSWERED) throw new Error(`ended ${ended}`);
      if (status < 200 || status > 299) throw new Error(`http ${status}`);
      return checkBody(JSON.parse(typeof body === 'string' ? body : this.decoder.decode(body)));
    };
  }

  getPageBacklinks({ page, num }) {
    checkParams(page, num);
    const body = new URLSearchParams({ page, num: String(num) }).toString();
    return attempt(undefined, this.url, 'POST', this.headers, body, this.timeoutMs, undefined, this.dispatch, 0);
  }
}
