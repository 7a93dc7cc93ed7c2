// The MCP endpoint, driven by the official MCP client (Client + StreamableHTTPClientTransport)
// inside workerd, against the stand-in API.
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CfWorkerJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/cfworker';
import { BacklinksClient, estimateCredits } from 'keywords-everywhere-backlinks';
import { describe, expect, inject, it, vi } from 'vitest';
import worker from '../src/index.js';
import { MAX_ROW_CHARS, SERVER_INFO } from '../src/mcp.js';
import { APP_ORIGIN, TOKENS, WORKER, budgetScope, expectNoSecret, uniqueIp, uniquePage, upstreamRequests } from './helpers.js';

const TOKEN = TOKENS[1];
const MCP_URL = `${WORKER}/mcp`;
const LOOKUP_NAMES = ['get_page_backlinks', 'get_unique_page_backlinks', 'get_domain_backlinks', 'get_unique_domain_backlinks'];

/**
 * The real RATE_LIMITER binding, with keys of this test's own: the Worker keys tool calls by
 * token, and every test here uses the same token.
 */
function ownRateLimiter(scope = crypto.randomUUID()) {
  return { limit: ({ key }) => env.RATE_LIMITER.limit({ key: `mcp-test:${scope}:${key}` }) };
}

/** Runs one request through the Worker's fetch handler with `bindings`, as workerd would. */
async function send(request, bindings = {}) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, { ...env, RATE_LIMITER: ownRateLimiter(), ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/**
 * An MCP client connected to the Worker's /mcp (initialize done), sending `token`.
 * Every answer is checked for leaked keys.
 */
async function connect({ token = TOKEN, bindings, ip = uniqueIp() } = {}) {
  const transport = new StreamableHTTPClientTransport(new URL(MCP_URL), {
    requestInit: { headers: { authorization: `Bearer ${token}`, 'cf-connecting-ip': ip } },
    fetch: async (url, init) => {
      const response = await send(new Request(url, init), bindings);
      const text = await response.clone().text();
      expectNoSecret(response, text);
      return response;
    },
  });
  // Ajv, the client's default validator, compiles with `new Function`, which workerd forbids.
  const client = new Client({ name: 'mcp-test', version: '1.0.0' }, { jsonSchemaValidator: new CfWorkerJsonSchemaValidator() });
  await client.connect(transport);
  return client;
}

/** A client that has listed the tools, so it validates structuredContent against their outputSchema. */
async function connectListed(options) {
  const client = await connect(options);
  await client.listTools();
  return client;
}

/** A raw JSON-RPC POST to /mcp. */
function post(body, headers = {}, bindings) {
  return send(
    new Request(MCP_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'cf-connecting-ip': uniqueIp(), ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
    bindings,
  );
}

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

/** The package's own error for a call, to compare messages with. */
function packageError(call) {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('the package accepted it');
}

/** The package's own rejection of a lookup, checked locally (nothing is sent to this URL). */
async function packageRejection(method, params) {
  const client = new BacklinksClient({ apiKey: 'unused', baseUrl: 'http://127.0.0.1:9', maxRetries: 0 });
  const failure = await client[method](params).then(() => null, (error) => error);
  expect(failure?.code, `the package accepted ${JSON.stringify(params)}`).toBe('invalid_argument');
  return failure;
}

/** The tool error's code and text of a result that must be an error. */
function toolError(result) {
  expect(result.isError, JSON.stringify(result)).toBe(true);
  expect(result.structuredContent).toBeUndefined();
  return { ...result._meta.error, text: result.content[0].text };
}

describe('MCP endpoint: access', () => {
  it('answers 401 without a token, before reading any MCP message', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token' }, { authorization: `Basic ${TOKEN}` }, { authorization: `Bearer ${TOKEN}x` }]) {
      // Not even JSON: a handled message would be a JSON-RPC parse error, not a 401.
      const response = await post('{not json', headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      const body = await response.json();
      expect(body.code).toBe('unauthorized');
      expect(body.message).toContain('ACCESS_TOKENS');
    }
  });

  it('answers 401 to an allowed browser Origin without a token', async () => {
    const response = await post(INITIALIZE, { origin: APP_ORIGIN });
    expect(response.status).toBe(401);
    expect((await response.json()).code).toBe('unauthorized');
    const withToken = await post(INITIALIZE, { origin: APP_ORIGIN, authorization: `Bearer ${TOKEN}` });
    expect(withToken.status).toBe(200);
  });

  it('lets a browser MCP client on an allowed origin through CORS: the preflight needs no token, each message does', async () => {
    const preflight = await send(
      new Request(MCP_URL, {
        method: 'OPTIONS',
        headers: { origin: APP_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, mcp-protocol-version' },
      }),
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    const allowed = preflight.headers.get('access-control-allow-headers').split(', ');
    for (const name of ['authorization', 'content-type', 'mcp-protocol-version']) expect(allowed).toContain(name);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');

    const answer = await post(INITIALIZE, { origin: APP_ORIGIN, authorization: `Bearer ${TOKEN}` });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(answer.headers.get('access-control-expose-headers')).toContain('mcp-session-id');
    const refused = await post(INITIALIZE, { origin: APP_ORIGIN });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN); // so the page can read why
    expect(refused.headers.get('access-control-expose-headers')).toContain('www-authenticate');
  });

  it('refuses a browser Origin that is not allowed, even with a token', async () => {
    const response = await post(INITIALIZE, { origin: 'https://evil.example', authorization: `Bearer ${TOKEN}` });
    expect(response.status).toBe(403);
    expect((await response.json()).code).toBe('origin_not_allowed');
  });

  it('makes the official client fail to connect with a 401 without a valid token', async () => {
    const failure = await connect({ token: 'not-a-token' }).catch((error) => error);
    expect(failure).toBeInstanceOf(StreamableHTTPError);
    expect(failure.code).toBe(401);
  });

  it('answers 405 to GET and DELETE (stateless: no stream, no session)', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await send(new Request(MCP_URL, { method, headers: { authorization: `Bearer ${TOKEN}`, accept: 'text/event-stream' } }));
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    }
  });
});

describe('MCP endpoint: initialize and tools/list', () => {
  it('initializes with the server info, instructions and the tools capability', async () => {
    const client = await connect();
    expect(client.getServerVersion()).toEqual(SERVER_INFO);
    expect(client.getServerCapabilities().tools).toBeDefined();
    expect(client.getInstructions()).toMatch(/max_credits/);
    await client.close();
  });

  it('lists exactly the six tools, each saying what it costs in credits', async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([...LOOKUP_NAMES, 'estimate_credits', 'get_budget'].sort());
    const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
    expect(byName.get_page_backlinks.description).toMatch(/Costs 1 credit per backlink/);
    expect(byName.get_unique_page_backlinks.description).toMatch(/Costs 5 credits per backlink/);
    expect(byName.get_domain_backlinks.description).toMatch(/Costs 1 credit per backlink/);
    expect(byName.get_unique_domain_backlinks.description).toMatch(/Costs 5 credits per backlink/);
    expect(byName.estimate_credits.description).toMatch(/Costs nothing/);
    expect(byName.get_budget.description).toMatch(/Costs no credits/);
    for (const tool of tools) expect(tool.outputSchema?.type, tool.name).toBe('object');
    await client.close();
  });

  it('advertises snake_case arguments with their types, all required', async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool.inputSchema]));
    for (const [name, field] of [['get_page_backlinks', 'page'], ['get_unique_page_backlinks', 'page'], ['get_domain_backlinks', 'domain'], ['get_unique_domain_backlinks', 'domain']]) {
      const schema = byName[name];
      expect(schema.type).toBe('object');
      expect(Object.keys(schema.properties)).toEqual([field, 'num', 'max_credits']);
      expect(schema.required).toEqual([field, 'num', 'max_credits']);
      expect(schema.additionalProperties).toBe(false);
      expect(schema.properties[field].type).toBe('string');
      expect(schema.properties.num).toMatchObject({ type: 'integer', minimum: 1 });
      expect(schema.properties.num.description).toContain('1 to 1000'); // MAX_NUM of wrangler.toml
      expect(schema.properties.max_credits).toMatchObject({ type: 'number', minimum: 0 });
    }
    expect(byName.estimate_credits.properties.kind.enum).toEqual(['page', 'unique_page', 'domain', 'unique_domain']);
    expect(byName.estimate_credits.required).toEqual(['kind', 'num']);
    expect(byName.get_budget.properties).toEqual({});
    await client.close();
  });
});

describe('MCP endpoint: estimate_credits', () => {
  it('prices each kind with the package, sending nothing', async () => {
    const client = await connectListed();
    for (const [kind, price] of [['page', 1], ['unique_page', 5], ['domain', 1], ['unique_domain', 5]]) {
      const result = await client.callTool({ name: 'estimate_credits', arguments: { kind, num: 40 } });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual({
        kind, num: 40, num_sent: 40, max_num: 1000, price_per_backlink: price, worst_case_credits: 40 * price,
      });
      expect(result.content[0].text).toContain(`at most ${40 * price} credits`);
    }
    await client.close();
  });

  it('takes the package\'s former kind name `unique` as the package does', async () => {
    const client = await connectListed();
    const result = await client.callTool({ name: 'estimate_credits', arguments: { kind: 'unique', num: 3 } });
    expect(result.structuredContent).toMatchObject({ kind: 'unique', worst_case_credits: estimateCredits('unique', 3) });
    await client.close();
  });

  it('caps num at MAX_NUM and says so', async () => {
    const client = await connectListed({ bindings: { MAX_NUM: '50' } });
    const result = await client.callTool({ name: 'estimate_credits', arguments: { kind: 'unique_domain', num: 400 } });
    expect(result.structuredContent).toMatchObject({ num: 400, num_sent: 50, max_num: 50, worst_case_credits: 250 });
    expect(result.content[0].text).toContain('capped at 50');
    await client.close();
  });

  it('answers a bad kind or num with the package\'s code and message', async () => {
    const client = await connectListed();
    for (const args of [{ kind: 'pages', num: 5 }, { kind: 'page', num: 0 }, { kind: 'page', num: '5' }, { kind: 'page', num: 2.5 }, { kind: 'page', num: 10001 }, { kind: 'page' }]) {
      const expected = packageError(() => estimateCredits(args.kind, args.num));
      const error = toolError(await client.callTool({ name: 'estimate_credits', arguments: args }));
      expect(error.code).toBe('invalid_argument');
      expect(error.field).toBe(expected.field);
      expect(error.message).toBe(expected.message);
      expect(error.text).toBe(`invalid_argument: ${expected.message}`);
    }
    await client.close();
  });
});

describe('MCP endpoint: max_credits', () => {
  it('refuses a lookup whose worst case is above max_credits, explaining the cost, sending nothing', async () => {
    const client = await connectListed();
    const page = uniquePage();
    const result = await client.callTool({ name: 'get_unique_page_backlinks', arguments: { page, num: 10, max_credits: 49 } });
    const error = toolError(result);
    expect(error.code).toBe('max_credits_exceeded');
    expect(error.message).toBe(
      'This lookup can cost up to 50 credits (num 10 × 5 credits per backlink), more than max_credits 49. Nothing was sent. Pass max_credits 50 or more, or lower num to 9.',
    );
    expect(await upstreamRequests(page)).toHaveLength(0);
    await client.close();
  });

  it('requires max_credits, a number of credits of 0 or more', async () => {
    const client = await connectListed();
    const page = uniquePage();
    for (const [max, pattern] of [[undefined, /^`max_credits` is required/], ['10', /got the string "10"/], [-1, /got the number -1/], [null, /got null/]]) {
      const args = { page, num: 1 };
      if (max !== undefined) args.max_credits = max;
      const error = toolError(await client.callTool({ name: 'get_page_backlinks', arguments: args }));
      expect(error).toMatchObject({ code: 'invalid_argument', field: 'max_credits' });
      expect(error.message).toMatch(pattern);
    }
    expect(await upstreamRequests(page)).toHaveLength(0);
    await client.close();
  });
});

describe('MCP endpoint: lookups', () => {
  it('get_page_backlinks answers rows, a summary, compact text and valid structuredContent', async () => {
    const client = await connectListed();
    const page = uniquePage();
    const result = await client.callTool({ name: 'get_page_backlinks', arguments: { page, num: 8, max_credits: 8 } });
    expect(result.isError).toBeFalsy();
    const out = result.structuredContent;
    expect(out).toMatchObject({ kind: 'page', target: page, num: 8, cache: 'MISS', backlinks_total: 8, backlinks_shown: 8, notes: [] });
    expect(out.credits_charged).toBe(out.credits_consumed);
    expect(out.credits_consumed).toBeGreaterThan(0);
    expect(out.backlinks).toHaveLength(8);
    for (const row of out.backlinks) expect(Object.keys(row).sort()).toEqual(['anchor_text', 'domain_source', 'domain_target', 'url_source', 'url_target']);
    const domains = new Map();
    for (const row of out.backlinks) domains.set(row.domain_source, (domains.get(row.domain_source) ?? 0) + 1);
    expect(out.summary.backlinks).toBe(8);
    expect(out.summary.referring_domains_total).toBe(domains.size);
    expect(out.summary.referring_domains.reduce((sum, d) => sum + d.backlinks, 0)).toBe(8);
    const text = result.content[0].text;
    expect(text.split('\n')[0]).toBe(`get_page_backlinks ${page} (num 8): 8 backlinks; ${out.credits_charged} credits charged`);
    expect(text).toContain(`${out.backlinks[0].url_source} -> ${out.backlinks[0].url_target} | ${out.backlinks[0].anchor_text}`);
    const sent = await upstreamRequests(page);
    expect(sent).toHaveLength(1);
    expect(sent[0].form.num).toBe('8');
    await client.close();
  });

  it('reads hostile rows as the package does: null or missing anchors as "", one text line per row', async () => {
    const client = await connectListed();
    const page = uniquePage('https://tricky.example/');
    const result = await client.callTool({ name: 'get_page_backlinks', arguments: { page, num: 13, max_credits: 13 } });
    const { backlinks } = result.structuredContent;
    expect(backlinks).toHaveLength(13);
    expect(backlinks.slice(-2).map((row) => row.anchor_text)).toEqual(['', '']);
    expect(backlinks[7].anchor_text).toBe('first line\nsecond line');
    const lines = result.content[0].text.split('\n');
    const rows = lines.slice(lines.indexOf('Backlinks (url_source -> url_target | anchor_text):') + 1);
    expect(rows).toHaveLength(13);
    expect(rows[7]).toBe('https://tricky-source-8.example/posts/8/escaping-check -> https://tricky.example/ | first line second line');
    expect(result.structuredContent.summary.top_anchors[0]).toEqual({ text: '', backlinks: 3 });
    await client.close();
  });

  it('answers the same lookup from the cache the second time: 0 credits, one upstream call', async () => {
    const client = await connectListed();
    const page = uniquePage();
    const args = { page, num: 6, max_credits: 30 };
    const first = await client.callTool({ name: 'get_unique_page_backlinks', arguments: args });
    const second = await client.callTool({ name: 'get_unique_page_backlinks', arguments: args });
    expect(first.structuredContent).toMatchObject({ kind: 'unique_page', cache: 'MISS' });
    expect(first.structuredContent.credits_charged).toBeGreaterThan(0);
    expect(second.structuredContent).toMatchObject({ cache: 'HIT', credits_charged: 0 });
    expect(second.structuredContent.credits_consumed).toBe(first.structuredContent.credits_consumed);
    expect(second.structuredContent.backlinks).toEqual(first.structuredContent.backlinks);
    expect(second.content[0].text.split('\n')[0]).toContain("0 credits charged (from the Worker's cache)");
    expect(await upstreamRequests(page)).toHaveLength(1);
    await client.close();
  });

  it('caps num at MAX_NUM, with a note, and checks max_credits against the capped num', async () => {
    const client = await connectListed({ bindings: { MAX_NUM: '5' } });
    const page = uniquePage();
    const result = await client.callTool({ name: 'get_page_backlinks', arguments: { page, num: 9, max_credits: 5 } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ num: 5, backlinks_total: 5 });
    expect(result.structuredContent.notes).toEqual(["num 9 is above this Worker's MAX_NUM, so it was capped at 5."]);
    expect(result.content[0].text).toContain("Note: num 9 is above this Worker's MAX_NUM");
    const sent = await upstreamRequests(page);
    expect(sent.map((entry) => entry.form.num)).toEqual(['5']);
    await client.close();
  });

  it('cuts a result too large for a model to its first rows, saying how many were left out', async () => {
    const client = await connectListed();
    const page = uniquePage();
    const result = await client.callTool({ name: 'get_page_backlinks', arguments: { page, num: 1000, max_credits: 1000 } });
    const out = result.structuredContent;
    expect(out.backlinks_total).toBe(1000);
    expect(out.backlinks_shown).toBeGreaterThan(10);
    expect(out.backlinks_shown).toBeLessThan(1000);
    expect(out.backlinks).toHaveLength(out.backlinks_shown);
    expect(out.summary.backlinks).toBe(1000);
    const left = 1000 - out.backlinks_shown;
    const note = `Showing the first ${out.backlinks_shown} of 1000 backlinks: ${left} were left out to fit a model's context (the summary counts all 1000).`;
    expect(out.notes).toEqual([note]);
    const text = result.content[0].text;
    expect(text.endsWith(`Note: ${note}`)).toBe(true);
    expect(text.length).toBeLessThan(MAX_ROW_CHARS + 2000);
    await client.close();
  });

  it('answers a bad argument with the package\'s code and message, sending nothing', async () => {
    const client = await connectListed();
    const page = uniquePage();
    const cases = [
      ['get_page_backlinks', { page: 'example.com/a', num: 3 }, 'getPageBacklinks'],
      ['get_page_backlinks', { page: 42, num: 3 }, 'getPageBacklinks'],
      ['get_page_backlinks', { page, num: '3' }, 'getPageBacklinks'],
      ['get_page_backlinks', { page, num: 0 }, 'getPageBacklinks'],
      ['get_unique_page_backlinks', { num: 3 }, 'getUniquePageBacklinks'],
    ];
    for (const [name, params, method] of cases) {
      const expected = await packageRejection(method, params);
      const error = toolError(await client.callTool({ name, arguments: { ...params, max_credits: 100 } }));
      expect(error.code, JSON.stringify(params)).toBe('invalid_argument');
      expect(error.field).toBe(expected.field);
      expect(error.message).toBe(expected.message);
    }
    expect(await upstreamRequests(page)).toHaveLength(0);
    await client.close();
  });

  it('refuses an argument the tool does not take, by name', async () => {
    const client = await connectListed();
    const page = uniquePage();
    const error = toolError(await client.callTool({ name: 'get_page_backlinks', arguments: { page, num: 1, max_credits: 1, unique: true } }));
    expect(error).toMatchObject({ code: 'invalid_argument', field: 'unique' });
    expect(error.message).toBe('get_page_backlinks takes no argument `unique`; its arguments are `page`, `num`, `max_credits`.');
    expect(await upstreamRequests(page)).toHaveLength(0);
    await client.close();
  });

  it('turns an upstream failure into a tool error with its code, and the session goes on', async () => {
    const client = await connectListed();
    const page = uniquePage('https://scenario.test/?status=503');
    const error = toolError(await client.callTool({ name: 'get_page_backlinks', arguments: { page, num: 2, max_credits: 2 } }));
    expect(error.code).toBe('server_error');
    expect(error.text).toBe(`server_error: ${error.message}`);
    const after = await client.callTool({ name: 'estimate_credits', arguments: { kind: 'page', num: 2 } });
    expect(after.structuredContent.worst_case_credits).toBe(2);
    await client.close();
  });
});

/** A domain no other test asks for. */
function uniqueDomain() {
  return `d${crypto.randomUUID().slice(0, 8)}.example.org`;
}

/** The requests the stand-in API received for `domain`. */
async function upstreamDomainRequests(domain) {
  const log = await (await fetch(`${inject('standInUrl')}/__control/log`)).json();
  return log.filter((entry) => entry.form?.domain === domain);
}

describe('MCP endpoint: domain lookups', () => {
  it('get_domain_backlinks and get_unique_domain_backlinks look a domain up, at their prices', async () => {
    const client = await connectListed();
    for (const [name, kind, price] of [['get_domain_backlinks', 'domain', 1], ['get_unique_domain_backlinks', 'unique_domain', 5]]) {
      const domain = uniqueDomain();
      const refused = toolError(await client.callTool({ name, arguments: { domain, num: 4, max_credits: 4 * price - 1 } }));
      expect(refused.code).toBe('max_credits_exceeded');
      const result = await client.callTool({ name, arguments: { domain, num: 4, max_credits: 4 * price } });
      expect(result.isError, result.content[0].text).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ kind, target: domain, num: 4, cache: 'MISS', backlinks_total: 4 });
      expect(result.structuredContent.credits_charged).toBeLessThanOrEqual(4 * price);
      const sent = await upstreamDomainRequests(domain);
      expect(sent.map((entry) => entry.form.num)).toEqual(['4']);
    }
    await client.close();
  });

  it('answers a bad domain with the package\'s code and message, sending nothing', async () => {
    const client = await connectListed();
    for (const domain of ['https://example.com/', 'example.com/path', 'exa mple.com', '', 7]) {
      const expected = await packageRejection('getDomainBacklinks', { domain, num: 2 });
      const error = toolError(await client.callTool({ name: 'get_unique_domain_backlinks', arguments: { domain, num: 2, max_credits: 10 } }));
      expect(error).toMatchObject({ code: 'invalid_argument', field: 'domain', message: expected.message });
    }
    await client.close();
  });
});

describe('MCP endpoint: the Worker\'s limits apply to tool calls', () => {
  it('get_budget answers what GET /budget answers, and a lookup spends from it', async () => {
    const budget = { BUDGET: budgetScope(), DAILY_CREDIT_BUDGET: '20' };
    const client = await connectListed({ bindings: budget });
    const before = await client.callTool({ name: 'get_budget', arguments: {} });
    expect(before.structuredContent).toMatchObject({ limit: 20, spent: 0, reserved: 0, remaining: 20 });
    expect(before.content[0].text).toContain('20 of 20 credits remain');
    const looked = await client.callTool({ name: 'get_page_backlinks', arguments: { page: uniquePage(), num: 8, max_credits: 8 } });
    const charged = looked.structuredContent.credits_charged;
    expect(charged).toBeGreaterThan(0);
    const after = await client.callTool({ name: 'get_budget', arguments: {} });
    expect(after.structuredContent).toMatchObject({ limit: 20, spent: charged, reserved: 0, remaining: 20 - charged });
    const http = await send(new Request(`${WORKER}/budget`), budget);
    expect(await http.json()).toEqual(after.structuredContent);
    await client.close();
  });

  it('refuses a lookup the day\'s budget cannot cover, sending nothing, and still serves a cache hit', async () => {
    const budget = { BUDGET: budgetScope(), DAILY_CREDIT_BUDGET: '10' };
    const client = await connectListed({ bindings: budget });
    const page = uniquePage();
    const first = await client.callTool({ name: 'get_page_backlinks', arguments: { page, num: 8, max_credits: 8 } });
    expect(first.structuredContent.credits_charged).toBe(8);
    const other = uniquePage();
    const refused = toolError(await client.callTool({ name: 'get_page_backlinks', arguments: { page: other, num: 5, max_credits: 5 } }));
    expect(refused.code).toBe('budget_exhausted');
    expect(refused.retry_after).toBeGreaterThan(0);
    expect(refused.text).toMatch(/^budget_exhausted: .*\(retry after \d+ s\)$/);
    expect(await upstreamRequests(other)).toHaveLength(0);
    const hit = await client.callTool({ name: 'get_page_backlinks', arguments: { page, num: 8, max_credits: 8 } });
    expect(hit.structuredContent).toMatchObject({ cache: 'HIT', credits_charged: 0 });
    expect(await upstreamRequests(page)).toHaveLength(1);
    await client.close();
  });

  it('merges identical tool calls in flight into one upstream call, charged once', async () => {
    const budget = { BUDGET: budgetScope(), DAILY_CREDIT_BUDGET: '1000' };
    const page = uniquePage('https://scenario.test/?delayMs=400');
    const clients = await Promise.all(Array.from({ length: 4 }, () => connectListed({ bindings: budget })));
    const results = await Promise.all(
      clients.map((client) => client.callTool({ name: 'get_page_backlinks', arguments: { page, num: 6, max_credits: 6 } })),
    );
    expect(results.map((r) => r.structuredContent.cache)).toEqual(Array(4).fill('MISS'));
    expect(new Set(results.map((r) => JSON.stringify(r.structuredContent.backlinks))).size).toBe(1);
    expect(await upstreamRequests(page)).toHaveLength(1);
    expect(await budget.BUDGET.stub().read(1000)).toMatchObject({ spent: 6, reserved: 0 });
    await Promise.all(clients.map((client) => client.close()));
  });

  it('counts tool calls that miss the cache against the token\'s rate limit', async () => {
    const client = await connectListed({ bindings: { RATE_LIMITER: ownRateLimiter() } });
    const codes = [];
    for (let i = 0; i < 7; i++) {
      const result = await client.callTool({ name: 'get_page_backlinks', arguments: { page: uniquePage(), num: 1, max_credits: 1 } });
      codes.push(result.isError ? result._meta.error.code : 'ok');
    }
    expect(codes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'rate_limited', 'rate_limited']); // TEST_RATE_LIMIT: 5 a minute
    await client.close();
  });

  it('logs a tool call as one request line: route, way in, tool, kind, cache, credits; never the token', async () => {
    const client = await connectListed();
    const page = uniquePage();
    const spy = vi.spyOn(console, 'log');
    let lines;
    try {
      await client.callTool({ name: 'get_unique_page_backlinks', arguments: { page, num: 2, max_credits: 10 } });
      lines = spy.mock.calls.map((args) => String(args[0])).filter((line) => line.startsWith('{"event":"request"'));
    } finally {
      spy.mockRestore();
    }
    expect(lines).toHaveLength(1);
    for (const token of TOKENS) expect(lines[0]).not.toContain(token);
    expect(JSON.parse(lines[0])).toMatchObject({
      method: 'POST', route: '/mcp', status: 200, via: 'token', tool: 'get_unique_page_backlinks', kind: 'unique_page', num: 2, cache: 'MISS', credits: 10,
    });
    await client.close();
  });

  it('logs a tool call answered from the cache even when HTTP cache hits are not logged (HIT_LOG_SAMPLE_RATE 0)', async () => {
    const client = await connectListed({ bindings: { HIT_LOG_SAMPLE_RATE: '0' } });
    const args = { page: uniquePage(), num: 2, max_credits: 2 };
    const spy = vi.spyOn(console, 'log');
    let lines;
    try {
      await client.callTool({ name: 'get_page_backlinks', arguments: args });
      await client.callTool({ name: 'get_page_backlinks', arguments: args });
      lines = spy.mock.calls.map((args) => String(args[0])).filter((line) => line.startsWith('{"event":"request"'));
    } finally {
      spy.mockRestore();
    }
    expect(lines.map((line) => JSON.parse(line))).toMatchObject([
      { route: '/mcp', tool: 'get_page_backlinks', cache: 'MISS', sample_rate: 1 },
      { route: '/mcp', tool: 'get_page_backlinks', cache: 'HIT', sample_rate: 1 },
    ]);
    await client.close();
  });
});
