/** Escapes text for HTML element content and quoted attribute values. */
export const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** What every page shares: the store's name and where the site root is relative to the page. */
export interface PageFrame {
  storeName: string;
  /** Relative path from the page to the site root: `""` or `"../../"`. */
  root: string;
  title: string;
  description?: string;
  /** Feed linked in the head (relative to the root). */
  feed?: { href: string; title: string };
  /** Script (relative to the root) loaded as a module: only the search page has one. */
  script?: string;
  /** Navigation entry marked as the current page. */
  current?: 'home' | 'search' | 'about';
}

/** A whole HTML document around `main`: header with navigation and search, footer with the API and feed links. */
export function page(f: PageFrame, main: string): string {
  const r = f.root;
  const nav = (key: PageFrame['current'], href: string, label: string) =>
    `<a href="${r}${href}"${f.current === key ? ' aria-current="page"' : ''}>${label}</a>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${esc(f.title)}</title>
${f.description ? `<meta name="description" content="${esc(f.description)}">\n` : ''}<link rel="stylesheet" href="${r}assets/style.css">
<link rel="alternate" type="application/atom+xml" title="${esc(f.storeName)}: new releases" href="${r}feed.atom">
${f.feed ? `<link rel="alternate" type="application/atom+xml" title="${esc(f.feed.title)}" href="${r}${f.feed.href}">\n` : ''}${f.script ? `<script type="module" src="${r}${f.script}"></script>\n` : ''}</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<a class="brand" href="${r}">${esc(f.storeName)}</a>
<nav aria-label="Site">${nav('home', '', 'Apps')} ${nav('search', 'search.html', 'Search')} ${nav('about', 'about.html', 'About')}</nav>
<form class="quick" role="search" aria-label="Site search" action="${r}search.html" method="get"><label for="q-top" class="sr">Search apps</label><input id="q-top" name="q" type="search" placeholder="Search apps" autocomplete="off"><button type="submit">Search</button></form>
</header>
<main id="main">
${main}
</main>
<footer class="bottom"><p>Built by appshelf · <a href="${r}feed.atom">Atom feed of new releases</a> · <a href="${r}api/v1/apps.json">JSON API</a> · <a href="${r}schemas/store.schema.json">Schemas</a> · <a href="${r}about.html">Keys and fingerprints</a></p></footer>
</body>
</html>
`;
}

/** A date as people read it (`2026-03-10`), in a `<time>` element carrying the full value. */
export function dateTag(iso: string | null | undefined): string {
  if (!iso) return '<span class="muted">undated</span>';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return esc(iso);
  return `<time datetime="${esc(d.toISOString())}">${d.toISOString().slice(0, 10)}</time>`;
}

/** A byte count as people read it. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** Display names of the OS ids of the store. */
export const osLabel = (os: string): string =>
  ({
    windows: 'Windows',
    osx: 'macOS',
    linux: 'Linux',
    android: 'Android',
    ios: 'iOS',
    freebsd: 'FreeBSD',
    nextcloud: 'Nextcloud',
    docker: 'Docker',
    any: 'Any OS',
  })[os] ?? os;

/**
 * Whether a category id can name a page. Without a vocabulary, app.yaml may use any string as a
 * category, and a pull request must not choose where a file lands (`../x`): such a category is
 * shown and searchable, but gets no page.
 */
export const hasCategoryPage = (id: string): boolean => /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(id);
