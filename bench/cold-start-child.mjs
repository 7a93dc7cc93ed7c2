// One cold start, run by `make bench` in a fresh Node process: import, construct,
// first call; prints the times as one JSON line. A module file, as an app
// that imports the package is, so that Node's module loader is up before the
// clock starts (the first import from `node -e` also pays for starting it,
// about 3 ms for any module). The package is imported by its name, as users do.
//
// Usage: node bench/cold-start-child.mjs pkg|plain whole|apart BASE_URL API_KEY
//   whole: the first call as it is, `fetch` included (Node's first fetch
//          loads undici: about 40 ms, give or take 5, in both clients).
//   apart: `fetch` is loaded before the clock starts and wrapped, so that the
//          first call's time minus the time in `fetch` and in reading the
//          body is the client's own.
const [which, series, baseUrl, apiKey] = process.argv.slice(2);

let inFetch = 0;
if (series === 'apart') {
  const realFetch = fetch;
  const timed = (f) => async (...args) => {
    const t = performance.now();
    try {
      return await f(...args);
    } finally {
      inFetch += performance.now() - t;
    }
  };
  globalThis.fetch = async (...args) => {
    const response = await timed(realFetch)(...args);
    for (const name of ['arrayBuffer', 'json', 'text']) response[name] = timed(response[name].bind(response));
    return response;
  };
}

const t0 = performance.now();
const lib = which === 'pkg' ? await import('keywords-everywhere-backlinks') : await import('./plain-client.mjs');
const t1 = performance.now();
const Client = lib.BacklinksClient ?? lib.PlainClient;
const client = new Client({ apiKey, baseUrl });
const t2 = performance.now();
await client.getPageBacklinks({ page: 'https://bench.example/', num: 5 });
const t3 = performance.now();
console.log(JSON.stringify({ importMs: t1 - t0, ctorMs: t2 - t1, callMs: t3 - t2, ownCallMs: t3 - t2 - inFetch }));
