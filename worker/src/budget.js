// The global daily credit budget: DAILY_CREDIT_BUDGET credits per UTC day, across every
// Cloudflare location, kept by one Durable Object (BudgetObject, named "daily") in its
// storage, so it survives restarts and deploys.
//
// Before an upstream call the lookup's worst case (num x the kind's price) is reserved; when
// the answer arrives its real credits_consumed is committed and the rest released; a failed
// call releases its whole reservation. A Durable Object runs one event at a time and each
// method below checks and updates its state without awaiting in between, so concurrent
// reservations can never take the day past its budget.

import { DurableObject } from 'cloudflare:workers';
import { missingBinding, readDailyBudget } from './config.js';
import { WorkerError } from './http.js';

/** The one budget object's name. */
const BUDGET_NAME = 'daily';

/**
 * A reservation older than this is taken as spent at its worst case and dropped: its Worker
 * died before it could commit or release (an upstream attempt is limited far below this).
 */
const STALE_RESERVATION_MS = 30 * 60 * 1000;

const DAY_MS = 86400 * 1000;

/**
 * What `GET /budget` answers.
 * @typedef {object} BudgetReading
 * @property {number} limit DAILY_CREDIT_BUDGET.
 * @property {number} spent Credits committed today (UTC).
 * @property {number} reserved Worst cases held by lookups in flight.
 * @property {number} remaining `limit - spent - reserved`, never below 0.
 * @property {string} resets_at The next UTC midnight, ISO 8601.
 */

/**
 * The answer of a reservation.
 * @typedef {{ ok: true, id: string } | { ok: false, retryAfter: number, resetsAt: string }} Reservation
 */

/** `YYYY-MM-DD` of `now` in UTC. */
function utcDay(now) {
  return new Date(now).toISOString().slice(0, 10);
}

/** The next UTC midnight after `now`, in ms. */
export function nextUtcMidnight(now) {
  return (Math.floor(now / DAY_MS) + 1) * DAY_MS;
}

/**
 * The budget's state for the Durable Object: pure, so it is tested apart from storage.
 * @typedef {{ day: string, spent: number, reservations: Record<string, { amount: number, at: number }> }} BudgetState
 */

/** A fresh state for the day of `now`. */
export function emptyState(now) {
  return { day: utcDay(now), spent: 0, reservations: {} };
}

/** Starts a new day when `now` is past the state's, and turns stale reservations into spending. */
export function refresh(state, now) {
  const today = utcDay(now);
  if (state.day !== today) {
    state.day = today;
    state.spent = 0;
  }
  for (const [id, { amount, at }] of Object.entries(state.reservations)) {
    if (now - at > STALE_RESERVATION_MS) {
      state.spent += amount;
      delete state.reservations[id];
    }
  }
}

/** Credits held by reservations. */
function reservedOf(state) {
  let sum = 0;
  for (const { amount } of Object.values(state.reservations)) sum += amount;
  return sum;
}

/**
 * The reading of a state.
 * @param {BudgetState} state
 * @param {number} limit
 * @param {number} now
 * @returns {BudgetReading}
 */
export function readingOf(state, limit, now) {
  const reserved = reservedOf(state);
  return {
    limit,
    spent: state.spent,
    reserved,
    remaining: Math.max(0, limit - state.spent - reserved),
    resets_at: new Date(nextUtcMidnight(now)).toISOString(),
  };
}

/**
 * Holds `amount` when it fits in what remains of `limit`.
 * @param {BudgetState} state
 * @param {number} limit
 * @param {number} amount
 * @param {number} now
 * @param {string} id
 * @returns {Reservation}
 */
export function reserveIn(state, limit, amount, now, id) {
  if (amount > limit - state.spent - reservedOf(state)) {
    const midnight = nextUtcMidnight(now);
    return { ok: false, retryAfter: Math.max(1, Math.ceil((midnight - now) / 1000)), resetsAt: new Date(midnight).toISOString() };
  }
  state.reservations[id] = { amount, at: now };
  return { ok: true, id };
}

/**
 * Ends a reservation: `credits` (what the API charged) become spending, the rest is released.
 * An unknown id (already settled, or dropped as stale) adds `credits` all the same.
 * @param {BudgetState} state
 * @param {string} id
 * @param {number} credits
 */
export function settleIn(state, id, credits) {
  delete state.reservations[id];
  state.spent += Math.max(0, credits);
}

/**
 * The Durable Object that keeps the day's budget. One instance, named "daily".
 * Its methods are called over RPC by the Worker (see the functions below).
 */
export class BudgetObject extends DurableObject {
  /** The state, loaded from storage on first use (after a restart too), then updated in place. */
  async #state(now) {
    if (!this.state) {
      const stored = await this.ctx.storage.get('state');
      this.state ??= stored ?? emptyState(now);
    }
    refresh(this.state, now);
    return this.state;
  }

  /** Writes the state; the answer is held until the write is durable (output gate). */
  #save() {
    return this.ctx.storage.put('state', this.state);
  }

  /**
   * Reserves `amount` credits of today's `limit`.
   * @param {number} limit
   * @param {number} amount
   * @returns {Promise<Reservation>}
   */
  async reserve(limit, amount) {
    const now = Date.now();
    const state = await this.#state(now);
    const answer = reserveIn(state, limit, amount, now, crypto.randomUUID());
    if (answer.ok) await this.#save();
    return answer;
  }

  /**
   * Commits `credits` of reservation `id` and releases the rest (0 releases it all).
   * @param {string} id
   * @param {number} credits
   * @returns {Promise<void>}
   */
  async settle(id, credits) {
    const state = await this.#state(Date.now());
    settleIn(state, id, credits);
    await this.#save();
  }

  /**
   * Today's figures against `limit`.
   * @param {number} limit
   * @returns {Promise<BudgetReading>}
   */
  async read(limit) {
    const now = Date.now();
    return readingOf(await this.#state(now), limit, now);
  }
}

/** The budget object's stub, or a `misconfigured` error when the binding is missing. */
export function budgetStub(env) {
  const namespace = env.BUDGET;
  if (typeof namespace?.idFromName !== 'function') throw missingBinding('BUDGET', 'a Durable Object namespace of class BudgetObject');
  return namespace.get(namespace.idFromName(BUDGET_NAME));
}

/**
 * Reserves `amount` of today's budget, or throws a 429 `budget_exhausted` {@link WorkerError}
 * with Retry-After: the seconds until the next UTC midnight.
 * @param {Record<string, any>} env
 * @param {number} limit DAILY_CREDIT_BUDGET.
 * @param {number} amount The lookup's worst case.
 * @returns {Promise<string>} The reservation's id, for {@link settleCredits}.
 */
export async function reserveCredits(env, limit, amount) {
  const answer = await budgetStub(env).reserve(limit, amount);
  if (answer.ok) return answer.id;
  throw new WorkerError(
    429,
    'budget_exhausted',
    `This Worker's daily credit budget cannot cover this lookup; it resets at ${answer.resetsAt} (00:00 UTC). Ask for fewer backlinks, or try again then.`,
    { headers: { 'retry-after': String(answer.retryAfter) } },
  );
}

/**
 * Commits `credits` of a reservation and releases the rest.
 * @param {Record<string, any>} env
 * @param {string} id From {@link reserveCredits}.
 * @param {number} credits What the API charged; 0 releases the whole reservation.
 * @returns {Promise<void>}
 */
export function settleCredits(env, id, credits) {
  return budgetStub(env).settle(id, credits);
}

/**
 * What `GET /budget` answers: `{ limit, spent, reserved, remaining, resets_at }`.
 * @param {Record<string, any>} env
 * @returns {Promise<BudgetReading>}
 */
export async function readBudget(env) {
  return budgetStub(env).read(readDailyBudget(env));
}
