// Keeping the API key out of what leaves the Worker.

/**
 * `text` with every occurrence of `secret` replaced by `[redacted]`. Belt and braces: the
 * package never puts the key in an error, and the Worker never logs headers.
 * @param {string|undefined} text
 * @param {unknown} secret The API key (anything but a non-empty string redacts nothing).
 * @returns {string|undefined}
 */
export function redact(text, secret) {
  if (typeof text !== 'string' || typeof secret !== 'string' || secret === '') return text;
  return text.split(secret).join('[redacted]');
}
