import { describe, expect, it } from 'vitest';
import { KEYS, PAGE_ROUTE, UNIQUE_ROUTE, call, expectWorkerError, uniquePage, upstreamRequests } from './helpers.js';

describe('routes', () => {
  it('GET /health answers ok', async () => {
    const res = await call('/health', { method: 'GET' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok' });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it.each([
    ['page', PAGE_ROUTE, 1],
    ['unique', UNIQUE_ROUTE, 5],
  ])('POST %s backlinks answers the API shape and sends the key upstream', async (_kind, route, creditsEach) => {
    const page = uniquePage();
    const res = await call(route, { form: { page, num: 4 } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-cache')).toBe('MISS');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Object.keys(res.json)).toEqual(['data', 'credits_consumed', 'time_taken']);
    expect(res.json.data).toHaveLength(4);
    expect(Object.keys(res.json.data[0]).sort()).toEqual(['anchor_text', 'domain_source', 'domain_target', 'url_source', 'url_target']);
    expect(res.json.credits_consumed).toBe(4 * creditsEach);
    const upstream = await upstreamRequests(page);
    expect(upstream).toHaveLength(1);
    expect(upstream[0]).toMatchObject({ method: 'POST', path: route, authorization: `Bearer ${KEYS.valid}`, form: { page, num: '4' } });
  });

  it('takes a multipart form body too', async () => {
    const body = new FormData();
    body.set('page', uniquePage());
    body.set('num', '2');
    const res = await call(PAGE_ROUTE, { body });
    expect(res.status).toBe(200);
    expect(res.json.data).toHaveLength(2);
  });

  it('refuses a body that is not a form with 415', async () => {
    const res = await call(PAGE_ROUTE, { body: JSON.stringify({ page: uniquePage(), num: 2 }), headers: { 'content-type': 'application/json' } });
    expectWorkerError(res, 415, 'unsupported_media_type');
  });

  it('answers unknown paths with 404 JSON, the owner\'s balance among them', async () => {
    for (const [method, path] of [['POST', '/'], ['POST', '/v1/get_page_backlinks/extra'], ['GET', '/v1/account/credits'], ['POST', '/v1/account/credits']]) {
      const res = await call(path, { method, form: method === 'POST' ? { page: uniquePage(), num: 1 } : undefined });
      expectWorkerError(res, 404, 'not_found');
    }
  });

  it('answers wrong methods with 405 JSON and Allow', async () => {
    const get = await call(PAGE_ROUTE, { method: 'GET' });
    expectWorkerError(get, 405, 'method_not_allowed');
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    const post = await call('/health', { form: { page: uniquePage(), num: 1 } });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, OPTIONS');
  });
});
