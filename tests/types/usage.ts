// Compiled with `tsc --noEmit -p tests/types`: a user's file written against
// the package's .d.ts. Each @ts-expect-error line must be an error, or tsc
// fails ("Unused '@ts-expect-error' directive").
import {
  BacklinksClient,
  KeywordsEverywhereError,
  estimateCredits,
  type Backlink,
  type BacklinksKind,
  type BacklinksResponse,
  type KeywordsEverywhereErrorCode,
  type LookupBody,
} from 'keywords-everywhere-backlinks';

const client = new BacklinksClient({ apiKey: 'key', timeoutMs: 5000, maxRetries: 0 });
const proxied = new BacklinksClient({ baseUrl: 'https://backlinks.example.workers.dev' });

async function use(): Promise<number> {
  const controller = new AbortController();
  const r: BacklinksResponse = await client.getPageBacklinks({ page: 'https://example.com/', num: 5, signal: controller.signal });
  const first: Backlink | undefined = r.data[0];
  const anchor: string = first?.anchor_text ?? '';
  const u = await proxied.getUniquePageBacklinks({ page: 'https://example.com/', num: 1 });
  const total: number = r.credits_consumed + u.credits_consumed + r.time_taken;
  try {
    await client.getPageBacklinks({ page: 'https://example.com/', num: 1 });
  } catch (e) {
    if (e instanceof KeywordsEverywhereError) {
      const code: KeywordsEverywhereErrorCode = e.code;
      const status: number | undefined = e.status;
      const wait: number | undefined = e.retryAfter;
      const field: string | undefined = e.field;
      const description: string | undefined = e.description;
      if (code === 'rate_limited' && wait !== undefined) return wait;
      void [status, field, description];
    }
  }
  return total + anchor.length + estimateCredits('unique', 10);
}
void use;

async function family(): Promise<number> {
  const d: BacklinksResponse = await client.getDomainBacklinks({ domain: 'example.com', num: 5 });
  const u: BacklinksResponse = await client.getUniqueDomainBacklinks({ domain: 'blog.example.co.uk', num: 1, signal: AbortSignal.timeout(1000) });
  const balance: number = await client.getCredits();
  const again: number = await client.getCredits({ signal: new AbortController().signal });
  const cached: 'HIT' | undefined = d.worker_cache;
  const body: LookupBody = await proxied.lookupBody('unique_domain', { domain: 'example.com', num: 5 });
  const text: string = body.body;
  const viaPage = await proxied.lookupBody('page', { page: 'https://example.com/', num: 5 });
  const kinds: BacklinksKind[] = ['page', 'unique_page', 'domain', 'unique_domain', 'unique'];
  const worst = kinds.map((kind) => estimateCredits(kind, 10)).reduce((a, b) => a + b, 0);
  void cached;
  return d.data.length + u.credits_consumed + balance + again + text.length + viaPage.credits_consumed + worst;
}
void family;

// @ts-expect-error num must be a number, not a string
client.getPageBacklinks({ page: 'https://example.com/', num: '5' });
// @ts-expect-error page is required
client.getPageBacklinks({ num: 5 });
// @ts-expect-error num is required
client.getUniquePageBacklinks({ page: 'https://example.com/' });
// @ts-expect-error unknown params are refused
client.getPageBacklinks({ page: 'https://example.com/', num: 5, limit: 5 });
// @ts-expect-error unknown options are refused
new BacklinksClient({ apikey: 'typo' });
// @ts-expect-error timeoutMs is a number
new BacklinksClient({ apiKey: 'k', timeoutMs: '100' });
// @ts-expect-error only the four kinds (and 'unique') are kinds
estimateCredits('domains', 5);
// @ts-expect-error a domain lookup takes `domain`, not `page`
client.getDomainBacklinks({ page: 'https://example.com/', num: 5 });
// @ts-expect-error a page lookup takes `page`, not `domain`
client.getPageBacklinks({ domain: 'example.com', num: 5 });
// @ts-expect-error getCredits takes only a signal
client.getCredits({ num: 5 });
// @ts-expect-error the balance is a number
void (async (): Promise<string> => client.getCredits())();
// @ts-expect-error lookupBody's params follow its kind
proxied.lookupBody('domain', { page: 'https://example.com/', num: 5 });
// @ts-expect-error lookupBody takes a kind
proxied.lookupBody('credits', { domain: 'example.com', num: 5 });
// @ts-expect-error the response fields keep the API's names
void ((r: BacklinksResponse) => r.creditsConsumed);
// @ts-expect-error codes are a closed union
const wrong: KeywordsEverywhereErrorCode = 'teapot';
void wrong;
// @ts-expect-error Backlink fields are strings
const bad: Backlink = { anchor_text: 1, domain_source: '', domain_target: '', url_source: '', url_target: '' };
void bad;
