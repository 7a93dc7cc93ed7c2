// The demo stack, as `make demo` runs it and the browser tests use it: the
// stand-in API, the Worker in front of it (holding a test key), and a static
// server for the page (www/) and the package (pkg/), all on 127.0.0.1.
//
// The page learns where things are from its address:
//   <static>/?worker=<Worker URL>&api=<stand-in URL>
// "Through the Worker" is then the default mode, and direct mode's API base
// URL is preset to the stand-in (never the real API with a test key).

import { fileURLToPath } from 'node:url';
import { TEST_KEYS, startStandIn } from '../stand-in/server.mjs';
import { startStaticServer } from './static-server.mjs';
import { startWorkerDev } from './worker-dev.mjs';

const root = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));

/** The demo Worker's access token (a server's way in; the page gets in by its Origin). */
export const DEMO_ACCESS_TOKEN = 'tok_demo_server_access_token';

/** The demo Worker's daily credit budget (DAILY_CREDIT_BUDGET). */
export const DEMO_DAILY_CREDIT_BUDGET = 5000;

/**
 * Starts everything; `close()` stops it all.
 * @param {{ port?: number }} [options] port of the page's server (0 or absent: any free port)
 * @returns {Promise<{
 *   pageUrl: string, staticUrl: string, workerUrl: string, accessToken: string, dailyCreditBudget: number,
 *   standIn: Awaited<ReturnType<typeof startStandIn>>, close(): Promise<void>,
 * }>} pageUrl opens the page in Worker mode, with direct mode pointed at the stand-in.
 */
export async function startDemoStack({ port = 0 } = {}) {
  const running = [];
  const close = async () => {
    await Promise.allSettled(running.splice(0).reverse().map((service) => service.close()));
  };
  try {
    const standIn = await startStandIn();
    running.push(standIn);
    const site = await startStaticServer({ mounts: { '/': root('www'), '/pkg/': root('pkg') }, port });
    running.push(site);
    // The page's origin is allowed; servers use the access token; the day's spend is capped.
    const worker = await startWorkerDev({
      upstreamUrl: standIn.url,
      apiKey: TEST_KEYS.valid,
      accessTokens: [DEMO_ACCESS_TOKEN],
      vars: { ALLOWED_ORIGINS: site.url, DAILY_CREDIT_BUDGET: String(DEMO_DAILY_CREDIT_BUDGET) },
    });
    running.push(worker);
    const query = new URLSearchParams({ worker: worker.url, api: standIn.url });
    return {
      pageUrl: `${site.url}/?${query}`,
      staticUrl: site.url,
      workerUrl: worker.url,
      accessToken: DEMO_ACCESS_TOKEN,
      dailyCreditBudget: DEMO_DAILY_CREDIT_BUDGET,
      standIn,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
