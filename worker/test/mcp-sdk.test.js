// The MCP library the Worker uses, proven in workerd: the official TypeScript SDK's
// McpServer on its web-standard Streamable HTTP transport (stateless, JSON answers),
// driven by the SDK's own Client + StreamableHTTPClientTransport.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { CfWorkerJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/cfworker';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/v4';

/** A stateless server with one tool, built per request as the Worker does. */
async function handle(request) {
  const server = new McpServer({ name: 'spike', version: '1.0.0' }, { jsonSchemaValidator: new CfWorkerJsonSchemaValidator() });
  server.registerTool(
    'double',
    {
      description: 'Doubles n.',
      inputSchema: { n: z.number() },
      outputSchema: { doubled: z.number() },
    },
    async ({ n }) => ({ content: [{ type: 'text', text: String(2 * n) }], structuredContent: { doubled: 2 * n } }),
  );
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  return transport.handleRequest(request);
}

function clientTransport(seen) {
  return new StreamableHTTPClientTransport(new URL('https://spike.test/mcp'), {
    fetch: async (url, init) => {
      const response = await handle(new Request(url, init));
      seen.push(`${init?.method ?? 'GET'} ${response.status} ${response.headers.get('content-type')}`);
      return response;
    },
  });
}

describe('MCP SDK in workerd', () => {
  it('initializes, lists and calls a tool over stateless Streamable HTTP with JSON answers', async () => {
    const seen = [];
    const client = new Client({ name: 'spike-client', version: '1.0.0' }, { jsonSchemaValidator: new CfWorkerJsonSchemaValidator() });
    await client.connect(clientTransport(seen));
    expect(client.getServerVersion()).toEqual({ name: 'spike', version: '1.0.0' });
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['double']);
    expect(tools[0].inputSchema).toMatchObject({ type: 'object', properties: { n: { type: 'number' } }, required: ['n'] });
    expect(tools[0].outputSchema).toMatchObject({ type: 'object', properties: { doubled: { type: 'number' } } });
    const result = await client.callTool({ name: 'double', arguments: { n: 21 } });
    expect(result.structuredContent).toEqual({ doubled: 42 });
    // No session id in stateless mode, and every answer is plain JSON (no SSE stream held open).
    expect(seen.filter((line) => line.startsWith('POST 200'))).toEqual(
      Array(3).fill('POST 200 application/json'),
    );
    await client.close();
  });
});
