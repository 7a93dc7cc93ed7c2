// A browser MCP client: the official MCP client (bundled for the browser by esbuild) in real
// headless Chromium, on a page of the origin the Worker allows, calling the Worker's /mcp under
// `wrangler dev` across origins. The browser sends a CORS preflight first, which carries no
// token; every MCP message carries the access token.
// Run: node --test tests/browser/mcp-browser.test.mjs

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import { startStaticServer } from '../../scripts/static-server.mjs';
import { startWorkerDev } from '../../scripts/worker-dev.mjs';
import { TEST_KEYS, startStandIn } from '../../stand-in/server.mjs';
import { launchChromium, openPage } from '../support/chromium.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TOKEN = 'tok_mcp_browser_test';

/** The MCP SDK's browser client as one ES module. */
async function clientBundle() {
  const result = await build({
    stdin: {
      contents: [
        "export { Client } from '@modelcontextprotocol/sdk/client/index.js';",
        "export { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';",
        // The default validator (Ajv) compiles with `new Function`; this one does not.
        "export { CfWorkerJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/cfworker';",
      ].join('\n'),
      resolveDir: ROOT,
      sourcefile: 'mcp-client-entry.js',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

let standIn;
let site;
let worker;
let browser;
let dir;

// The page and the bundle come from a real server on 127.0.0.1 (Chromium lets a page reach
// another loopback port only when the page itself was loaded from the loopback address space).
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcp-browser-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>MCP in a browser</title>');
  await writeFile(join(dir, 'client.js'), await clientBundle());
  [standIn, site, browser] = await Promise.all([startStandIn(), startStaticServer({ mounts: { '/': dir } }), launchChromium()]);
  worker = await startWorkerDev({ upstreamUrl: standIn.url, apiKey: TEST_KEYS.valid, accessTokens: [TOKEN], vars: { ALLOWED_ORIGINS: site.url } });
});

after(async () => {
  await Promise.allSettled([browser?.close(), worker?.close(), site?.close(), standIn?.close()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A blank page on the allowed origin that can import the client bundle. */
async function openAllowedPage() {
  const page = await openPage(browser);
  await page.goto(`${site.url}/index.html`);
  return page;
}

/** Runs the official client in the page: connect with `token`, then `steps` (a list of calls). */
function inPage(page, token, steps) {
  return page.evaluate(
    async ({ mcpUrl, token, steps, bundleUrl }) => {
      const { Client, StreamableHTTPClientTransport, CfWorkerJsonSchemaValidator } = await import(bundleUrl);
      const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
      const client = new Client({ name: 'browser-test', version: '1.0.0' }, { jsonSchemaValidator: new CfWorkerJsonSchemaValidator() });
      try {
        await client.connect(transport);
      } catch (error) {
        return { connectError: { name: error.name, code: error.code, message: String(error.message) } };
      }
      const results = [];
      for (const step of steps) {
        if (step.method === 'listTools') results.push((await client.listTools()).tools.map((tool) => tool.name));
        else results.push(await client.callTool(step.params));
      }
      await client.close();
      return { results };
    },
    { mcpUrl: `${worker.url}/mcp`, token, steps, bundleUrl: `${site.url}/client.js` },
  );
}

describe('MCP from a browser page on an allowed origin', () => {
  test('the official client connects across origins, lists the tools and looks a page up, then hits the cache', async () => {
    const page = await openAllowedPage();
    const target = 'https://example.com/mcp-browser';
    const lookup = { method: 'callTool', params: { name: 'get_page_backlinks', arguments: { page: target, num: 3, max_credits: 3 } } };
    const { connectError, results } = await inPage(page, TOKEN, [{ method: 'listTools' }, lookup, lookup]);
    assert.equal(connectError, undefined, JSON.stringify(connectError));
    const [tools, first, second] = results;
    assert.equal(tools.length, 6);
    assert.ok(tools.includes('get_page_backlinks'));
    assert.equal(first.isError, undefined, first.content?.[0]?.text);
    assert.equal(first.structuredContent.backlinks_total, 3);
    assert.equal(first.structuredContent.cache, 'MISS');
    assert.equal(second.structuredContent.cache, 'HIT');
    assert.equal(standIn.log.filter((entry) => entry.form?.page === target).length, 1);
    assert.deepEqual(page.errors, []);
  });

  test('without a listed token the client cannot connect: a 401 the page can read', async () => {
    const page = await openAllowedPage();
    const { connectError } = await inPage(page, 'not-a-listed-token', []);
    assert.ok(connectError, 'the client connected without a listed token');
    assert.equal(connectError.code, 401, JSON.stringify(connectError));
  });
});
