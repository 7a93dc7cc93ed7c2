// `make demo`: starts the stand-in API, the Worker and the page, prints where
// to open it, and runs until Ctrl-C.
//   node scripts/demo.mjs [--port N]   (N: the page's port; default any free port)

import { TEST_KEYS } from '../stand-in/server.mjs';
import { startDemoStack } from './demo-stack.mjs';

const at = process.argv.indexOf('--port');
const port = at === -1 ? 0 : Number(process.argv[at + 1]);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('usage: node scripts/demo.mjs [--port N]');
  process.exit(2);
}

const stack = await startDemoStack({ port });
console.log(`Demo running: ${stack.pageUrl}`);
console.log(`  Through the Worker (default): ${stack.workerUrl} holds the test key; the stand-in API at ${stack.standIn.url} answers.`);
console.log(`  The Worker lets the page in by its Origin, and servers by the access token ${stack.accessToken}:`);
console.log(`    new BacklinksClient({ apiKey: '${stack.accessToken}', baseUrl: '${stack.workerUrl}' })`);
console.log(`  MCP endpoint for AI assistants: ${stack.workerUrl}/mcp with the header "Authorization: Bearer ${stack.accessToken}" (see worker/README.md, MCP endpoint).`);
console.log(`  Its daily credit budget is ${stack.dailyCreditBudget} (DAILY_CREDIT_BUDGET); what remains: ${stack.workerUrl}/budget`);
console.log(`  Direct mode: choose "Direct, with my API key" and paste ${TEST_KEYS.valid} (the base URL is preset to the stand-in).`);
console.log(`  Other test keys: ${TEST_KEYS.noSubscription}, ${TEST_KEYS.bronze}, ${TEST_KEYS.lowCredits}; any other key gets a 401.`);
console.log('  Try https://example.com/ (the documented sample) or https://tricky.example/ (hostile anchor texts). Ctrl-C stops.');

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await stack.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
