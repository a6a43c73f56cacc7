import { esc, hasCategoryPage, osLabel, page } from './html.js';
import type { FrontCard, FrontStore } from './types.js';

/** The store's public keys as the about page shows them. */
export interface StoreKeys {
  /** Ed25519 manifest key (PEM), its key id (hex SHA-256 of the DER key, as manifests name it). */
  signing?: { pem: string; keyid: string };
  /** The store CA certificate (PEM), its SHA-256 fingerprint and subject. */
  ca?: { pem: string; fingerprint: string; subject: string; validTo: string };
}

/** `index.html`: every app, the categories, and a search form (works without JavaScript). */
export function renderHome(store: FrontStore, cards: readonly FrontCard[]): string {
  const cats = categoryCounts(store, cards);
  const main = `<h1>${esc(store.name)}</h1>
${store.description ? `<p class="lead">${esc(store.description)}</p>` : ''}
<form class="search-big" role="search" aria-label="Search the store" action="search.html" method="get"><label for="q-home">Search ${cards.length} apps</label><div class="row"><input id="q-home" name="q" type="search" autocomplete="off"><button type="submit">Search</button></div></form>
${cats.length ? `<nav aria-labelledby="cat-h"><h2 id="cat-h">Categories</h2><ul class="chips">${cats.map((c) => `<li><a href="categories/${esc(c.id)}.html">${esc(c.name)} <span class="count">${c.count}</span></a></li>`).join('')}</ul></nav>` : ''}
<section aria-labelledby="all-h"><h2 id="all-h">All apps</h2>${cardList(cards, '')}</section>`;
  return page({ storeName: store.name, root: '', title: store.name, description: store.description, current: 'home' }, main);
}

/** `categories/<id>.html`: the apps of one category. */
export function renderCategory(store: FrontStore, id: string, cards: readonly FrontCard[]): string {
  const c = store.categories.find((x) => x.id === id);
  const name = c?.name ?? id;
  const main = `<p class="crumbs"><a href="../">All apps</a></p>
<h1>${esc(name)}</h1>
${c?.description ? `<p class="lead">${esc(c.description)}</p>` : ''}
<p>${cards.length} app${cards.length === 1 ? '' : 's'} · <a href="../search.html?category=${encodeURIComponent(id)}">search in this category</a></p>
${cardList(cards, '../')}`;
  return page({ storeName: store.name, root: '../', title: `${name} · ${store.name}` }, main);
}

/** Every category used by an app or listed in the vocabulary that can have a page, with its app count. */
export function categoryCounts(store: FrontStore, cards: readonly FrontCard[]): { id: string; name: string; count: number }[] {
  const count = new Map<string, number>();
  for (const c of store.categories) count.set(c.id, 0);
  for (const card of cards) for (const c of card.categories) count.set(c, (count.get(c) ?? 0) + 1);
  const name = (id: string) => store.categories.find((c) => c.id === id)?.name ?? id;
  return [...count]
    .filter(([id]) => hasCategoryPage(id))
    .map(([id, n]) => ({ id, name: name(id), count: n }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** `search.html`: the form is plain HTML (the query survives in the URL); search.js does the searching. */
export function renderSearch(store: FrontStore, cards: readonly FrontCard[]): string {
  const cats = categoryCounts(store, cards);
  const platforms = [...new Set(cards.flatMap((c) => c.platforms))].sort();
  const main = `<h1>Search</h1>
<form id="search" class="filters" role="search" aria-label="Search and filter" action="search.html" method="get">
<div class="field"><label for="q">Words</label><input id="q" name="q" type="search" autocomplete="off"></div>
<div class="field"><label for="category">Category</label><select id="category" name="category"><option value="">Any category</option>${cats.map((c) => `<option value="${esc(c.id)}">${esc(c.name)}</option>`).join('')}</select></div>
<div class="field"><label for="platform">Platform</label><select id="platform" name="platform"><option value="">Any platform</option>${platforms.map((p) => `<option value="${esc(p)}">${esc(osLabel(p))}</option>`).join('')}</select></div>
<button type="submit">Search</button>
</form>
<p id="status" role="status" aria-live="polite"><noscript>Searching needs JavaScript. Without it, browse <a href="./">all apps</a> or a category.</noscript></p>
<ul id="results" class="cards"></ul>`;
  return page({ storeName: store.name, root: '', title: `Search · ${store.name}`, script: 'assets/search.js', current: 'search' }, main);
}

/** `about.html`: what the store is and the keys that vouch for what it serves. */
export function renderAbout(store: FrontStore, keys: StoreKeys, channels: readonly { name: string; description?: string }[]): string {
  const signing = keys.signing
    ? `<p>Update manifests are signed with this Ed25519 key. Key id (hex SHA-256 of the DER key; manifests name it in <code>keyid</code>):</p>
<p><code class="hash">${esc(keys.signing.keyid)}</code></p>
<pre><code>${esc(keys.signing.pem.trim())}</code></pre>`
    : '<p>This store publishes no manifest signing key: its update manifests are not signed.</p>';
  const ca = keys.ca
    ? `<p>App certificates are issued by the store CA <code>${esc(keys.ca.subject)}</code>, valid until ${esc(keys.ca.validTo)}. SHA-256 fingerprint:</p>
<p><code class="hash">${esc(keys.ca.fingerprint)}</code></p>
<pre><code>${esc(keys.ca.pem.trim())}</code></pre>`
    : '<p>This store has no CA certificate.</p>';
  const main = `<h1>About ${esc(store.name)}</h1>
${store.description ? `<p class="lead">${esc(store.description)}</p>` : ''}
${store.baseUrl ? `<p>Published at <a href="${esc(store.baseUrl)}">${esc(store.baseUrl)}</a>.</p>` : ''}
<section aria-labelledby="keys-h"><h2 id="keys-h">Manifest signing key</h2>${signing}</section>
<section aria-labelledby="ca-h"><h2 id="ca-h">Certificate authority</h2>${ca}</section>
<section aria-labelledby="ch-h"><h2 id="ch-h">Channels</h2><dl class="meta">${channels.map((c) => `<div><dt>${esc(c.name)}</dt><dd>${esc(c.description ?? '')}</dd></div>`).join('')}</dl></section>
<section aria-labelledby="data-h"><h2 id="data-h">Data</h2><ul><li><a href="feed.atom">Atom feed of new releases</a></li><li><a href="api/v1/apps.json">Catalog API</a></li><li><a href="search-index.json">Search index</a></li><li>Schemas: <a href="schemas/store.schema.json">store</a>, <a href="schemas/app.schema.json">app</a>, <a href="schemas/release.schema.json">release</a></li></ul></section>`;
  return page({ storeName: store.name, root: '', title: `About · ${store.name}`, current: 'about' }, main);
}

// --- internal ---

function cardList(cards: readonly FrontCard[], root: string): string {
  if (!cards.length) return '<p>No apps yet.</p>';
  // Icons below the first screen load only when scrolled to: the home page of a large store stays light.
  return `<ul class="cards">${cards.map((c, i) => `<li class="card"><a href="${root}apps/${esc(c.id)}/">${c.icon ? `<img src="${root}${esc(c.icon)}" alt="" width="48" height="48"${i >= 12 ? ' loading="lazy"' : ''}>` : `<span class="icon letter" aria-hidden="true">${esc(c.name.slice(0, 1).toUpperCase())}</span>`}<span class="name">${esc(c.name)}</span></a><p>${esc(c.summary)}</p><p class="muted">${c.latest ? `${esc(c.latest)} · ` : ''}${c.platforms.map((p) => esc(osLabel(p))).join(', ')}</p></li>`).join('')}</ul>`;
}
