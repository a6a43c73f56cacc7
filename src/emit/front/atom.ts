import { esc } from './html.js';
import type { FrontCard, FrontStore } from './types.js';

/** One entry of a feed: a release of an app. */
export interface FeedEntry {
  app: { id: string; name: string };
  version: string;
  release: number | null;
  date: string | null;
  yanked: boolean;
  html: string;
}

/**
 * An Atom feed (RFC 4287) of releases, newest first. Entry ids are tag URIs of the app and
 * version, so they stay the same wherever the site is published; links are absolute when the
 * store's baseUrl is known. `updated` is the newest entry's date, so the same store gives the
 * same bytes.
 */
export function renderAtom(
  store: FrontStore,
  opts: { title: string; self: string; alternate: string; entries: readonly FeedEntry[] },
): string {
  const base = store.baseUrl ? (store.baseUrl.endsWith('/') ? store.baseUrl : `${store.baseUrl}/`) : undefined;
  const url = (rel: string) => (base ? new URL(rel, base).href : rel);
  const authority = base ? new URL(base).host : 'appshelf.invalid';
  const entries = [...opts.entries].sort(
    (a, b) => (b.date ?? '').localeCompare(a.date ?? '') || a.app.id.localeCompare(b.app.id) || (b.release ?? 0) - (a.release ?? 0),
  );
  const updated = iso(entries[0]?.date) ?? '1970-01-01T00:00:00Z';
  const items = entries.map(
    (e) => `<entry>
<id>tag:${esc(authority)},2026:${esc(e.app.id)}/${esc(e.version)}</id>
<title>${esc(e.app.name)} ${esc(e.version)}${e.yanked ? ' (yanked)' : ''}</title>
<updated>${iso(e.date) ?? updated}</updated>
<link rel="alternate" type="text/html" href="${esc(url(`apps/${e.app.id}/#v${e.version}`))}"/>
<content type="html">${esc(`${e.release !== null ? `<p>Release ${e.release}</p>` : ''}${e.html}`)}</content>
</entry>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>tag:${esc(authority)},2026:${esc(opts.self)}</id>
<title>${esc(opts.title)}</title>
<updated>${updated}</updated>
<author><name>${esc(store.name)}</name></author>
<link rel="self" type="application/atom+xml" href="${esc(url(opts.self))}"/>
<link rel="alternate" type="text/html" href="${esc(url(opts.alternate))}"/>
${items.join('\n')}
</feed>
`;
}

/** The store's feed: the newest releases of all apps. */
export const storeFeedEntries = (cards: readonly FrontCard[], max = 50): FeedEntry[] =>
  cards
    .flatMap((c) => c.recent.map((r) => ({ app: { id: c.id, name: c.name }, ...r })))
    .sort((a, b) => (b.date ?? '').localeCompare(a.date ?? '') || a.app.id.localeCompare(b.app.id))
    .slice(0, max);

// --- internal ---

const iso = (d: string | null | undefined): string | undefined => {
  if (!d) return undefined;
  const t = new Date(d);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString().replace(/\.000Z$/, 'Z');
};
