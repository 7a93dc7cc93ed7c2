// The MCP endpoint `{worker}/mcp`: backlinks for AI assistants over Streamable HTTP.
//
// The official MCP TypeScript SDK does the protocol: `McpServer` holds the tools and its
// web-standard `WebStandardStreamableHTTPServerTransport` answers the HTTP request, in
// stateless mode (a fresh server and transport per request, no session) with plain JSON
// answers (no SSE stream is kept open). This file only decides who may call, which
// tools exist and what they answer. Every lookup goes through `runLookup`, the same
// pipeline as the HTTP routes (cache, rate limit, daily budget, merged misses).

import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { CfWorkerJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/cfworker';
import { BacklinksClient, KeywordsEverywhereError, estimateCredits, summarize } from 'keywords-everywhere-backlinks';
import * as z from 'zod/v4';
import { authorize, matchedToken } from './auth.js';
import { readBudget } from './budget.js';
import { readLookupConfig, readMaxNum } from './config.js';
import { allowedOrigin } from './cors.js';
import { WorkerError } from './http.js';
import { KINDS } from './kinds.js';
import { bodyText, runLookup } from './lookup.js';

/** What the server calls itself in `initialize`. */
export const SERVER_INFO = Object.freeze({ name: 'keywords-everywhere-backlinks', version: '0.1.0' });

/**
 * The most characters of backlink rows a lookup's text answer holds (about 6,000 tokens).
 * Rows past it are left out of the text and of `structuredContent`, with a note.
 */
export const MAX_ROW_CHARS = 24000;

/** How many referring domains and anchors the short summary lists. */
export const SUMMARY_TOP = 10;

/** The four lookup tools: name, the package's kind, the argument naming the target (the kind's form field). */
export const LOOKUP_TOOLS = Object.freeze([
  {
    name: 'get_page_backlinks',
    kind: 'page',
    field: KINDS.page.field,
    title: 'Backlinks of a page',
    what: 'the backlinks pointing to one page',
  },
  {
    name: 'get_unique_page_backlinks',
    kind: 'unique_page',
    field: KINDS.unique_page.field,
    title: 'Unique backlinks of a page',
    what: 'the backlinks pointing to one page, one backlink per referring domain',
  },
  {
    name: 'get_domain_backlinks',
    kind: 'domain',
    field: KINDS.domain.field,
    title: 'Backlinks of a domain',
    what: 'the backlinks pointing anywhere on one domain',
  },
  {
    name: 'get_unique_domain_backlinks',
    kind: 'unique_domain',
    field: KINDS.unique_domain.field,
    title: 'Unique backlinks of a domain',
    what: 'the backlinks pointing anywhere on one domain, one backlink per referring domain',
  },
]);

/** The kinds `estimate_credits` takes. */
const KIND_NAMES = LOOKUP_TOOLS.map((tool) => tool.kind);

/**
 * An argument the SDK passes through untouched, so that the package checks it and its
 * message is the one the caller reads; `schema` is the JSON Schema advertised for it.
 * (`McpServer` validates arguments with zod before a handler runs: a typed zod schema
 * would answer zod's messages instead of the package's.)
 */
function passedThrough(schema) {
  return z.unknown().optional().meta(schema);
}

/**
 * A tool's input: `properties` advertised as a closed JSON Schema object with
 * `required`, every value passed through to the handler (unknown names too, so the
 * handler can refuse them by name instead of dropping them).
 */
function toolInput(properties, required) {
  const shape = Object.fromEntries(Object.entries(properties).map(([name, schema]) => [name, passedThrough(schema)]));
  return z.looseObject(shape).meta({ required, additionalProperties: false });
}

/** A tool error: what every tool answers for a refusal or failure. */
class ToolError extends Error {
  /**
   * @param {string} code Stable code: the package's or the Worker's, or `max_credits_exceeded`.
   * @param {string} message What happened and what to do.
   * @param {{ field?: string, retryAfter?: number }} [extra]
   */
  constructor(code, message, { field, retryAfter } = {}) {
    super(message);
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
  }
}

/** Refuses arguments a tool does not take, naming them and the ones it does. */
function refuseUnknownArguments(tool, args, known) {
  const unknown = Object.keys(args).filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    const list = unknown.map((name) => `\`${name}\``).join(', ');
    throw new ToolError(
      'invalid_argument',
      `${tool} takes no argument ${list}; its arguments are ${known.map((name) => `\`${name}\``).join(', ')}.`,
      { field: unknown[0] },
    );
  }
}

/** A value as a message quotes it. */
function describeValue(value) {
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  return value === null ? 'null' : `a value of type ${Array.isArray(value) ? 'array' : typeof value}`;
}

/** Checks `max_credits`: required, a finite number of credits, 0 or more. */
function checkMaxCredits(value) {
  if (value === undefined) {
    throw new ToolError(
      'invalid_argument',
      '`max_credits` is required: the most credits this call may spend. A lookup whose worst case (num × the price per backlink) is above it is refused and nothing is sent; call estimate_credits to know the worst case.',
      { field: 'max_credits' },
    );
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ToolError(
      'invalid_argument',
      `\`max_credits\` must be a number of credits, 0 or more; got ${describeValue(value)}.`,
      { field: 'max_credits' },
    );
  }
  return value;
}

/** The package's price of one backlink of `kind`. */
function pricePerBacklink(kind) {
  return estimateCredits(kind, 1);
}

/**
 * `num` checked by the package (its message when wrong), then capped at MAX_NUM.
 * @returns {{ asked: number, sent: number, worstCase: number }}
 */
function cappedNum(kind, num, maxNum) {
  estimateCredits(kind, num); // throws the package's invalid_argument for a bad kind or num
  const sent = Math.min(num, maxNum);
  return { asked: num, sent, worstCase: estimateCredits(kind, sent) };
}

/**
 * Checks `target` for `kind` with the package, sending nothing (a dry run of `lookupMany`
 * checks every target): throws the package's `invalid_argument` when it is not valid. The
 * client has the Worker's own settings, as the one that looks up upstream.
 */
async function checkTarget(env, kind, target, num) {
  const { apiKey, baseUrl } = readLookupConfig(env);
  let client;
  try {
    client = new BacklinksClient({ apiKey, baseUrl });
  } catch {
    throw new WorkerError(500, 'misconfigured', 'The Worker\'s secret KE_API_KEY or var KE_BASE_URL is not usable; its owner must fix it.');
  }
  try {
    const { results } = await client.lookupMany({ kind, targets: [target], num, dryRun: true });
    if (results[0].status === 'failed') throw results[0].error;
  } finally {
    client.free();
  }
}

/** The note a capped `num` gets. */
function capNote(asked, sent) {
  return `num ${asked} is above this Worker's MAX_NUM, so it was capped at ${sent}.`;
}

/** A tool's answer from its text and structured content. */
function answer(text, structuredContent) {
  return { content: [{ type: 'text', text }], structuredContent };
}

/** A tool error result carrying `code` and `message` (and in `_meta`, for programs). */
function toolErrorResult({ code, message, field, retryAfter }) {
  const error = { code, message };
  if (field) error.field = field;
  if (retryAfter !== undefined) error.retry_after = retryAfter;
  const text = retryAfter === undefined ? `${code}: ${message}` : `${code}: ${message} (retry after ${retryAfter} s)`;
  return { content: [{ type: 'text', text }], isError: true, _meta: { error } };
}

/**
 * Runs a tool's body and turns every failure into a tool error (never a protocol error,
 * never a crash of the session): the package's and the Worker's errors keep their code
 * and message; anything else is an `internal_error` whose detail goes only to the log.
 */
function guarded(record, name, body) {
  return async (args) => {
    record.tool = name;
    try {
      return await body(args ?? {});
    } catch (error) {
      if (error instanceof ToolError || error instanceof KeywordsEverywhereError) return toolErrorResult(error);
      if (error instanceof WorkerError) {
        const retry = Number(error.headers?.['retry-after']);
        return toolErrorResult({
          code: error.code,
          message: error.message,
          field: error.field,
          retryAfter: Number.isFinite(retry) ? retry : undefined,
        });
      }
      record.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return toolErrorResult({ code: 'internal_error', message: 'The Worker failed unexpectedly; try again later.' });
    }
  };
}

const BACKLINK = z.object({
  anchor_text: z.string(),
  domain_source: z.string(),
  domain_target: z.string(),
  url_source: z.string(),
  url_target: z.string(),
});

const COUNTED = (key) => z.object({ [key]: z.string(), backlinks: z.number() });

/** The output of the four lookups. */
const LOOKUP_OUTPUT = z.object({
  kind: z.enum(KIND_NAMES).describe('The kind of lookup.'),
  target: z.string().describe('The page or domain looked up.'),
  num: z.number().describe('The num sent (after the cap at MAX_NUM).'),
  cache: z.enum(['HIT', 'MISS']).describe('HIT: answered from the Worker\'s cache, 0 credits charged.'),
  credits_charged: z.number().describe('Credits this call spent: 0 on a cache hit.'),
  credits_consumed: z.number().describe('What the API charged for this answer when it was looked up.'),
  backlinks_total: z.number().describe('How many backlinks the API returned.'),
  backlinks_shown: z.number().describe('How many of them are in `backlinks` (the first ones).'),
  backlinks: z.array(BACKLINK),
  summary: z.object({
    backlinks: z.number(),
    referring_domains_total: z.number(),
    referring_domains: z.array(COUNTED('domain')).describe(`The top ${SUMMARY_TOP} referring domains by backlinks.`),
    anchors_total: z.number(),
    top_anchors: z.array(COUNTED('text')).describe(`The top ${SUMMARY_TOP} anchor texts by backlinks ('' = empty).`),
  }).describe('Counted over every backlink returned, also those left out.'),
  notes: z.array(z.string()).describe('What was capped or left out, if anything.'),
});

const ESTIMATE_OUTPUT = z.object({
  kind: z.string().describe('The kind asked about (the package also takes `unique`, the former name of `unique_page`).'),
  num: z.number().describe('The num asked about.'),
  num_sent: z.number().describe('The num a lookup would send: num capped at MAX_NUM.'),
  max_num: z.number().describe('This Worker\'s MAX_NUM.'),
  price_per_backlink: z.number(),
  worst_case_credits: z.number().describe('The most a lookup of this kind and num can cost: pass at least this as max_credits.'),
});

const BUDGET_OUTPUT = z.object({
  limit: z.number().describe('Credits the Worker may spend per UTC day.'),
  spent: z.number(),
  reserved: z.number().describe('Held by lookups in flight.'),
  remaining: z.number(),
  resets_at: z.string().describe('When the day\'s budget starts again (UTC midnight, ISO 8601).'),
});

/** The five text fields of a backlink as the package reads them: text, `""` when missing or null. */
function backlinkOf(row) {
  const text = (value) => (value === null || value === undefined ? '' : String(value));
  return {
    anchor_text: text(row?.anchor_text),
    domain_source: text(row?.domain_source),
    domain_target: text(row?.domain_target),
    url_source: text(row?.url_source),
    url_target: text(row?.url_target),
  };
}

/** `text` on one line: every run of white space (line breaks too) as one space. */
function oneLine(text) {
  return text.replace(/\s+/g, ' ').trim();
}

/** The first rows of `rows` whose text fits in {@link MAX_ROW_CHARS}, as text lines. */
function fittingRows(rows) {
  const lines = [];
  let used = 0;
  for (const row of rows) {
    const line = `${oneLine(row.url_source)} -> ${oneLine(row.url_target)} | ${oneLine(row.anchor_text)}`;
    if (used + line.length + 1 > MAX_ROW_CHARS && lines.length > 0) break;
    lines.push(line);
    used += line.length + 1;
  }
  return lines;
}

/** `a.com 5, b.com 3, …` */
function countedList(items, key, quote = false) {
  return items.map((item) => `${quote ? JSON.stringify(item[key]) : item[key]} ${item.backlinks}`).join(', ');
}

/**
 * A lookup's answer: the API's rows (the first ones, if they do not fit) and a short
 * summary, as compact text for a model and as structuredContent for programs.
 */
function lookupAnswer({ tool, target, num, notes, body, cache }) {
  const response = JSON.parse(body);
  const rows = (Array.isArray(response.data) ? response.data : []).map(backlinkOf);
  const summary = summarize({ ...response, data: rows });
  const lines = fittingRows(rows);
  const shown = lines.length;
  const allNotes = [...notes];
  if (shown < rows.length) {
    allNotes.push(
      `Showing the first ${shown} of ${rows.length} backlinks: ${rows.length - shown} were left out to fit a model's context (the summary counts all ${rows.length}).`,
    );
  }
  const creditsConsumed = Number(response.credits_consumed) || 0;
  const charged = cache === 'HIT' ? 0 : creditsConsumed;
  const structured = {
    kind: tool.kind,
    target,
    num,
    cache,
    credits_charged: charged,
    credits_consumed: creditsConsumed,
    backlinks_total: rows.length,
    backlinks_shown: shown,
    backlinks: rows.slice(0, shown),
    summary: {
      backlinks: summary.backlinks,
      referring_domains_total: summary.referringDomains.length,
      referring_domains: summary.referringDomains.slice(0, SUMMARY_TOP),
      anchors_total: summary.anchors.length,
      top_anchors: summary.anchors.slice(0, SUMMARY_TOP),
    },
    notes: allNotes,
  };
  const text = [
    `${tool.name} ${target} (num ${num}): ${rows.length} backlinks; ${charged} credits charged` +
      (cache === 'HIT' ? ' (from the Worker\'s cache)' : ''),
    `Referring domains (${summary.referringDomains.length}): ${countedList(structured.summary.referring_domains, 'domain')}`,
    `Top anchors (${summary.anchors.length}): ${countedList(structured.summary.top_anchors, 'text', true)}`,
    ...(shown > 0 ? ['Backlinks (url_source -> url_target | anchor_text):', ...lines] : []),
    ...allNotes.map((note) => `Note: ${note}`),
  ].join('\n');
  return answer(text, structured);
}

/**
 * Builds the server of one request with its six tools.
 * @param {{ env: Record<string, any>, ctx: any, record: import('./log.js').RequestRecord,
 *   caller: string, maxNum: number }} context
 * @returns {McpServer}
 */
export function buildServer({ env, ctx, record, caller, maxNum }) {
  const server = new McpServer(SERVER_INFO, {
    // Ajv (the SDK's default) compiles validators with `new Function`, which workerd forbids.
    jsonSchemaValidator: new CfWorkerJsonSchemaValidator(),
    instructions:
      'Backlinks from the Keywords Everywhere API, paid for by this Worker\'s owner out of a daily credit budget. ' +
      'Every lookup needs max_credits: call estimate_credits first (free) and pass at least its worst_case_credits. ' +
      'get_budget (free) tells what remains today. Repeated lookups come from the Worker\'s cache and cost nothing.',
  });

  for (const tool of LOOKUP_TOOLS) {
    const price = pricePerBacklink(tool.kind);
    const targetSchema =
      tool.field === 'page'
        ? { type: 'string', description: 'The absolute http(s) URL of the page, e.g. "https://example.com/".' }
        : { type: 'string', description: 'A bare host name, e.g. "example.com" (not a URL).' };
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description:
          `Looks up ${tool.what}: the rows and a short summary (referring domains, top anchors). ` +
          `Costs ${price} credit${price === 1 ? '' : 's'} per backlink returned, so at most num × ${price} credits; ` +
          `0 credits when the Worker answers from its cache. Refused, with nothing sent, when that worst case is above max_credits. ` +
          `num is at most ${maxNum} here (a larger num is capped).`,
        inputSchema: toolInput(
          {
            [tool.field]: targetSchema,
            num: { type: 'integer', minimum: 1, description: `The most backlinks to return, 1 to ${maxNum}; each costs ${price} credit${price === 1 ? '' : 's'}.` },
            max_credits: { type: 'number', minimum: 0, description: `The most credits this call may spend; must be at least num × ${price}.` },
          },
          [tool.field, 'num', 'max_credits'],
        ),
        outputSchema: LOOKUP_OUTPUT,
        annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
      },
      guarded(record, tool.name, async (args) => {
        refuseUnknownArguments(tool.name, args, [tool.field, 'num', 'max_credits']);
        const num = cappedNum(tool.kind, args.num, maxNum);
        const target = args[tool.field];
        await checkTarget(env, tool.kind, target, num.sent);
        const maxCredits = checkMaxCredits(args.max_credits);
        if (num.worstCase > maxCredits) {
          const affordable = Math.floor(maxCredits / price);
          throw new ToolError(
            'max_credits_exceeded',
            `This lookup can cost up to ${num.worstCase} credits (num ${num.sent} × ${price} credit${price === 1 ? '' : 's'} per backlink), ` +
              `more than max_credits ${maxCredits}. Nothing was sent. Pass max_credits ${num.worstCase} or more` +
              (affordable >= 1 ? `, or lower num to ${affordable}.` : '.'),
            { field: 'max_credits' },
          );
        }
        const { body, cache } = await runLookup({ env, ctx, record, caller, kind: tool.kind, target, num: num.sent });
        const notes = num.sent < num.asked ? [capNote(num.asked, num.sent)] : [];
        return lookupAnswer({ tool, target, num: num.sent, notes, body: await bodyText(body), cache });
      }),
    );
  }

  server.registerTool(
    'estimate_credits',
    {
      title: 'Worst-case credits of a lookup',
      description:
        'The most credits a lookup of `kind` with `num` can cost on this Worker (num capped at MAX_NUM × the price per backlink: ' +
        `${KIND_NAMES.map((kind) => `${kind} ${pricePerBacklink(kind)}`).join(', ')}). Costs nothing: sends no request.`,
      inputSchema: toolInput(
        {
          kind: { type: 'string', enum: KIND_NAMES, description: 'The kind of lookup.' },
          num: { type: 'integer', minimum: 1, description: `The num of the lookup (this Worker caps it at ${maxNum}).` },
        },
        ['kind', 'num'],
      ),
      outputSchema: ESTIMATE_OUTPUT,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    guarded(record, 'estimate_credits', async (args) => {
      refuseUnknownArguments('estimate_credits', args, ['kind', 'num']);
      const { kind } = args;
      const num = cappedNum(kind, args.num, maxNum);
      const price = pricePerBacklink(kind);
      const structured = {
        kind,
        num: num.asked,
        num_sent: num.sent,
        max_num: maxNum,
        price_per_backlink: price,
        worst_case_credits: num.worstCase,
      };
      const cap = num.sent < num.asked ? ` ${capNote(num.asked, num.sent)}` : '';
      return answer(`A ${kind} lookup with num ${num.sent} costs at most ${num.worstCase} credits (${price} per backlink).${cap}`, structured);
    }),
  );

  server.registerTool(
    'get_budget',
    {
      title: 'Today\'s credit budget',
      description: 'What remains of this Worker\'s daily credit budget (UTC day), and when it resets. Costs no credits.',
      inputSchema: toolInput({}, []),
      outputSchema: BUDGET_OUTPUT,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    guarded(record, 'get_budget', async (args) => {
      refuseUnknownArguments('get_budget', args, []);
      const { limit, spent, reserved, remaining, resets_at } = await readBudget(env);
      return answer(
        `Today's budget: ${remaining} of ${limit} credits remain (${spent} spent, ${reserved} reserved by lookups in flight); it resets at ${resets_at}.`,
        { limit, spent, reserved, remaining, resets_at },
      );
    }),
  );

  return server;
}

/**
 * The handler of `{worker}/mcp`. A valid access token comes first: without one the
 * answer is a 401 before any MCP message is read (an allowed Origin is not enough). Then,
 * as the MCP specification asks of servers, a browser Origin that is not allowed is
 * refused. Only POST carries messages (the server is stateless: no GET stream, no session
 * to DELETE). Tool calls are rate-limited under the same key as the token's HTTP lookups.
 * @param {{ request: Request, env: Record<string, any>, ctx?: { waitUntil(p: Promise<unknown>): void },
 *   record: import('./log.js').RequestRecord }} context
 * @returns {Promise<Response>}
 * @throws {WorkerError} 401 `unauthorized`, 403 `origin_not_allowed`, 405 `method_not_allowed`, 500 `misconfigured`.
 */
export async function handleMcp({ request, env, ctx, record }) {
  if (matchedToken(request, env) === null) {
    throw new WorkerError(
      401,
      'unauthorized',
      'The MCP endpoint needs `Authorization: Bearer <token>` with an access token listed in the Worker\'s ACCESS_TOKENS; ask the Worker\'s owner for one.',
      { headers: { 'www-authenticate': 'Bearer' } },
    );
  }
  if (request.headers.get('origin') !== null && allowedOrigin(request, env) === null) {
    throw new WorkerError(403, 'origin_not_allowed', 'This origin may not call this Worker from a browser; its owner lists allowed origins in ALLOWED_ORIGINS.');
  }
  if (request.method !== 'POST') {
    throw new WorkerError(405, 'method_not_allowed', 'The MCP endpoint is stateless: send every message as a POST (there is no GET stream and no session to DELETE).', {
      headers: { allow: 'POST' },
    });
  }
  const { caller, via } = authorize(request, env);
  record.via = via;
  const server = buildServer({ env, ctx, record, caller, maxNum: readMaxNum(env) });
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  return transport.handleRequest(request);
}
