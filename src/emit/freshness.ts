import type { StoreHistory } from '../load/git-history.js';

/** Serial and expiry of the signed documents of one build. */
export interface Freshness {
  serial: (app: string) => number;
  expires: string;
}

const DAY = 86_400;

/**
 * Serials and expiry that let an unchanged app keep byte-identical manifests from build to build
 * (so incremental builds rewrite only what changed) and still only grow:
 * - in a clean git checkout, an app's serial is the time (Unix seconds) of the newest commit
 *   touching the app or store.yaml, raised to the start of the build's UTC day; expiry is the
 *   start of that day plus `expiresDays + 1` days. Rebuilding the same commit on the same day
 *   gives the same bytes; the first build of a day re-signs everything;
 * - otherwise (no git, or uncommitted changes) the serial is the build time in seconds and the
 *   expiry the build time plus `expiresDays` days.
 * Commit times are the history's clock (git-history.ts): committer dates made to grow along the
 * first-parent line, so a commit dated in the past never lowers a serial. `floor` raises every
 * serial to at least that value (after a rewrite of the branch's history).
 */
export function manifestFreshness(now: Date, expiresDays: number, history: StoreHistory, floor = 0): Freshness {
  const nowS = Math.floor(now.getTime() / 1000);
  const day = Math.floor(nowS / DAY) * DAY;
  if (!history.git || history.dirty.has('*')) return { serial: () => Math.max(nowS, floor), expires: iso(nowS + expiresDays * DAY) };
  return {
    serial: (app) => {
      const changed = history.appChangedAt.get(app);
      if (changed === undefined && history.dirty.has(app)) return Math.max(nowS, floor);
      return Math.max(changed ?? 0, history.storeChangedAt, day, floor);
    },
    expires: iso(day + (expiresDays + 1) * DAY),
  };
}

const iso = (s: number) => new Date(s * 1000).toISOString();
