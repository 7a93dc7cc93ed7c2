// Preloaded (`node --import`) by the README tests: sends calls meant for the
// real API to the stand-in named by KE_TEST_API_URL, so the README's examples
// run exactly as written, default base URL included.
const REAL = 'https://api.keywordseverywhere.com';
const target = process.env.KE_TEST_API_URL;
const realFetch = globalThis.fetch;

globalThis.fetch = (input, init) => {
  const url = typeof input === 'string' || input instanceof URL ? String(input) : input.url;
  if (!target || !url.startsWith(`${REAL}/`)) return realFetch(input, init);
  const moved = target + url.slice(REAL.length);
  return realFetch(typeof input === 'string' || input instanceof URL ? moved : new Request(moved, input), init);
};
