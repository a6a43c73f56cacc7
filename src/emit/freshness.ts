import type { StoreHistory } from '../load/git-history.js';

/** Serials and expiry of the signed documents of one build. */
export interface Freshness {
  /** The serial of an app's manifests and platform indexes: the app's change clock, with no daily part. */
  serial: (app: string) => number;
  /** The serial of an app's fresh document (`fresh/<app>.json`): grows every day, even for an unchanged app. */
  freshSerial: (app: string) => number;
  /** When the fresh documents of this build expire, ISO 8601 (manifests carry no expiry of their own). */
  expires: string;
}

const DAY = 86_400;

/**
 * Serials and expiry that let an unchanged app keep byte-identical manifests for as long as it
 * does not change (so a build whose only change is the date rewrites only the small fresh
 * documents, docs/manifests.md) and still only grow:
 * - in a clean git checkout, an app's manifest serial is the time (Unix seconds) of the newest
 *   commit touching the app or store.yaml; its fresh document's serial is that raised to the start
 *   of the build's UTC day, and expires at the start of that day plus `expiresDays + 1` days.
 *   Rebuilding the same commit on the same day gives the same bytes; the first build of a day
 *   re-signs only the fresh documents;
 * - otherwise (no git, or uncommitted changes) both serials are the build time in seconds and the
 *   expiry the build time plus `expiresDays` days.
 * Commit times are the history's clock (git-history.ts): committer dates made to grow along the
 * first-parent line, so a commit dated in the past never lowers a serial. `floor` raises every
 * serial to at least that value (after a rewrite of the branch's history).
 */
export function manifestFreshness(now: Date, expiresDays: number, history: StoreHistory, floor = 0): Freshness {
  const nowS = Math.floor(now.getTime() / 1000);
  const day = Math.floor(nowS / DAY) * DAY;
  if (!history.git || history.dirty.has('*')) {
    const serial = () => Math.max(nowS, floor);
    return { serial, freshSerial: serial, expires: iso(nowS + expiresDays * DAY) };
  }
  const serial = (app: string) => {
    const changed = history.appChangedAt.get(app);
    if (changed === undefined && history.dirty.has(app)) return Math.max(nowS, floor);
    return Math.max(changed ?? 0, history.storeChangedAt, floor);
  };
  return { serial, freshSerial: (app) => Math.max(serial(app), day), expires: iso(day + (expiresDays + 1) * DAY) };
}

const iso = (s: number) => new Date(s * 1000).toISOString();
