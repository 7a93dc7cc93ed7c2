// Saving generated text as a file download, without a server round trip.

/**
 * Offers `text` as a download named `filename`.
 * @param {string} filename
 * @param {string} type MIME type, e.g. `text/csv;charset=utf-8`
 * @param {string} text
 */
export function saveFile(filename, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
