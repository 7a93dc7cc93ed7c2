// Runs in Node before the workerd tests: starts the stand-in API on 127.0.0.1 and provides
// its URL and test keys (to the Worker's bindings and the tests), and a URL where nothing listens.
import net from 'node:net';
import { once } from 'node:events';
import { TEST_KEYS, startStandIn } from '../../stand-in/server.mjs';

/** A URL on 127.0.0.1 where nothing listens (a port just freed), for network-error tests. */
async function closedUrl() {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** @param {import('vitest/node').TestProject} project */
export default async function setup(project) {
  const standIn = await startStandIn({ host: '127.0.0.1' });
  project.provide('standInUrl', standIn.url);
  project.provide('testKeys', { ...TEST_KEYS });
  project.provide('closedUrl', await closedUrl());
  return () => standIn.close();
}
