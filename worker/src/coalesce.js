// Merged misses: identical lookups in flight at the same moment make one upstream call, and
// all of them get its answer, across isolates and locations. Each distinct lookup (kind,
// normalised target, num, upstream) has its own Durable Object (LookupObject, named by the
// lookup), which Cloudflare runs in exactly one place: the first caller starts the upstream
// call, the others wait on the same promise. A per-key object, rather than the one budget
// object, so that unrelated misses never queue behind each other and no single object
// carries every miss of the Worker (one object handles about 1,000 requests a second).

import { DurableObject } from 'cloudflare:workers';
import { missingBinding } from './config.js';
import { fetchUpstream } from './upstream.js';

/**
 * @typedef {import('./upstream.js').UpstreamOutcome & { leader: boolean }} MergedOutcome
 *   `leader`: this caller's request is the one that went upstream (it commits the credits and
 *   fills the cache); the others shared its answer.
 */

/** The Durable Object of one lookup key. Holds no storage: only the call in flight. */
export class LookupObject extends DurableObject {
  /**
   * The upstream outcome of this object's lookup, shared with every identical call in flight.
   * @param {Parameters<typeof fetchUpstream>[0]} config
   * @param {Parameters<typeof fetchUpstream>[1]} lookup
   * @returns {Promise<MergedOutcome>}
   */
  async lookup(config, lookup) {
    if (this.inFlight) return { ...(await this.inFlight), leader: false };
    this.inFlight = fetchUpstream(config, lookup);
    try {
      return { ...(await this.inFlight), leader: true };
    } finally {
      this.inFlight = null;
    }
  }
}

/**
 * Runs a lookup through its merging object.
 * @param {Record<string, any>} env
 * @param {Parameters<typeof fetchUpstream>[0]} config
 * @param {Parameters<typeof fetchUpstream>[1]} lookup
 * @returns {Promise<MergedOutcome>}
 */
export function mergedLookup(env, config, lookup) {
  const namespace = env.LOOKUPS;
  if (typeof namespace?.idFromName !== 'function') throw missingBinding('LOOKUPS', 'a Durable Object namespace of class LookupObject');
  const name = JSON.stringify([lookup.kind, lookup.target, lookup.num, config.baseUrl]);
  return namespace.get(namespace.idFromName(name)).lookup(config, lookup);
}
