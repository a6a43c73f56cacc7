import type { StoreHistory } from '../load/git-history.js';
import type { ResolvedStore } from './types.js';

/**
 * The store with each release that has no `date` of its own dated by the commit that landed its
 * file on the main line (ISO 8601 UTC, to the second), so every output (manifests, API, update
 * index, /update) shows when a release was published. Releases that have not landed keep none.
 * Pure; the store is returned as it is when nothing changes.
 */
export function withLandingDates(store: ResolvedStore, history: StoreHistory): ResolvedStore {
  if (!history.git) return store;
  let changed = false;
  const apps = store.apps.map((app) => {
    if (app.releases.every((r) => r.date !== undefined || !history.added.get(r.rel))) return app;
    changed = true;
    const releases = app.releases.map((r) => {
      const landed = r.date === undefined ? history.added.get(r.rel) : undefined;
      return landed ? { ...r, date: landed.date.replace(/\.\d{3}Z$/, 'Z') } : r;
    });
    return { ...app, releases };
  });
  return changed ? { ...store, apps } : store;
}

/** The dates of an app's releases (as written or from git), one line each: part of its cache keys. */
export const releaseDatesOf = (app: ResolvedStore['apps'][number]): string =>
  app.releases.map((r) => `${r.version}=${r.date ?? ''}`).join('\n');
