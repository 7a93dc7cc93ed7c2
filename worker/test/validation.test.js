import { describe, expect, it } from 'vitest';
import { PAGE_ROUTE, UNIQUE_ROUTE, call, uniquePage, upstreamRequests } from './helpers.js';

/** Asserts a 400 invalid_argument for `field` and that nothing reached the API. */
async function expectRefused(route, form, field, messagePart, env) {
  const res = await call(route, { form, env });
  expect(res.status).toBe(400);
  expect(res.json).toMatchObject({ code: 'invalid_argument', field });
  if (messagePart) expect(res.json.message).toContain(messagePart);
  expect(Object.keys(res.json).sort()).toEqual(['code', 'field', 'message']);
  if (typeof form.page === 'string') expect(await upstreamRequests(form.page)).toHaveLength(0);
  return res;
}

describe('validation before any upstream call', () => {
  it('refuses num over MAX_NUM (1000) naming the setting, not its value', async () => {
    for (const route of [PAGE_ROUTE, UNIQUE_ROUTE]) {
      const res = await expectRefused(route, { page: uniquePage(), num: 1001 }, 'num', 'MAX_NUM');
      expect(res.json.message).not.toContain('1000');
      await expectRefused(route, { page: uniquePage(), num: '99999999999999999999999' }, 'num', 'MAX_NUM');
    }
  });

  it('follows a MAX_NUM var', async () => {
    await expectRefused(PAGE_ROUTE, { page: uniquePage(), num: 51 }, 'num', 'MAX_NUM', { MAX_NUM: '50' });
    const ok = await call(PAGE_ROUTE, { form: { page: uniquePage(), num: 50 }, env: { MAX_NUM: '50' } });
    expect(ok.status).toBe(200);
  });

  it('parses num strictly: digits only', async () => {
    for (const num of ['1e3', '-1', '+5', ' 5', '5 ', '5.0', '0x10', 'five', '５']) {
      await expectRefused(PAGE_ROUTE, { page: uniquePage(), num }, 'num', 'digits only');
    }
    await expectRefused(PAGE_ROUTE, { page: uniquePage() }, 'num', 'required');
    await expectRefused(PAGE_ROUTE, { page: uniquePage(), num: '' }, 'num', 'required');
  });

  it('refuses num 0', async () => {
    await expectRefused(PAGE_ROUTE, { page: uniquePage(), num: 0 }, 'num', 'at least 1');
  });

  it('refuses a bad page', async () => {
    for (const page of ['not a url', 'ftp://example.com/', '/relative/path', 'https://', '']) {
      await expectRefused(PAGE_ROUTE, { page, num: 5 }, 'page');
    }
    await expectRefused(UNIQUE_ROUTE, { num: 5 }, 'page', 'required');
  });
});
