// The baseline the package competes with: a plain-JS client doing what ten
// careful lines of fetch would, with the same validation and shape checks as
// the package (so the comparison is like for like). Runs in Node and browsers.

const FIELDS = ['anchor_text', 'domain_source', 'domain_target', 'url_source', 'url_target'];

export function checkParams(page, num) {
  if (typeof page !== 'string') throw new TypeError('page must be a string');
  let url;
  try {
    url = new URL(page);
  } catch {
    throw new TypeError('page must be an absolute URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.host) throw new TypeError('page must be http(s)');
  if (typeof num !== 'number' || !Number.isInteger(num) || num < 1 || num > 10000) throw new TypeError('num must be 1..10000');
}

export function checkBody(body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error('invalid_response: not an object');
  const { data } = body;
  if (!Array.isArray(data)) throw new Error('invalid_response: data is not an array');
  for (const item of data) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new Error('invalid_response: item');
    for (const f of FIELDS) {
      const v = item[f];
      if (v === undefined || v === null) item[f] = '';
      else if (typeof v !== 'string') throw new Error(`invalid_response: ${f}`);
    }
  }
  const number = (v, name) => {
    if (v === undefined || v === null) return 0;
    if (typeof v !== 'number') throw new Error(`invalid_response: ${name}`);
    return v;
  };
  return { data, credits_consumed: number(body.credits_consumed, 'credits_consumed'), time_taken: number(body.time_taken, 'time_taken') };
}

/** Same shape as the package's client, without retries or timeouts. */
export class PlainClient {
  constructor({ apiKey, baseUrl }) {
    this.apiKey = apiKey;
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** `fetch`'s arguments for one lookup: the URL and `{ method, headers, body }`. */
  request(page, num) {
    const init = {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Bearer ${this.apiKey}`,
      },
      body: new URLSearchParams({ page, num: String(num) }),
    };
    return [`${this.baseUrl}/v1/get_page_backlinks`, init];
  }

  async getPageBacklinks({ page, num }) {
    checkParams(page, num);
    const response = await fetch(...this.request(page, num));
    if (!response.ok) throw new Error(`http ${response.status}`);
    return checkBody(await response.json());
  }
}

/**
 * The baseline of `make bench`'s headline: the same client with a
 * per-attempt timeout (an AbortController whose signal `fetch` gets, a
 * timer, cleared at the end), as a user's own client needs one, and as the
 * package times out its attempts.
 */
export class PlainClientWithTimeout extends PlainClient {
  constructor({ timeoutMs, ...rest }) {
    super(rest);
    this.timeoutMs = timeoutMs;
  }

  async getPageBacklinks({ page, num }) {
    checkParams(page, num);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const [url, init] = this.request(page, num);
      const response = await fetch(url, { ...init, signal: controller.signal });
      if (!response.ok) throw new Error(`http ${response.status}`);
      return checkBody(await response.json());
    } finally {
      clearTimeout(timer);
    }
  }
}
