// A Worker that runs the package contract inside workerd. wrangler bundles it
// (resolving the package's `workerd` export condition and its .wasm import);
// the Node harness runs the bundle in Miniflare and reads the results.
import * as lib from 'keywords-everywhere-backlinks';
import { runAll } from '../cases.mjs';

export default {
  async fetch(request, env) {
    const results = await runAll(lib, env.STAND_IN_URL);
    return Response.json(results);
  },
};
