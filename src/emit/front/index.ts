import { isStoreFileProblem, readStoreFile, storeRelative } from '../../util/store-files.js';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AppMedia } from '../../inspect/media.js';
import type { ResolvedApp, ResolvedStore } from '../../resolve/index.js';
import { keyIdOf } from '../../util/signed-json.js';
import { contentKey } from '../content-key.js';
import { precompress } from '../precompress.js';
import type { SiteObject } from '../site-objects.js';
import { utf8, type SiteFiles } from '../site-files.js';
import { appCard, renderAppPage, type AppLinks } from './app-page.js';
import { renderAtom, storeFeedEntries } from './atom.js';
import { searchIndexJson } from './search-index.js';
import { categoryCounts, renderAbout, renderCategory, renderHome, renderSearch, type StoreKeys } from './store-pages.js';
import type { AppDoc, FrontCard, FrontStore } from './types.js';

export type { FrontCard, FrontStore, AppDoc } from './types.js';
export type { StoreKeys } from './store-pages.js';
export { renderMarkdown, plainText } from './markdown.js';

/** The store-level inputs of every page. */
export function frontStore(store: ResolvedStore): FrontStore {
  return {
    name: store.name,
    description: store.description,
    baseUrl: store.baseUrl,
    categories: [...(store.categories ?? [])],
    repository: store.repository,
  };
}

/** What one app adds to the store front: its page folder (an object, like its manifests) and its card. */
export interface FrontPart {
  object: SiteObject;
  card: FrontCard;
}

/**
 * `apps/<id>/`: the app page, the app's Atom feed, its icon and screenshots, stored as an object
 * keyed by the app's API document key, the store-level page inputs and the images' hashes, so an
 * unchanged app's page is neither rendered nor written again. `doc` is the app's API document.
 */
export function frontPart(
  store: FrontStore,
  app: Pick<ResolvedApp, 'id' | 'issues' | 'repository'>,
  doc: AppDoc,
  apiKey: string,
  media: AppMedia | undefined,
): FrontPart {
  const links: AppLinks = { issues: app.issues, repository: app.repository };
  const images = [...(media?.icon ? [media.icon] : []), ...(media?.screenshots ?? [])];
  const card = appCard(doc, media);
  const key = contentKey('app-page', { store, api: apiKey, links, images: images.map((m) => [m.name, m.sha256, m.caption ?? null]) }).slice(
    0,
    32,
  );
  return {
    card,
    object: {
      path: `apps/${app.id}`,
      key,
      emit: () => {
        const files: SiteFiles = new Map();
        files.set('index.html', utf8(renderAppPage(doc, store, links, media)));
        const entries = doc.releases.map((r) => ({
          app: { id: doc.id, name: doc.name },
          version: r.version,
          release: r.release,
          date: r.createdAt ?? r.date,
          yanked: r.yanked,
          html: card.recent.find((x) => x.version === r.version)?.html ?? '',
        }));
        files.set(
          'feed.atom',
          utf8(
            renderAtom(store, {
              title: `${doc.name}: new releases`,
              self: `apps/${doc.id}/feed.atom`,
              alternate: `apps/${doc.id}/`,
              entries: entries.slice(0, 20),
            }),
          ),
        );
        precompress(files, isPage);
        for (const m of images) files.set(m.name, { copyFrom: m.from, sha256: m.sha256 });
        return files;
      },
    },
  };
}

/**
 * The store-wide pages from the cards of every app (in store order): home, search page and
 * index, one page per category, about, the store's feed, and the front's assets. Each is lazy and
 * keyed by its inputs, so a build that changes nothing they show does not render them.
 */
export function emitFront(
  store: FrontStore,
  cards: readonly FrontCard[],
  keys: StoreKeys,
  channels: readonly { name: string; description?: string }[],
  files: SiteFiles,
): void {
  const front: SiteFiles = new Map();
  const lazy = (rel: string, inputs: unknown, make: () => string) =>
    front.set(rel, { key: contentKey(`front:${rel}`, inputs), make: () => utf8(make()) });
  // Search text and feed entries do not show on the listing pages: their keys leave them out.
  const listed = cards.map((c) => [c.id, c.name, c.summary, c.icon, c.categories, c.platforms, c.latest]);
  lazy('index.html', { store, listed }, () => renderHome(store, cards));
  lazy('search.html', { store, listed }, () => renderSearch(store, cards));
  lazy('search-index.json', { cards: cards.map((c, i) => [...listed[i]!, c.text]) }, () => searchIndexJson(cards));
  lazy('about.html', { store, keys, channels }, () => renderAbout(store, keys, channels));
  const recent = storeFeedEntries(cards);
  lazy('feed.atom', { store, recent }, () =>
    renderAtom(store, { title: `${store.name}: new releases`, self: 'feed.atom', alternate: '', entries: recent }),
  );
  for (const { id } of categoryCounts(store, cards)) {
    const inCategory = cards.filter((c) => c.categories.includes(id));
    lazy(
      `categories/${id}.html`,
      { store, id, listed: inCategory.map((c) => [c.id, c.name, c.summary, c.icon, c.platforms, c.latest]) },
      () => renderCategory(store, id, inCategory),
    );
  }
  for (const [rel, bytes] of frontAssets()) front.set(rel, bytes);
  precompress(front, isPage);
  for (const [rel, content] of front) files.set(rel, content);
}

/** The store's public keys and fingerprints for the about page (reads the CA certificate file). */
export function storeKeys(store: ResolvedStore): StoreKeys {
  const keys: StoreKeys = {};
  if (store.signing.publicKey) {
    try {
      keys.signing = { pem: store.signing.publicKey, keyid: keyIdOf(createPublicKey(store.signing.publicKey)) };
    } catch {
      // A bad key fails the build with its own diagnostic before pages are made.
    }
  }
  if (store.trust.ca) {
    try {
      // Only a CA file the check read: inside the store, not a link.
      const rel = storeRelative('', store.trust.ca);
      const read = rel === undefined ? undefined : readStoreFile(store.root, rel, store.limits.storeFileSize);
      if (!read || isStoreFileProblem(read)) throw new Error('no usable CA file');
      const cert = new X509Certificate(read.bytes);
      keys.ca = {
        pem: cert.toString(),
        fingerprint: cert.fingerprint256,
        subject: cert.subject.replace(/\n/g, ', '),
        validTo: new Date(cert.validTo).toISOString().slice(0, 10),
      };
    } catch {
      // Verify reports an unreadable CA; the page then says there is none.
    }
  }
  return keys;
}

// --- internal ---

/** Pages, feeds, styles, scripts and the search index get `.br`/`.gz` variants. */
const isPage = (rel: string): boolean => /\.(html|atom|css|js|json)$/.test(rel);

const FRONT_DIR = new URL('../../../public/assets/', import.meta.url);

let assets: [string, Uint8Array][] | undefined;

/** The stylesheet and scripts of the front, and MiniSearch's browser build (without its source-map comment). */
function frontAssets(): [string, Uint8Array][] {
  if (assets) return assets;
  const own = ['style.css', 'search.js'].map((name): [string, Uint8Array] => [`assets/${name}`, readFileSync(new URL(name, FRONT_DIR))]);
  // The ES module build sits beside the CommonJS one require() resolves to.
  const esm = path.join(path.dirname(createRequire(import.meta.url).resolve('minisearch')), '../es/index.js');
  const lib = readFileSync(esm, 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
  assets = [...own, ['assets/minisearch.js', utf8(lib)]];
  return assets;
}
