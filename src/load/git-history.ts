import { Cache, type CacheArea } from '../cache/index.js';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { compiledWorker, startWorker } from '../util/worker-pool.js';
import { createRequire } from 'node:module';

/** A commit on the first-parent line of the store's branch (a merged pull request, or a direct push). */
type HistoryCommit = Readonly<{
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
  HistoryCommit &
    (
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
  /**
   * App folder → the history's clock at the newest commit touching it (its committer time, raised
   * to one second past the previous commit's clock on the first-parent line, so it only grows
   * whatever dates commits carry); absent when it has uncommitted changes.
   */
  appChangedAt: ReadonlyMap<string, number>;
  /**
   * App folder → the newest commit touching it, when the folder is exactly as that commit left it
   * (nothing modified, staged, untracked or ignored in it): the same commit means the same files.
   */
  appCommit: ReadonlyMap<string, string>;
  /** The history's clock at the newest commit touching store.yaml (0 if none). */
  storeChangedAt: number;
  /** App folders with uncommitted changes, and `*` when store.yaml has some. */
  dirty: ReadonlySet<string>;
}>;

/** The history of a store that is not a git checkout: everything falls back to version order. */
const noHistory: StoreHistory = {
  git: false,
  added: new Map(),
  events: new Map(),
  appChangedAt: new Map(),
  appCommit: new Map(),
  storeChangedAt: 0,
  dirty: new Set(),
};

/** Options of {@link readStoreHistory}. */
export interface HistoryOptions {
  /**
   * Folder of the history cache (`history.json`): what the log said up to a commit, so the next
   * run reads only the commits after it. Without it the whole log is read.
   */
  cacheDir?: string;
}

/**
 * Reads the store's history with `git log --first-parent --raw` over the store folder (only the
 * commits since the cached one, when the cache holds an ancestor on the first-parent line) and
 * one `git cat-file --batch` for the blobs of changed release and app files (to tell a rollout
 * change from a pin or a yank); what is uncommitted comes from `git status --untracked-files=no`
 * and `git ls-files --others`, run at the same time. Never one call per file.
 */
export async function readStoreHistory(storeRoot: string, opts: HistoryOptions = {}): Promise<StoreHistory> {
  const git = (args: string[], input?: string) => run(storeRoot, args, input);
  // One call: before the first commit, HEAD comes back as the word itself (and the call fails).
  const top = await git(['rev-parse', '--is-inside-work-tree', '--show-prefix', 'HEAD']);
  const [inside, prefix = '', sha = ''] = top.stdout.split('\n');
  if (inside !== 'true') return noHistory;
  const head = /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined;
  // `git status --untracked-files=all` took 4.5 s on a store of 100,000 files where these three together take 0.3 s.
  const pending = Promise.all([
    // Staged and unstaged changes of tracked files in one reading of the index (diff-files plus diff-index read it twice).
    git(['status', '--porcelain', '-z', '--untracked-files=no', '--no-renames', '--', '.']),
    // Untracked and ignored at once (one walk of the tree); which of them are ignored is asked only when there are some.
    git(['ls-files', '-z', '--others', '--directory', '--', '.']),
  ]);
  const cache = opts.cacheDir ? new Cache(opts.cacheDir).area('history') : undefined;
  const state = head ? await logState(git, head, prefix, cache) : emptyState();
  const [changed, others] = await pending;
  const dirty = new Set<string>();
  const unclean = new Set<string>();
  const mark = (rel: string, set: Set<string>) => {
    const app = rel.match(/^apps\/([^/]+)(\/|$)/)?.[1];
    if (app) set.add(app);
    // `./`: the store folder itself is not tracked at all.
    else if (set === dirty && (/^store\.(ya?ml|json)$/.test(rel) || rel === './')) dirty.add('*');
  };
  // `XY path`, the path from the top of the repository.
  for (const entry of changed.stdout.split('\0')) {
    const rel = entry.slice(3);
    if (rel.startsWith(prefix)) mark(rel.slice(prefix.length), dirty);
  }
  const untracked = others.stdout.split('\0').filter(Boolean);
  for (const rel of untracked) mark(rel, unclean);
  if (untracked.length) {
    const notIgnored = await git(['ls-files', '-z', '--others', '--exclude-standard', '--directory', '--', '.']);
    for (const rel of notIgnored.stdout.split('\0')) mark(rel, dirty);
  }
  const commits = state.commits;
  const appChangedAt = new Map<string, number>();
  const appCommit = new Map<string, string>();
  for (const [app, i] of Object.entries(state.appChanged)) {
    if (dirty.has(app)) continue;
    appChangedAt.set(app, clockAt(state, i));
    if (!unclean.has(app)) appCommit.set(app, commits[i]!.sha);
  }
  const events = new Map<string, HistoryEvent[]>();
  return {
    git: true,
    // Views made on access: a build that checks one app looks up ~20 of the 20,000 releases of a large store.
    added: new ComputedMap(
      () => Object.keys(state.apps).flatMap((app) => Object.keys(appLog(state, app)!.added)),
      (rel) => {
        const i = appLog(state, rel.split('/')[1] ?? '')?.added[rel];
        return i === undefined ? undefined : commits[i];
      },
    ),
    events: new ComputedMap(
      () => Object.keys(state.apps).filter((app) => appLog(state, app)!.events.length),
      (app) => {
        const list = appLog(state, app)?.events;
        if (!list?.length) return undefined;
        let made = events.get(app);
        if (!made) events.set(app, (made = list.map(({ c, ...e }) => ({ ...commits[c]!, ...e }) as HistoryEvent)));
        return made;
      },
    ),
    appChangedAt,
    appCommit,
    storeChangedAt: state.storeChanged === undefined ? 0 : clockAt(state, state.storeChanged),
    dirty,
  };
}

/**
 * {@link readStoreHistory} in a worker thread, so parsing a long log runs on another core while
 * the caller loads and checks the store. In this thread when there is a cache to continue from
 * (only the newest commits are parsed, and git runs in other processes anyway: starting a worker
 * would cost more) or when the compiled worker is not there (TypeScript sources run directly).
 */
export function readStoreHistoryInBackground(storeRoot: string, opts: HistoryOptions = {}): Promise<StoreHistory> {
  if (!historyWorker || (opts.cacheDir && existsSync(new Cache(opts.cacheDir).area('history').path(HISTORY_FILE)!)))
    return readStoreHistory(storeRoot, opts);
  return new Promise((resolve) => {
    const worker = startWorker(historyWorker, { workerData: { storeRoot, opts } });
    let done = false;
    worker.once('message', (history: StoreHistory) => {
      done = true;
      resolve(history);
    });
    // The history only adds release numbers and dates: without it a build falls back to version order.
    worker.once('error', () => resolve(readStoreHistory(storeRoot, opts)));
    worker.once('exit', () => done || resolve(noHistory));
  });
}

const historyWorker = compiledWorker(new URL('./_history-worker.js', import.meta.url));

/** The pull request number in a merge or squash subject, if any. */
function prNumber(subject: string): number | undefined {
  const m = subject.match(/^Merge pull request #(\d+)\b/) ?? subject.match(/\(#(\d+)\)\s*$/);
  return m ? Number(m[1]) : undefined;
}

/** The same history with plain maps (views are not structured-cloneable: a worker posts this). */
export const plainHistory = (h: StoreHistory): StoreHistory => ({ ...h, added: new Map(h.added), events: new Map(h.events) });

// --- internal ---

/** A read-only map whose values are looked up (or made) when asked for. */
class ComputedMap<V> implements ReadonlyMap<string, V> {
  readonly #keys: () => string[];
  readonly #get: (key: string) => V | undefined;

  constructor(keys: () => string[], get: (key: string) => V | undefined) {
    this.#keys = keys;
    this.#get = get;
  }

  get(key: string): V | undefined {
    return this.#get(key);
  }

  has(key: string): boolean {
    return this.#get(key) !== undefined;
  }

  get size(): number {
    return this.#keys().length;
  }

  *entries(): MapIterator<[string, V]> {
    for (const k of this.#keys()) yield [k, this.#get(k)!];
  }

  *keys(): MapIterator<string> {
    yield* this.#keys();
  }

  *values(): MapIterator<V> {
    for (const k of this.#keys()) yield this.#get(k)!;
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    for (const [k, v] of this.entries()) callback(v, k, this);
  }
}

type GitRun = (args: string[], input?: string) => Promise<{ status: number | null; stdout: string }>;

/** Runs git asynchronously (several at once), never taking optional locks: a build only reads the repository. */
function run(cwd: string, args: string[], input?: string): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn('git', args, { cwd, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' }, stdio: ['pipe', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.once('error', () => resolve({ status: null, stdout: '' }));
    child.once('close', (status) => resolve({ status, stdout: Buffer.concat(chunks).toString('utf8') }));
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/**
 * What the log says, folded commit by commit, in a form JSON keeps: commits by index, so the
 * 20,000 releases added by one commit do not repeat it 20,000 times in the cache.
 */
interface LogState {
  commits: HistoryCommit[];
  /**
   * App folder → its log, or that log's JSON text as the cache holds it: parsed only when the app
   * is looked up (a one-release build looks up one of a thousand apps; parsing them all took a
   * third of a second).
   */
  apps: Record<string, AppLog | string>;
  /** App folder → index of the newest commit touching it. */
  appChanged: Record<string, number>;
  storeChanged?: number;
  /**
   * The clock of each commit (by index): its committer time, but at least one second past the
   * previous commit's clock. Serials come from it: a commit dated in the past (a rebase, a wrong
   * clock) must not lower the serial of what it changes below one already published.
   */
  clock: number[];
}

const clockAt = (state: LogState, i: number) => state.clock[i] ?? state.commits[i]!.time;

interface AppLog {
  /** Release file → index of the commit that added it. */
  added: Record<string, number>;
  events: (Record<string, unknown> & { c: number })[];
}

/** An app's log, parsed from the cache's text on first use; made empty when `create` is set. */
function appLog(state: LogState, app: string, create = false): AppLog | undefined {
  const v = state.apps[app];
  if (typeof v === 'string') return (state.apps[app] = JSON.parse(v) as AppLog);
  if (!v && create) return (state.apps[app] = { added: {}, events: [] });
  return v;
}

interface HistoryCache {
  version: number;
  /** The store folder inside the repository: the same cache must not serve another one. */
  prefix: string;
  head: string;
  state: LogState;
}

const CACHE_VERSION = 5;

const emptyState = (): LogState => ({ commits: [], apps: {}, appChanged: {}, clock: [] });

async function logState(git: GitRun, head: string, prefix: string, cacheFile: CacheArea | undefined): Promise<LogState> {
  const cached = cacheFile ? readCache(cacheFile, prefix) : undefined;
  if (cached?.head === head) return cached.state;
  const args = [
    'log',
    '--first-parent',
    '--diff-merges=first-parent',
    '--reverse',
    '--relative',
    '--raw',
    '--no-abbrev',
    '--no-renames',
    '--format=%x00%H%x09%P%x09%ct%x09%an%x09%s',
  ];
  let state = emptyState();
  let changes: LoggedCommit[] | undefined;
  if (cached) {
    const log = await git([...args, `${cached.head}..${head}`, '--', '.']);
    const more = log.status === 0 ? parseLog(log.stdout) : [];
    // Only a continuation of the cached line: after a rebase or a reset, read the whole log again.
    if (more.length && more[0]!.parent === cached.head) {
      state = cached.state;
      changes = more;
    }
  }
  if (!changes) {
    const log = await git([...args, '--', '.']);
    if (log.status !== 0) return state;
    changes = parseLog(log.stdout);
  }
  const blobs = await readBlobs(
    changes.flatMap((c) => c.files.filter((f) => f.status === 'M' && isDataFile(f.path)).flatMap((f) => [f.from, f.to])),
    git,
  );
  fold(state, changes, blobs);
  if (cacheFile) {
    // Logs not looked at are written back as the very text they were read as.
    const apps = Object.fromEntries(
      Object.entries(state.apps).map(([app, log]) => [app, typeof log === 'string' ? log : JSON.stringify(log)]),
    );
    writeCache(cacheFile, { version: CACHE_VERSION, prefix, head, state: { ...state, apps } });
  }
  return state;
}

function fold(state: LogState, changes: readonly LoggedCommit[], blobs: ReadonlyMap<string, unknown>): void {
  const push = (app: string, e: Record<string, unknown> & { c: number }) => appLog(state, app, true)!.events.push(e);
  for (const { commit, files } of changes) {
    const c = state.commits.push(commit) - 1;
    state.clock[c] = Math.max(commit.time, (state.clock[c - 1] ?? 0) + 1);
    for (const f of files) {
      if (/^store\.(ya?ml|json)$/.test(f.path)) state.storeChanged = c;
      const m = f.path.match(/^apps\/([^/]+)\/(?:releases\/(.+)\.(?:ya?ml|json)|app\.(?:ya?ml|json))$/);
      const app = f.path.match(/^apps\/([^/]+)\//)?.[1];
      if (app) state.appChanged[app] = c;
      if (!m) continue;
      const [, folder, version] = m as unknown as [string, string, string | undefined];
      if (version !== undefined) {
        const added = appLog(state, folder, true)!.added;
        if (f.status === 'A' && added[f.path] === undefined) {
          added[f.path] = c;
          push(folder, { c, kind: 'released', version });
        } else if (f.status === 'M') {
          for (const e of releaseEvents(version, blobs.get(f.from), blobs.get(f.to))) push(folder, { c, ...e });
        }
      } else if (f.status === 'M') {
        for (const e of appEvents(blobs.get(f.from), blobs.get(f.to))) push(folder, { c, ...e });
      }
    }
  }
}

/** The history's file in its cache folder. */
const HISTORY_FILE = 'history.json';

function readCache(area: CacheArea, prefix: string): HistoryCache | undefined {
  const data = area.readJson<HistoryCache>(HISTORY_FILE);
  return data?.version === CACHE_VERSION && data.prefix === prefix && typeof data.head === 'string' && data.state ? data : undefined;
}

// Not kept: the next run reads the whole log again.
function writeCache(area: CacheArea, cache: HistoryCache): void {
  area.write(HISTORY_FILE, JSON.stringify(cache));
}

type FileChange = { status: string; from: string; to: string; path: string };
type LoggedCommit = { commit: HistoryCommit; parent?: string; files: FileChange[] };

const isDataFile = (p: string) => /^apps\/[^/]+\/(releases\/[^/]+|app)\.(ya?ml|json)$/.test(p);

function parseLog(text: string): LoggedCommit[] {
  const out: LoggedCommit[] = [];
  for (const chunk of text.split('\0')) {
    if (!chunk.trim()) continue;
    const [head = '', ...lines] = chunk.split('\n');
    const [sha = '', parents = '', ct = '0', author = '', ...rest] = head.split('\t');
    const subject = rest.join('\t');
    const time = Number(ct);
    const commit: HistoryCommit = { sha, time, date: new Date(time * 1000).toISOString(), author, subject, pr: prNumber(subject) };
    const files: FileChange[] = [];
    for (const line of lines) {
      const m = line.match(/^:\d+ \d+ ([0-9a-f]+) ([0-9a-f]+) (\w)\d*\t(.+)$/);
      if (m) files.push({ from: m[1]!, to: m[2]!, status: m[3]!, path: unquote(m[4]!) });
    }
    out.push({ commit, parent: parents.split(' ')[0] || undefined, files });
  }
  return out;
}

const unquote = (p: string) => (p.startsWith('"') ? (JSON.parse(p) as string) : p);

// yaml is loaded only when a log has changed release files to compare (not on a build that found its history in the cache).
const parseYaml = (): ((text: string) => unknown) => (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse;

async function readBlobs(ids: string[], git: GitRun): Promise<Map<string, unknown>> {
  const unique = [...new Set(ids)].filter((id) => !/^0+$/.test(id));
  const out = new Map<string, unknown>();
  if (!unique.length) return out;
  const r = await git(['cat-file', '--batch'], unique.join('\n') + '\n');
  const buf = Buffer.from(r.stdout, 'utf8');
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
      out.set(id, parseYaml()(body));
    } catch {
      // A broken file in history says nothing about rollouts or pins.
    }
  }
  return out;
}

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});

type ReleaseEvent =
  | { kind: 'rollout'; version: string; from: Record<string, number>; to: Record<string, number> }
  | { kind: 'yanked' | 'unyanked'; version: string; reason?: string };

function releaseEvents(version: string, before: unknown, after: unknown): ReleaseEvent[] {
  const a = asObj(before);
  const b = asObj(after);
  const out: ReleaseEvent[] = [];
  const rollout = (o: Obj) => {
    const r: Record<string, number> = {};
    for (const c of Array.isArray(o.channels) ? (o.channels as unknown[]) : []) if (typeof c === 'string') r[c] = 100;
    for (const [c, v] of Object.entries(asObj(o.rollout))) if (typeof v === 'number') r[c] = v;
    // A per-platform override is a rollout change too, keyed "channel os [architecture] [format] [ranges]".
    for (const p of Array.isArray(o.platformRollout) ? (o.platformRollout as unknown[]) : []) {
      const x = asObj(p);
      const key = [x.channel, x.os, x.architecture, x.format, x.osversion, x.appversion].filter((v) => typeof v === 'string').join(' ');
      if (typeof x.percent === 'number' && typeof x.channel === 'string') r[key] = x.percent;
    }
    return r;
  };
  const [ra, rb] = [rollout(a), rollout(b)];
  if (JSON.stringify(ra) !== JSON.stringify(rb)) out.push({ kind: 'rollout', version, from: ra, to: rb });
  if (Boolean(a.yanked) !== Boolean(b.yanked)) {
    out.push(
      b.yanked
        ? { kind: 'yanked', version, reason: typeof b.yankReason === 'string' ? b.yankReason : undefined }
        : { kind: 'unyanked', version },
    );
  }
  return out;
}

type AppEvent =
  { kind: 'pinned'; channel: string; version: string } | { kind: 'unpinned'; channel: string } | { kind: 'locked' | 'unlocked' };

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
