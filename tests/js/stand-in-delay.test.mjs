// The stand-in's fixed answer delay (`answerDelayMs`, `--delay-ms`), which
// the bulk benchmark uses as the latency of one call.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { startStandIn } from '../../stand-in/server.mjs';

const form = 'page=https%3A%2F%2Fa.test%2F&num=1';

async function timed(url, key) {
  const start = performance.now();
  const response = await fetch(`${url}/v1/get_page_backlinks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  await response.text();
  return { ms: performance.now() - start, status: response.status };
}

test('answerDelayMs holds every endpoint answer back that long, errors included', async () => {
  const api = await startStandIn({ answerDelayMs: 150 });
  try {
    const ok = await timed(api.url, api.keys.valid);
    const refused = await timed(api.url, 'wrong');
    assert.equal(ok.status, 200);
    assert.equal(refused.status, 401);
    for (const { ms } of [ok, refused]) assert.ok(ms >= 148 && ms < 1500, `${ms} ms`);
    const control = performance.now();
    await fetch(`${api.url}/__control/log`);
    assert.ok(performance.now() - control < 140, 'control routes answer at once');
  } finally {
    await api.close();
  }
});

test('answerDelayMs is checked, and closing the stand-in ends a delayed answer', async () => {
  await assert.rejects(startStandIn({ answerDelayMs: -1 }), TypeError);
  await assert.rejects(startStandIn({ answerDelayMs: 1.5 }), TypeError);
  const api = await startStandIn({ answerDelayMs: 60_000 });
  const pending = timed(api.url, api.keys.valid).catch((e) => e);
  await new Promise((r) => setTimeout(r, 100));
  const start = performance.now();
  await api.close();
  assert.ok((await pending) instanceof Error, 'the connection is closed');
  assert.ok(performance.now() - start < 1000);
});

test('--delay-ms on the command line', async () => {
  const child = spawn(process.execPath, [new URL('../../stand-in/server.mjs', import.meta.url).pathname, '--port', '0', '--quiet', '--delay-ms', '120']);
  try {
    const url = await new Promise((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (d) => {
        const m = /http:\/\/[\d.:]+/.exec(d);
        if (m) resolve(m[0]);
      });
      child.on('exit', () => reject(new Error('the stand-in exited')));
    });
    const { ms, status } = await timed(url, 'ke_test_valid_key');
    assert.equal(status, 200);
    assert.ok(ms >= 118, `${ms} ms`);
  } finally {
    child.kill();
  }
});
