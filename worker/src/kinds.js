// The Worker's lookup routes: each is one of the package's four lookup kinds. The package's
// `estimateCredits(kind, num)` prices them (its Rust `Endpoint` is the one place that knows
// the prices); this table only says which route is which kind and which form field it takes.

/**
 * A lookup kind as the package names it.
 * @typedef {'page' | 'unique_page' | 'domain' | 'unique_domain'} Kind
 */

/**
 * @typedef {object} KindInfo
 * @property {Kind} kind
 * @property {string} path The route, the same as the API's path.
 * @property {'page' | 'domain'} field The form field that names the target.
 */

/** @type {Readonly<Record<Kind, KindInfo>>} */
export const KINDS = Object.freeze({
  page: { kind: 'page', path: '/v1/get_page_backlinks', field: 'page' },
  unique_page: { kind: 'unique_page', path: '/v1/get_unique_page_backlinks', field: 'page' },
  domain: { kind: 'domain', path: '/v1/get_domain_backlinks', field: 'domain' },
  unique_domain: { kind: 'unique_domain', path: '/v1/get_unique_domain_backlinks', field: 'domain' },
});

/** The kind of each route path. */
export const KIND_BY_PATH = Object.freeze(Object.fromEntries(Object.values(KINDS).map((info) => [info.path, info])));
