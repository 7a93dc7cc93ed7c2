// The MCP endpoint of the Worker as wrangler bundles it and workerd runs it (`wrangler dev`,
// no test harness in between), called by the official MCP client from Node.
// Run: node --test tests/js/worker-dev-mcp.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startWorkerDev } from '../../scripts/worker-dev.mjs';
import { TEST_KEYS, startStandIn } from '../../stand-in/server.mjs';

const TOKEN = 'worker-dev-mcp-token';

describe('MCP endpoint under wrangler dev', () => {
  let standIn;
  let worker;

  before(async () => {
    standIn = await startStandIn();
    worker = await startWorkerDev({ upstreamUrl: standIn.url, apiKey: TEST_KEYS.valid, accessTokens: [TOKEN] });
  });

  after(async () => {
    await worker?.close();
    await standIn?.close();
  });

  const connect = async (token) => {
    const transport = new StreamableHTTPClientTransport(new URL(`${worker.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    });
    const client = new Client({ name: 'worker-dev-mcp-test', version: '1.0.0' });
    await client.connect(transport);
    return client;
  };

  it('initializes, lists the six tools and looks a page up, then answers the repeat from the cache', async () => {
    const client = await connect(TOKEN);
    const { tools } = await client.listTools();
    assert.equal(tools.length, 6);
    const page = 'https://example.com/worker-dev-mcp';
    const call = () => client.callTool({ name: 'get_page_backlinks', arguments: { page, num: 4, max_credits: 4 } });
    const first = await call();
    assert.equal(first.isError, undefined, first.content?.[0]?.text);
    assert.equal(first.structuredContent.backlinks_total, 4);
    assert.equal(first.structuredContent.cache, 'MISS');
    const second = await call();
    assert.equal(second.structuredContent.cache, 'HIT');
    assert.equal(second.structuredContent.credits_charged, 0);
    assert.equal(standIn.log.filter((entry) => entry.form?.page === page).length, 1);
    await client.close();
  });

  it('answers 401 without a valid token', async () => {
    const response = await fetch(`${worker.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: 'Bearer nope' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    assert.equal(response.status, 401);
    assert.equal((await response.json()).code, 'unauthorized');
  });
});
