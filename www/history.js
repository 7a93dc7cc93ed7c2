// Recent lookups, kept in this browser's localStorage so that an answer
// already paid for can be opened again without sending anything. An entry
// holds the target(s), kind, num, time and credits, and its answer's rows;
// never a key, never the connection's settings.

const INDEX_KEY = 'backlinks-demo:recent';
const DATA_PREFIX = 'backlinks-demo:answer:';
/** Entries kept at most. */
export const MAX_ENTRIES = 10;

/**
 * @typedef {object} RecentEntry
 * @property {string} id
 * @property {string[]} targets the page(s) or domain(s) looked up
 * @property {string} kind page, unique_page, domain or unique_domain
 * @property {number} num
 * @property {string} time ISO time of the lookup
 * @property {number} credits credits the lookup consumed
 * @property {boolean} saved whether its answer is still stored (it may have been dropped for room)
 */

/** @returns {RecentEntry[]} the entries, newest first ([] when storage is empty, unreadable or off) */
export function recentLookups() {
  try {
    const list = JSON.parse(localStorage.getItem(INDEX_KEY) ?? '[]');
    return Array.isArray(list) ? list.filter((e) => e && typeof e.id === 'string' && Array.isArray(e.targets)) : [];
  } catch {
    return [];
  }
}

function writeIndex(list) {
  try {
    localStorage.setItem(INDEX_KEY, JSON.stringify(list));
  } catch { /* storage off or full: history is a convenience */ }
}

/**
 * Stores a lookup and its answer, newest first. When storage is full, the
 * answers of the oldest entries are dropped (the entries stay, marked not saved).
 * @param {Omit<RecentEntry, 'id' | 'saved'>} entry
 * @param {unknown} answer what {@link openRecent} gives back
 * @returns {RecentEntry[]} the list now
 */
export function remember(entry, answer) {
  const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const list = [{ ...entry, id, saved: false }, ...recentLookups()];
  for (const old of list.splice(MAX_ENTRIES)) forgetAnswer(old.id);
  const text = JSON.stringify(answer);
  for (;;) {
    try {
      localStorage.setItem(DATA_PREFIX + id, text);
      list[0].saved = true;
      break;
    } catch {
      // Full (or off): drop the oldest answer still stored, then try again.
      const older = list.slice(1).reverse().find((e) => e.saved);
      if (!older) break;
      forgetAnswer(older.id);
      older.saved = false;
    }
  }
  writeIndex(list);
  return list;
}

function forgetAnswer(id) {
  try { localStorage.removeItem(DATA_PREFIX + id); } catch { /* nothing to do */ }
}

/** The stored answer of an entry, or null when it is gone. @param {string} id */
export function openRecent(id) {
  try {
    const text = localStorage.getItem(DATA_PREFIX + id);
    return text === null ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

/** Forgets every entry and answer. */
export function forgetAll() {
  for (const entry of recentLookups()) forgetAnswer(entry.id);
  try { localStorage.removeItem(INDEX_KEY); } catch { /* nothing to do */ }
}
