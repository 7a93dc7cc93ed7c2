// Compiled with `tsc --noEmit -p tests/types`: lookupMany and summarize as a
// user writes them. Each @ts-expect-error line must be an error.
import {
  BacklinksClient,
  KeywordsEverywhereError,
  summarize,
  type BacklinksSummary,
  type LookupManyItem,
  type LookupManyProgress,
  type LookupManyResult,
} from 'keywords-everywhere-backlinks';

const client = new BacklinksClient({ apiKey: 'key' });

async function bulk(): Promise<number> {
  const controller = new AbortController();
  const seen: LookupManyProgress[] = [];
  const run: LookupManyResult = await client.lookupMany({
    kind: 'unique_domain',
    targets: ['example.com', 'example.org'],
    num: 10,
    concurrency: 8,
    maxCredits: 500,
    dryRun: false,
    signal: controller.signal,
    onProgress: (p) => seen.push(p),
  });
  let links = 0;
  for (const item of run.results) {
    const target: string = item.target;
    if (item.status === 'ok') {
      links += item.response.data.length;
      const s: BacklinksSummary = summarize(item.response);
      const top: string | undefined = s.referringDomains[0]?.domain;
      const anchor: string | undefined = s.anchors[0]?.text;
      const url: string | undefined = s.targets[0]?.url;
      links += s.backlinks + (top ?? anchor ?? url ?? target).length;
    } else {
      const error: KeywordsEverywhereError = item.error;
      if (error.code === 'budget_exceeded' || error.code === 'dry_run') links += 0;
      // @ts-expect-error a failed or skipped item has no response
      links += item.response.data.length;
    }
  }
  const first: LookupManyItem | undefined = run.results[0];
  // @ts-expect-error the kind names the four lookups only
  await client.lookupMany({ kind: 'pages', targets: [], num: 1 });
  // @ts-expect-error targets is a list of strings
  await client.lookupMany({ kind: 'page', targets: 'https://example.com/', num: 1 });
  // @ts-expect-error num is required
  await client.lookupMany({ kind: 'page', targets: [] });
  // @ts-expect-error progress has no such field
  await client.lookupMany({ kind: 'page', targets: [], num: 1, onProgress: (p) => p.percent });
  // @ts-expect-error summarize takes a response, not a list
  summarize([]);
  return links + run.creditsConsumed + run.worstCaseCredits + seen.length + (first ? 1 : 0);
}

void bulk;
