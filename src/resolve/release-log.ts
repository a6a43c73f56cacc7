import semver from 'semver';
import type { HistoryEvent, StoreHistory } from '../load/git-history.js';
import type { ResolvedApp } from './types.js';

/** When a release landed and last changed, from git (or from its own date outside git). */
export type ReleaseLanding = Readonly<{
  /** Release number: 1, 2, 3 … per app in landing order. */
  number: number;
  createdAt: string | null;
  updatedAt: string | null;
  sha?: string;
  pr?: number;
}>;

/** One line of an app's release log. */
export type ReleaseLogEntry = Readonly<
  { kind: HistoryEvent['kind'] | 'released'; date: string | null; sha?: string; pr?: number; author?: string } & Record<string, unknown>
>;

/**
 * Numbers the releases of an app 1, 2, 3 … in the order they landed on the main line: by the
 * first-parent commit that added each release file, releases of one commit by version. Releases
 * with no commit (outside git, or not committed yet) follow, oldest version first.
 */
export function releaseLandings(app: ResolvedApp, history: StoreHistory): Map<string, ReleaseLanding> {
  const landed = app.releases.map((r) => ({ r, c: history.added.get(r.rel) }));
  landed.sort((a, b) => {
    if (a.c && b.c && a.c.time !== b.c.time) return a.c.time - b.c.time;
    if (a.c && !b.c) return -1;
    if (!a.c && b.c) return 1;
    return semver.compare(a.r.semver, b.r.semver);
  });
  const updates = new Map<string, string>();
  for (const e of history.events.get(app.id) ?? [])
    if ('version' in e && e.kind !== 'released' && e.kind !== 'pinned') updates.set(e.version, e.date);
  const out = new Map<string, ReleaseLanding>();
  landed.forEach(({ r, c }, i) => {
    const createdAt = c?.date ?? r.date ?? null;
    out.set(r.version, { number: i + 1, createdAt, updatedAt: updates.get(r.version) ?? createdAt, sha: c?.sha, pr: c?.pr });
  });
  return out;
}

/**
 * The app's release log, oldest first: releases landing, rollout changes, yanks, pins and locks
 * from git; outside git, one "released" line per release in version order with its own date.
 */
export function releaseLog(app: ResolvedApp, history: StoreHistory): ReleaseLogEntry[] {
  if (history.git) {
    return (history.events.get(app.id) ?? []).map(({ time: _time, date, subject: _subject, ...rest }) => ({ ...rest, date }));
  }
  return [...app.releases].reverse().map((r) => ({ kind: 'released', version: r.version, date: r.date ?? null }));
}
