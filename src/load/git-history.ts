import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { parse as parseYaml } from 'yaml';

/** A commit on the first-parent line of the store's branch (a merged pull request, or a direct push). */
export type HistoryCommit = Readonly<{
  sha: string;
  /** Committer time, ISO 8601 UTC. */
  date: string;
  /** Committer time in Unix seconds. */
  time: number;
  author: string;
  subject: string;
  /** Pull request number from "Merge pull request #N" or a squash subject ending "(#N)". */
  pr?: number;
}>;

/** What a commit did to an app, as the release log shows it. */
export type HistoryEvent = Readonly<
  HistoryCommit & (
    | { kind: 'released'; version: string }
    | { kind: 'rollout'; version: string; from: Readonly<Record<string, number>>; to: Readonly<Record<string, number>> }
    | { kind: 'yanked' | 'unyanked'; version: string; reason?: string }
    | { kind: 'pinned'; channel: string; version: string }
    | { kind: 'unpinned'; channel: string }
    | { kind: 'locked' | 'unlocked' }
  )
>;

/** The store's history from git, or `git: false` when the store is not in a git checkout. */
export type StoreHistory = Readonly<{
  git: boolean;
  /** Release file (relative to the store folder) → the commit that added it. */
  added: ReadonlyMap<string, HistoryCommit>;
  /** App folder → its log events, oldest first. */
  events: ReadonlyMap<string, readonly HistoryEvent[]>;
  /** App folder → Unix time of the newest commit touching it; absent when it has uncommitted changes. */
  appChangedAt: ReadonlyMap<string, number>;
  /** Unix time of the newest commit touching store.yaml (0 if none). */
  storeChangedAt: number;
  /** App folders with uncommitted changes, and `*` when store.yaml has some. */
  dirty: ReadonlySet<string>;
}>;

/** The history of a store that is not a git checkout: everything falls back to version order. */
export const noHistory: StoreHistory = { git: false, added: new Map(), events: new Map(), appChangedAt: new Map(), storeChangedAt: 0, dirty: new Set() };

/**
 * Reads the store's history with one `git log --first-parent --raw` over the store folder and
 * one `git cat-file --batch` for the blobs of changed release and app files (to tell a rollout
 * change from a pin or a yank), plus one `git status`. Never one call per file.
 */
export function readStoreHistory(storeRoot: string): StoreHistory {
  const git = (args: string[], input?: string) =>
    spawnSync('git', args, { cwd: storeRoot, input, encoding: 'utf8', maxBuffer: 1024 ** 3, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
  const top = git(['rev-parse', '--is-inside-work-tree']);
  if (top.status !== 0 || top.stdout.trim() !== 'true') return noHistory;
  const log = git(['log', '--first-parent', '--diff-merges=first-parent', '--reverse', '--relative', '--raw', '--no-abbrev', '--no-renames',
    '--format=%x00%H%x09%ct%x09%an%x09%s', '--', '.']);
  if (log.status !== 0) return noHistory;
  const changes = parseLog(log.stdout);
  const blobs = readBlobs(changes.flatMap((c) => c.files.filter((f) => f.status === 'M' && isDataFile(f.path)).flatMap((f) => [f.from, f.to])), git);
  const added = new Map<string, HistoryCommit>();
  const events = new Map<string, HistoryEvent[]>();
  const appChangedAt = new Map<string, number>();
  let storeChangedAt = 0;
  const push = (app: string, e: HistoryEvent) => {
    const list = events.get(app) ?? [];
    list.push(e);
    events.set(app, list);
  };
  for (const { commit, files } of changes) {
    for (const f of files) {
      if (/^store\.(ya?ml|json)$/.test(f.path)) storeChangedAt = commit.time;
      const m = f.path.match(/^apps\/([^/]+)\/(?:releases\/(.+)\.(?:ya?ml|json)|app\.(?:ya?ml|json))$/);
      const app = f.path.match(/^apps\/([^/]+)\//)?.[1];
      if (app) appChangedAt.set(app, commit.time);
      if (!m) continue;
      const [, folder, version] = m as unknown as [string, string, string | undefined];
      if (version !== undefined) {
        if (f.status === 'A' && !added.has(f.path)) {
          added.set(f.path, commit);
          push(folder, { ...commit, kind: 'released', version });
        } else if (f.status === 'M') {
          for (const e of releaseEvents(version, blobs.get(f.from), blobs.get(f.to))) push(folder, { ...commit, ...e });
        }
      } else if (f.status === 'M') {
        for (const e of appEvents(blobs.get(f.from), blobs.get(f.to))) push(folder, { ...commit, ...e });
      }
    }
  }
  const dirty = new Set<string>();
  const status = git(['status', '--porcelain', '--no-renames', '--untracked-files=all', '--', '.']);
  const prefix = git(['rev-parse', '--show-prefix']).stdout.trim();
  for (const line of status.stdout.split('\n')) {
    const rel = line.slice(3).replace(/^"|"$/g, '');
    const local = rel.startsWith(prefix) ? rel.slice(prefix.length) : rel;
    const app = local.match(/^apps\/([^/]+)\//)?.[1];
    if (app) dirty.add(app);
    else if (/^store\.(ya?ml|json)$/.test(local)) dirty.add('*');
  }
  for (const app of dirty) appChangedAt.delete(app);
  return { git: true, added, events, appChangedAt, storeChangedAt, dirty };
}

/**
 * {@link readStoreHistory} in a worker thread, so the git calls (and parsing their output) run
 * on another core while the caller loads and checks the store. In this thread when the compiled
 * worker is not there (TypeScript sources run directly).
 */
export function readStoreHistoryInBackground(storeRoot: string): Promise<StoreHistory> {
  if (!existsSync(historyWorker)) return Promise.resolve().then(() => readStoreHistory(storeRoot));
  return new Promise((resolve) => {
    const worker = new Worker(historyWorker, { workerData: storeRoot, execArgv: [] });
    let done = false;
    worker.once('message', (history: StoreHistory) => {
      done = true;
      resolve(history);
    });
    // The history only adds release numbers and dates: without it a build falls back to version order.
    worker.once('error', () => resolve(readStoreHistory(storeRoot)));
    worker.once('exit', () => done || resolve(noHistory));
  });
}

const historyWorker = fileURLToPath(new URL('./_history-worker.js', import.meta.url));

/** The pull request number in a merge or squash subject, if any. */
export function prNumber(subject: string): number | undefined {
  const m = subject.match(/^Merge pull request #(\d+)\b/) ?? subject.match(/\(#(\d+)\)\s*$/);
  return m ? Number(m[1]) : undefined;
}

// --- internal ---

type FileChange = { status: string; from: string; to: string; path: string };
type LoggedCommit = { commit: HistoryCommit; files: FileChange[] };

const isDataFile = (p: string) => /^apps\/[^/]+\/(releases\/[^/]+|app)\.(ya?ml|json)$/.test(p);

function parseLog(text: string): LoggedCommit[] {
  const out: LoggedCommit[] = [];
  for (const chunk of text.split('\0')) {
    if (!chunk.trim()) continue;
    const [head = '', ...lines] = chunk.split('\n');
    const [sha = '', ct = '0', author = '', ...rest] = head.split('\t');
    const subject = rest.join('\t');
    const time = Number(ct);
    const commit: HistoryCommit = { sha, time, date: new Date(time * 1000).toISOString(), author, subject, pr: prNumber(subject) };
    const files: FileChange[] = [];
    for (const line of lines) {
      const m = line.match(/^:\d+ \d+ ([0-9a-f]+) ([0-9a-f]+) (\w)\d*\t(.+)$/);
      if (m) files.push({ from: m[1]!, to: m[2]!, status: m[3]!, path: unquote(m[4]!) });
    }
    out.push({ commit, files });
  }
  return out;
}

const unquote = (p: string) => (p.startsWith('"') ? (JSON.parse(p) as string) : p);

function readBlobs(ids: string[], git: (args: string[], input?: string) => ReturnType<typeof spawnSync>): Map<string, unknown> {
  const unique = [...new Set(ids)].filter((id) => !/^0+$/.test(id));
  const out = new Map<string, unknown>();
  if (!unique.length) return out;
  const r = git(['cat-file', '--batch'], unique.join('\n') + '\n');
  const buf = Buffer.from(r.stdout as string, 'utf8');
  let at = 0;
  while (at < buf.length) {
    const nl = buf.indexOf(10, at);
    if (nl < 0) break;
    const [id = '', type, size] = buf.subarray(at, nl).toString('utf8').split(' ');
    if (type === 'missing' || size === undefined) {
      at = nl + 1;
      continue;
    }
    const body = buf.subarray(nl + 1, nl + 1 + Number(size)).toString('utf8');
    at = nl + 1 + Number(size) + 1;
    try {
      out.set(id, parseYaml(body));
    } catch {
      // A broken file in history says nothing about rollouts or pins.
    }
  }
  return out;
}

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});

type ReleaseEvent = { kind: 'rollout'; version: string; from: Record<string, number>; to: Record<string, number> } | { kind: 'yanked' | 'unyanked'; version: string; reason?: string };

function releaseEvents(version: string, before: unknown, after: unknown): ReleaseEvent[] {
  const a = asObj(before);
  const b = asObj(after);
  const out: ReleaseEvent[] = [];
  const rollout = (o: Obj) => {
    const r: Record<string, number> = {};
    for (const c of Array.isArray(o.channels) ? (o.channels as unknown[]) : []) if (typeof c === 'string') r[c] = 100;
    for (const [c, v] of Object.entries(asObj(o.rollout))) if (typeof v === 'number') r[c] = v;
    return r;
  };
  const [ra, rb] = [rollout(a), rollout(b)];
  if (JSON.stringify(ra) !== JSON.stringify(rb)) out.push({ kind: 'rollout', version, from: ra, to: rb });
  if (Boolean(a.yanked) !== Boolean(b.yanked)) {
    out.push(b.yanked ? { kind: 'yanked', version, reason: typeof b.yankReason === 'string' ? b.yankReason : undefined } : { kind: 'unyanked', version });
  }
  return out;
}

type AppEvent = { kind: 'pinned'; channel: string; version: string } | { kind: 'unpinned'; channel: string } | { kind: 'locked' | 'unlocked' };

function appEvents(before: unknown, after: unknown): AppEvent[] {
  const a = asObj(before);
  const b = asObj(after);
  const out: AppEvent[] = [];
  const pa = asObj(a.pins);
  const pb = asObj(b.pins);
  for (const channel of [...new Set([...Object.keys(pa), ...Object.keys(pb)])].sort()) {
    if (pa[channel] === pb[channel]) continue;
    out.push(pb[channel] === undefined ? { kind: 'unpinned', channel } : { kind: 'pinned', channel, version: String(pb[channel]) });
  }
  if (Boolean(a.locked) !== Boolean(b.locked)) out.push({ kind: b.locked ? 'locked' : 'unlocked' });
  return out;
}
