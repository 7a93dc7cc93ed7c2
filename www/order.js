// One order for text everywhere on the page: the table's sort and the
// chart's ties agree (numbers inside names in numeric order: 2 before 10).

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Compares two texts as the page orders them. @param {string} a @param {string} b */
export const compareText = (a, b) => collator.compare(a, b);
