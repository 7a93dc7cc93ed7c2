import { describe, expect, it } from 'vitest';
import { normaliseDomain, normaliseNum, normalisePage } from '../src/normalize.js';
import { PAGE_ROUTE, call, expectWorkerError, upstreamRequests } from './helpers.js';

describe('normalised lookups', () => {
  it('makes every spelling of a page one upstream call and one cache entry, sent normalised', async () => {
    const t = crypto.randomUUID();
    const spellings = [`HTTPS://Example.COM:443/a?t=${t}#x`, `https://example.com/a?t=${t}`, `https://EXAMPLE.com/a?t=${t}#`, `https://example.com:443/a?t=${t}#other`];
    const answers = [];
    for (const page of spellings) answers.push(await call(PAGE_ROUTE, { form: { page, num: 2 } }));
    expect(answers.map((a) => a.headers.get('x-cache'))).toEqual(['MISS', 'HIT', 'HIT', 'HIT']);
    const normal = `https://example.com/a?t=${t}`;
    const upstream = await upstreamRequests(normal);
    expect(upstream).toHaveLength(1);
    expect(upstream[0].form.page).toBe(normal);
    for (const page of spellings) if (page !== normal) expect(await upstreamRequests(page)).toHaveLength(0);
  });

  it('normalises pages the WHATWG way, without the fragment', () => {
    expect(normalisePage('HTTPS://Example.COM:443/a#x')).toBe('https://example.com/a');
    expect(normalisePage('http://example.com:80')).toBe('http://example.com/');
    expect(normalisePage('https://example.com:8443/a/../b?q=1#f')).toBe('https://example.com:8443/b?q=1');
    expect(normalisePage('https://bücher.example/ä')).toBe('https://xn--bcher-kva.example/%C3%A4');
  });

  it('refuses what is not an http(s) page, naming the field', () => {
    for (const page of ['not a url', 'ftp://example.com/', '/relative', 'https://', '', undefined, 5]) {
      expect(() => normalisePage(page)).toThrow(expect.objectContaining({ status: 400, code: 'invalid_argument', field: 'page' }));
    }
  });

  it('lower-cases domains and refuses what cannot be a bare host name', () => {
    expect(normaliseDomain('Example.COM')).toBe('example.com');
    expect(normaliseDomain('blog.Example.co.uk')).toBe('blog.example.co.uk');
    for (const domain of ['https://example.com/', 'example.com/a', 'example.com:443', 'user@example.com', 'exa mple.com', '', null]) {
      expect(() => normaliseDomain(domain)).toThrow(expect.objectContaining({ status: 400, code: 'invalid_argument', field: 'domain' }));
    }
    expect(() => normaliseDomain('https://example.com/')).toThrow(/not a URL/);
  });

  it('reads num as digits only, 1 to MAX_NUM, never quoting the cap', () => {
    expect(normaliseNum('7', 10)).toBe(7);
    expect(normaliseNum('10', 10)).toBe(10);
    for (const num of ['0', '11', '1e1', '-1', ' 5', '5.0', 'five', '', null]) {
      expect(() => normaliseNum(num, 10)).toThrow(expect.objectContaining({ status: 400, field: 'num' }));
    }
    expect(() => normaliseNum('11', 10)).toThrow(expect.objectContaining({ message: expect.not.stringContaining('10') }));
  });

  it('answers a bad page with 400 and no upstream call', async () => {
    const res = await call(PAGE_ROUTE, { form: { page: 'ftp://example.com/', num: 2 } });
    expectWorkerError(res, 400, 'invalid_argument');
    expect(res.json.field).toBe('page');
    expect(await upstreamRequests('ftp://example.com/')).toHaveLength(0);
  });
});
