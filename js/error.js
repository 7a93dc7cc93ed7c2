// The package's error class. Rust builds every error through `makeError`
// (src/error.rs), so this is the one place a JS error is made.

/**
 * The error every rejected call and every bad constructor option gives.
 * `code` is stable and documented; `message` says what happened and what to do.
 */
export class KeywordsEverywhereError extends Error {
  constructor(message, details = {}) {
    super(message);
    this.name = 'KeywordsEverywhereError';
    this.code = details.code ?? 'unknown';
    this.status = details.status;
    this.description = details.description;
    this.field = details.field;
    this.retryAfter = details.retryAfter;
  }
}

export function makeError(message, code, status, description, field, retryAfter) {
  return new KeywordsEverywhereError(message, { code, status, description, field, retryAfter });
}
