// The package contract in Node, importing the package by its npm name.
import { after, before, test } from 'node:test';
import * as lib from 'keywords-everywhere-backlinks';
import { startStandIn } from '../../stand-in/server.mjs';
import { cases, standInControl } from '../contract/cases.mjs';

let standIn;
const ctx = { lib, seen: [] };
before(async () => {
  standIn = await startStandIn();
  ctx.api = standInControl(standIn.url);
});
after(() => standIn.close());

for (const c of cases) {
  test(c.name, async () => {
    try {
      await c.run(ctx);
    } finally {
      standIn.clearFaults();
    }
  });
}
