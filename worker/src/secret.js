// Keeping secrets (the API key, the access tokens) out of what leaves the Worker.

/**
 * `text` with every occurrence of `secret` replaced by `[redacted]`.
 * @param {string|undefined} text
 * @param {unknown} secret Anything but a non-empty string redacts nothing.
 * @returns {string|undefined}
 */
export function redact(text, secret) {
  if (typeof text !== 'string' || typeof secret !== 'string' || secret === '') return text;
  return text.split(secret).join('[redacted]');
}
