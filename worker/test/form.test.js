import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../src/form.js';
import { PAGE_ROUTE, call, expectWorkerError, uniquePage, upstreamRequests } from './helpers.js';

/** A body streamed in `chunks` (no Content-Length: sent chunked). */
function chunked(chunks) {
  const encoder = new TextEncoder();
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(typeof chunks[i] === 'string' ? encoder.encode(chunks[i++]) : chunks[i++]);
      else controller.close();
    },
  });
}

/** A multipart body for `fields`, padded by a field of `padBytes`, as text. */
function multipart(boundary, fields, padBytes = 0) {
  const parts = Object.entries(fields).map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  if (padBytes) parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="pad"\r\n\r\n${'x'.repeat(padBytes)}\r\n`);
  return `${parts.join('')}--${boundary}--\r\n`;
}

describe('request bodies', () => {
  it('stops a chunked multipart body of 10 MB at 16 KiB with 413, nothing sent upstream', async () => {
    const page = uniquePage();
    const boundary = 'b0undary';
    let sent = 0;
    const megabyte = new Uint8Array(1024 * 1024).fill(120);
    const head = multipart(boundary, { page, num: '2' }).replace(`--${boundary}--\r\n`, `--${boundary}\r\nContent-Disposition: form-data; name="pad"\r\n\r\n`);
    const body = new ReadableStream({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode(head));
        else if (sent <= 10) controller.enqueue(megabyte);
        else controller.close();
        sent++;
      },
    });
    const res = await call(PAGE_ROUTE, { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    expectWorkerError(res, 413, 'payload_too_large');
    expect(sent).toBeLessThan(11); // the Worker stopped reading long before the end
    expect(await upstreamRequests(page)).toHaveLength(0);
  });

  it('stops a chunked urlencoded and an untyped body past the limit, whatever their encoding', async () => {
    for (const type of ['application/x-www-form-urlencoded', undefined]) {
      const res = await call(PAGE_ROUTE, { body: chunked(['page=https://example.com/&num=2&pad=', 'y'.repeat(MAX_BODY_BYTES)]), headers: { 'content-type': type } });
      expectWorkerError(res, 413, 'payload_too_large');
    }
  });

  it('refuses a declared Content-Length over the limit before reading', async () => {
    const res = await call(PAGE_ROUTE, { body: `page=${'a'.repeat(MAX_BODY_BYTES)}&num=2`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectWorkerError(res, 413, 'payload_too_large');
  });

  it('takes a chunked multipart body under the limit', async () => {
    const page = uniquePage();
    const text = multipart('xyz', { page, num: '3' }, 1000);
    const res = await call(PAGE_ROUTE, { body: chunked([text.slice(0, 50), text.slice(50, 51), text.slice(51)]), headers: { 'content-type': 'multipart/form-data; boundary=xyz' } });
    expect(res.status, res.text).toBe(200);
    expect(res.json.data).toHaveLength(3);
    expect(await upstreamRequests(page)).toHaveLength(1);
  });

  it('answers a malformed multipart body with 400 malformed_body, not a 500', async () => {
    for (const [type, body] of [
      ['multipart/form-data; boundary=xyz', 'this is not multipart at all'],
      ['multipart/form-data', multipart('xyz', { page: uniquePage(), num: '2' })],
      ['multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-data; name="page"\r\n\r\nhttps://example.com/'],
    ]) {
      const res = await call(PAGE_ROUTE, { body, headers: { 'content-type': type } });
      expectWorkerError(res, 400, 'malformed_body');
    }
  });

  it('answers a form that is not UTF-8 with 400 malformed_body', async () => {
    const res = await call(PAGE_ROUTE, { body: new Uint8Array([0x70, 0x61, 0x67, 0x65, 0x3d, 0xff, 0xfe]), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectWorkerError(res, 400, 'malformed_body');
  });

  it('reads a good form right after one that is not UTF-8 (the shared decoder starts afresh)', async () => {
    // A truncated sequence at the very end: a decoder that kept it would spoil the next body.
    const bad = await call(PAGE_ROUTE, { body: new Uint8Array([0x6e, 0x75, 0x6d, 0x3d, 0x31, 0xe2, 0x82]), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectWorkerError(bad, 400, 'malformed_body');
    const page = uniquePage();
    const good = await call(PAGE_ROUTE, { form: { page, num: 3 } });
    expect(good.status, good.text).toBe(200);
    expect(good.json.data).toHaveLength(3);
  });

  it('reads an empty body as no fields (400 for the missing page), chunked or of length 0', async () => {
    for (const body of [new Uint8Array(0), chunked([])]) {
      const res = await call(PAGE_ROUTE, { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expectWorkerError(res, 400, 'invalid_argument');
      expect(res.json.field).toBe('page');
    }
  });

  it('refuses a file where a text field belongs', async () => {
    const body = new FormData();
    body.set('page', new File(['https://example.com/'], 'page.txt'));
    body.set('num', '2');
    const res = await call(PAGE_ROUTE, { body });
    expectWorkerError(res, 400, 'invalid_argument');
    expect(res.json.field).toBe('page');
  });
});
