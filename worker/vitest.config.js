// Worker tests, run inside workerd by @cloudflare/vitest-pool-workers. The stand-in API
// starts in Node (test/global-setup.js) and its URL becomes the Worker's KE_BASE_URL.
// Run from the repo root:
//   CI=true WRANGLER_SEND_METRICS=false NO_COLOR=1 node_modules/.bin/vitest run --config worker/vitest.config.js
import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/** The rate limit under test: low, so the limit test is quick; every other test uses its own IP. */
const TEST_RATE_LIMIT = 5;

/** The allowed page origin and the access tokens of the tests (helpers.js sends them). */
const TEST_ORIGIN = 'https://app.test';
const TEST_TOKENS = ['tok_test_server_one_8d1f2a', 'tok_test_server_two_44c9e0'];

export default defineConfig({
  // The repo root, so the package's .wasm (../pkg) lies inside it: the pool cannot load
  // a CompiledWasm module from outside the root (it would be an /@fs/ path).
  root: here('..'),
  plugins: [
    cloudflareTest(({ inject }) => ({
      main: here('./src/index.js'),
      wrangler: { configPath: here('./wrangler.toml') },
      miniflare: {
        bindings: {
          KE_BASE_URL: inject('standInUrl'),
          KE_API_KEY: inject('testKeys').valid,
          UPSTREAM_MAX_RETRIES: '0',
          UPSTREAM_TIMEOUT_MS: '5000',
          TEST_RATE_LIMIT: String(TEST_RATE_LIMIT),
          // The page's origin and a server's token, as the tests send them (helpers.js).
          ALLOWED_ORIGINS: TEST_ORIGIN,
          ACCESS_TOKENS: TEST_TOKENS.join(','),
          // Far above what the whole run spends: the budget tests use budgets of their own.
          DAILY_CREDIT_BUDGET: '1000000000',
        },
        ratelimits: { RATE_LIMITER: { simple: { limit: TEST_RATE_LIMIT, period: 60 } } },
      },
    })),
  ],
  test: {
    include: ['worker/test/**/*.test.js'],
    globalSetup: [here('./test/global-setup.js')],
    // The Worker's one-line-per-request logs are checked in log.test.js; keep them out of the output.
    onConsoleLog: (line) => !line.startsWith('{"event":"request"'),
    reporters: ['default', 'json'],
    outputFile: { json: here('../tests/out/worker-vitest.json') },
  },
});
