// The load script's baseline: a minimal plain-JS Worker doing the same forwarding as the real
// one (read the form, answer repeats from caches.default, else POST upstream with the key)
// without the package, validation, CORS, rate limit or logging. Not for deployment.

const ENDPOINTS = new Set(['/v1/get_page_backlinks', '/v1/get_unique_page_backlinks']);

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/health') return Response.json({ status: 'ok' });
    if (request.method !== 'POST' || !ENDPOINTS.has(url.pathname)) return Response.json({ code: 'not_found' }, { status: 404 });

    const form = new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()));
    const fields = new URLSearchParams({ page: form.get('page') ?? '', num: form.get('num') ?? '' });
    const key = new Request(new URL(`/__cache${url.pathname}?${fields}`, request.url));
    const hit = await caches.default.match(key);
    if (hit) return new Response(hit.body, { headers: { 'content-type': 'application/json', 'x-cache': 'HIT' } });

    const upstream = await fetch(`${env.KE_BASE_URL}${url.pathname}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.KE_API_KEY}`, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: fields,
    });
    const body = await upstream.text();
    if (upstream.ok) {
      const cached = new Response(body, { headers: { 'content-type': 'application/json', 'cache-control': `public, max-age=${env.CACHE_TTL_SECONDS}` } });
      await caches.default.put(key, cached);
    }
    return new Response(body, { status: upstream.status, headers: { 'content-type': 'application/json', 'x-cache': 'MISS' } });
  },
};
