// Data for the stand-in API: the documented samples, the "tricky" escaping
// fixtures and a deterministic backlink generator. No I/O happens here.

/**
 * Credits charged per returned backlink, by endpoint kind (`unique` is the
 * page endpoint's unique form; the domain kinds are the package's names).
 */
export const CREDITS_PER_LINK = Object.freeze({ page: 1, unique: 5, domain: 1, unique_domain: 5 });

/** Documented time_taken of the four sample responses. */
export const SAMPLE_TIME_TAKEN = Object.freeze({ page: 0.98, unique: 0.68, domain: 2.02, unique_domain: 0.66 });

/** Pages answered with the documented sample data. */
export const SAMPLE_PAGES = Object.freeze(['https://example.com/', 'https://example.com']);

/** The domain answered with the documented sample data. */
export const SAMPLE_DOMAIN = 'example.com';

/** The balance of docs/account_credits.md's sample answer. */
export const SAMPLE_BALANCE = 95597755;

const SAMPLE_TARGET = { domain_target: 'example.com', url_target: 'https://example.com' };

/** The 5 sample backlinks of docs/get_page_backlinks.md, in order. */
export const SAMPLE_PAGE_BACKLINKS = deepFreeze([
  { anchor_text: 'example.com', domain_source: 'reddit.com', ...SAMPLE_TARGET, url_source: 'https://www.reddit.com/r/dns/comments/1an8jx0/bind_reverse_lookup_failing' },
  { anchor_text: 'Hoopla!', domain_source: 'reddit.com', ...SAMPLE_TARGET, url_source: 'https://www.reddit.com/user/therealadyjewel' },
  { anchor_text: 'example.com', domain_source: 'reddit.com', ...SAMPLE_TARGET, url_source: 'https://www.reddit.com/r/webdev/comments/nr9rso/how_to_validate_forms_properly_some_useful_dos' },
  { anchor_text: 'link', domain_source: 'reddit.com', ...SAMPLE_TARGET, url_source: 'https://www.reddit.com/r/reddit.com/wiki/markdown' },
  { anchor_text: '', domain_source: 'reddit.com', ...SAMPLE_TARGET, url_source: 'https://www.reddit.com/user/adambard' },
].map(orderFields));

/** The 5 sample backlinks of docs/get_unique_page_backlinks.md, in order. */
export const SAMPLE_UNIQUE_BACKLINKS = deepFreeze([
  { anchor_text: 'link', domain_source: 'reddit.com', ...SAMPLE_TARGET, url_source: 'https://www.reddit.com/wiki/markdown' },
  { anchor_text: 'カレー', domain_source: 'w3.org', ...SAMPLE_TARGET, url_source: 'https://www.w3.org/tr/css-fonts-3' },
  { anchor_text: 'https://example.com', domain_source: 'forbes.com', ...SAMPLE_TARGET, url_source: 'https://www.forbes.com/sites/forbesagencycouncil/2019/07/11/five-technical-seo-considerations-you-cant-afford-to-get-wrong' },
  { anchor_text: 'https://example.com', domain_source: 'adobe.com', ...SAMPLE_TARGET, url_source: 'https://www.adobe.com/devnet-docs/acrobatetk/tools/appsec/xdomain.html' },
  { anchor_text: 'https://EXAMPLE.COM/?wc-api=WC_Gateway_Chase_Paymentech', domain_source: 'godaddy.com', ...SAMPLE_TARGET, url_source: 'https://www.godaddy.com/help/dive-in-chase-paymentech-41442' },
].map(orderFields));

/** The 5 sample backlinks of docs/get_domain_backlinks.md, in order. */
export const SAMPLE_DOMAIN_BACKLINKS = deepFreeze([
  { anchor_text: '', domain_source: 'amazon.com', domain_target: 'example.com', url_source: 'https://www.amazon.com/collectif/e/b07fpb9c3j', url_target: 'http://example.com' },
  { anchor_text: 'example.com', domain_source: 'reddit.com', ...SAMPLE_TARGET, url_source: 'https://www.reddit.com/r/dns/comments/1an8jx0/bind_reverse_lookup_failing' },
  { anchor_text: 'Hoopla!', domain_source: 'reddit.com', ...SAMPLE_TARGET, url_source: 'https://www.reddit.com/user/therealadyjewel' },
  { anchor_text: 'example.com', domain_source: 'reddit.com', ...SAMPLE_TARGET, url_source: 'https://www.reddit.com/r/webdev/comments/nr9rso/how_to_validate_forms_properly_some_useful_dos' },
  { anchor_text: 'link', domain_source: 'reddit.com', ...SAMPLE_TARGET, url_source: 'https://www.reddit.com/r/reddit.com/wiki/markdown' },
].map(orderFields));

/** The 5 sample backlinks of docs/get_unique_domain_backlinks.md, in order. */
export const SAMPLE_UNIQUE_DOMAIN_BACKLINKS = deepFreeze([
  { anchor_text: '', domain_source: 'amazon.com', domain_target: 'example.com', url_source: 'https://www.amazon.com/collectif/e/b07fpb9c3j', url_target: 'http://example.com' },
  { anchor_text: 'Color Monger website', domain_source: 'microsoft.com', domain_target: 'example.com', url_source: 'https://www.microsoft.com/en-sl/p/color-monger/9nblggh098x4', url_target: 'http://example.com' },
  { anchor_text: '', domain_source: 'reddit.com', domain_target: 'example.com', url_source: 'https://www.reddit.com/r/okwx', url_target: 'http://example.com' },
  { anchor_text: 'https://example.com', domain_source: 'forbes.com', ...SAMPLE_TARGET, url_source: 'https://www.forbes.com/sites/forbesagencycouncil/2019/07/11/five-technical-seo-considerations-you-cant-afford-to-get-wrong' },
  { anchor_text: 'Visit us on blog', domain_source: 'ibm.com', domain_target: 'example.com', url_source: 'https://www.ibm.com/in-en/events/vmware-webinars', url_target: 'http://example.com' },
].map(orderFields));

/** Host whose page gets {@link TRICKY_BACKLINKS}. */
export const TRICKY_HOST = 'tricky.example';
/** Host whose page has no backlinks at all. */
export const EMPTY_HOST = 'empty.example';

const TRICKY_ANCHORS = [
  '<img src=x onerror="window.__xss=1">',
  '<script>window.__xss=1</script>',
  '=HYPERLINK("http://evil.example","click")',
  '+1+1',
  '-2',
  '@SUM(A1)',
  'a "quoted", comma, text',
  'first line\nsecond line',
  'カレー 🍛',
  'line\u2028separator and nul\u0000byte',
  '',
  null, // anchor_text: null on the wire
  undefined, // anchor_text key absent on the wire
];

/**
 * Backlinks answered for any page on host `tricky.example`, exactly as sent
 * (before truncation to `num`). Every domain_source is distinct, so the same
 * set is valid for the unique endpoint. The second-to-last has
 * `anchor_text: null`, the last has no `anchor_text` key at all.
 */
export const TRICKY_BACKLINKS = deepFreeze(TRICKY_ANCHORS.map((anchor, i) => {
  const link = {};
  if (anchor !== undefined) link.anchor_text = anchor;
  link.domain_source = `tricky-source-${i + 1}.example`;
  link.domain_target = TRICKY_HOST;
  link.url_source = `https://tricky-source-${i + 1}.example/posts/${i + 1}/escaping-check`;
  link.url_target = `https://${TRICKY_HOST}/`;
  return link;
}));

// ---------------------------------------------------------------------------
// Deterministic generator
// ---------------------------------------------------------------------------

const WELL_KNOWN_DOMAINS = [
  'reddit.com', 'github.com', 'medium.com', 'wikipedia.org', 'stackoverflow.com',
  'news.ycombinator.com', 'dev.to', 'forbes.com', 'w3.org', 'adobe.com',
  'godaddy.com', 'wordpress.com', 'blogspot.com', 'quora.com', 'linkedin.com',
  'producthunt.com', 'theverge.com', 'techcrunch.com', 'nytimes.com', 'bbc.co.uk',
];
const DOMAIN_PREFIXES = [
  'tech', 'web', 'dev', 'code', 'daily', 'open', 'smart', 'green', 'blue', 'urban',
  'digital', 'global', 'local', 'prime', 'bright', 'cloud', 'data', 'home', 'travel', 'food',
  'health', 'money', 'news', 'photo', 'music', 'sport', 'garden', 'craft', 'pixel', 'star',
];
const DOMAIN_SUFFIXES = ['hub', 'world', 'zone', 'guide', 'lab', 'times', 'journal', 'forum', 'insider', 'base'];
const TLDS = ['com', 'net', 'org', 'io', 'co.uk', 'de', 'info', 'blog'];

/** 300 source domains for the page endpoint: well-known ones, then made-up ones. */
export const DOMAIN_POOL = Object.freeze(
  [...WELL_KNOWN_DOMAINS, ...DOMAIN_PREFIXES.flatMap((p) => DOMAIN_SUFFIXES.map((s) => p + s))]
    .slice(0, 300)
    .map((name, i) => (name.includes('.') ? name : `${name}.${TLDS[(i * 7) % TLDS.length]}`)),
);

const WORDS = [
  'best', 'guide', 'seo', 'tools', 'review', 'how', 'to', 'build', 'fast', 'website',
  'tips', 'marketing', 'links', 'free', 'top', 'list', 'design', 'javascript', 'rust', 'api',
  'content', 'strategy', 'beginners', 'complete', 'tutorial', 'resources', 'ideas', 'small', 'business', 'growth',
  'analytics', 'keyword', 'research', 'local', 'search', 'ranking', 'update', 'news', 'weekly', 'roundup',
];
const GENERIC_ANCHORS = ['click here', 'here', 'link', 'website', 'source', 'this article', 'read more', 'official site'];

/** 32-bit FNV-1a hash of a string's UTF-16 code units. */
export function hashString(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32 PRNG: returns a function yielding floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Small helpers around a PRNG. */
function makeRandom(seed) {
  const next = mulberry32(seed);
  const int = (n) => Math.floor(next() * n);
  const pick = (list) => list[int(list.length)];
  const words = (min, max) => Array.from({ length: min + int(max - min + 1) }, () => pick(WORDS));
  return { next, int, pick, words };
}

const capitalize = (w) => w.charAt(0).toUpperCase() + w.slice(1);

/** A realistic path on a source site. */
function sourcePath(rnd, i) {
  const slug = rnd.words(3, 7).join('-');
  switch (rnd.int(6)) {
    case 0: return `blog/${2012 + rnd.int(13)}/${String(1 + rnd.int(12)).padStart(2, '0')}/${slug}`;
    case 1: return `r/${rnd.pick(WORDS)}/comments/${(i * 7919 + rnd.int(1e6)).toString(36)}/${slug.replaceAll('-', '_')}`;
    case 2: return `forum/thread/${1000 + rnd.int(90000)}-${slug}`;
    case 3: return `wiki/${capitalize(rnd.pick(WORDS))}_${capitalize(rnd.pick(WORDS))}`;
    case 4: return `news/${slug}.html`;
    default: return `docs/${rnd.pick(WORDS)}/${slug}`;
  }
}

/** A realistic anchor text for a link to `page` on `host`. */
function anchorText(rnd, host, page) {
  const roll = rnd.int(20);
  if (roll === 0) return '';
  if (roll < 4) return host;
  if (roll < 6) return page;
  if (roll < 10) return rnd.pick(GENERIC_ANCHORS);
  return rnd.words(3, 8).map(capitalize).join(' ');
}

/** The host name a backlink points to: the page's hostname without a leading `www.`. */
export function targetDomain(page) {
  return new URL(page).hostname.replace(/^www\./, '');
}

/**
 * Endless deterministic stream of realistic backlinks to `page` (each around
 * 200–300 bytes of JSON). The same page always yields the same sequence.
 *
 * @param {string} page absolute http(s) URL; also used verbatim as url_target
 * @param {{unique?: boolean, anchorPadding?: string, wholeDomain?: boolean}} [options]
 *   unique: every domain_source is distinct (`site-<n>.example`);
 *   anchorPadding: appended to each anchor text (used to build huge bodies);
 *   wholeDomain: links point to pages all over the page's host (a domain
 *   lookup), not to the page itself
 * @returns {Generator<{anchor_text: string, domain_source: string, domain_target: string, url_source: string, url_target: string}>}
 */
export function* backlinkStream(page, { unique = false, anchorPadding = '', wholeDomain = false } = {}) {
  const seed = hashString(page);
  const rnd = makeRandom(seed);
  const host = targetDomain(page);
  const firstSite = 1 + (seed % 90000);
  for (let i = 0; ; i++) {
    const domain = unique ? `site-${firstSite + i}.example` : rnd.pick(DOMAIN_POOL);
    const www = !unique && rnd.int(2) === 0 ? 'www.' : '';
    yield {
      anchor_text: anchorText(rnd, host, page) + anchorPadding,
      domain_source: domain,
      domain_target: host,
      url_source: `https://${www}${domain}/${sourcePath(rnd, i)}`,
      url_target: wholeDomain && rnd.int(3) > 0 ? `https://${host}/${rnd.words(1, 3).join('-')}` : page,
    };
  }
}

/** The first `count` backlinks of {@link backlinkStream}. */
export function generateBacklinks(page, count, options) {
  const out = [];
  if (count <= 0) return out;
  for (const link of backlinkStream(page, options)) {
    out.push(link);
    if (out.length === count) break;
  }
  return out;
}

/** Same field order as the docs, whatever order the literal was written in. */
function orderFields({ anchor_text, domain_source, domain_target, url_source, url_target }) {
  return { anchor_text, domain_source, domain_target, url_source, url_target };
}

function deepFreeze(value) {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
