import { describe, expect, it } from 'vitest';
import { PAGE_ROUTE, call, uniquePage } from './helpers.js';

describe('a miss passes the upstream body through', () => {
  it('answers the API\'s JSON text as received (after the package checked it), never re-serialised', async () => {
    // The stand-in writes U+2028 as the escape \u2028 and sends anchor_text: null; a Worker that
    // parsed and re-serialised the answer would send the raw character and "".
    const page = uniquePage('https://tricky.example/');
    const miss = await call(PAGE_ROUTE, { form: { page, num: 20 } });
    expect(miss.status, miss.text).toBe(200);
    expect(miss.text).toContain('line\\u2028separator');
    expect(miss.text).not.toContain('line\u2028separator');
    expect(miss.text).toContain('"anchor_text":null');
    const hit = await call(PAGE_ROUTE, { form: { page, num: 20 } });
    expect(hit.text).toBe(`{"worker_cache":"HIT",${miss.text.slice(1)}`);
  });
});
