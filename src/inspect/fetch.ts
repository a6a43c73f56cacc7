import { cacheOf, type Cache } from '../cache/index.js';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { diag, Errors, type Diagnostic } from '../errors/index.js';
import type { ResolvedEntry, ResolvedStore } from '../resolve/index.js';
import type { Address } from './_address.js';
import { mapLimit } from './_map-limit.js';
import { MeterExceeded, writeMetered } from '../util/metered-write.js';

/** Remote archives downloaded into the cache, by URL → absolute path of the verified (sha256) copy. */
export interface FetchReport {
  diagnostics: Diagnostic[];
  downloaded: ReadonlyMap<string, string>;
}

/** Options of {@link fetchRemoteArchives}. */
export interface FetchOptions {
  /** The run's cache (src/cache), or its folder: downloads go to `<cacheDir>/downloads/<sha256>`. */
  cache: Cache | string;
  /** Use only archives already in the cache and download nothing (`check` without `--fetch`). @default false */
  offline?: boolean;
}

/**
 * Downloads every `url` entry of the store into `<cacheDir>/downloads/` (https only, size cap,
 * timeout, no private addresses unless the store allows them) and checks its size and sha256
 * before anything else reads it. A verified file is kept under its sha256, so later runs reuse
 * it without downloading again. Failures are reported without the network details behind them.
 */
export async function fetchRemoteArchives(store: ResolvedStore, opts: FetchOptions): Promise<FetchReport> {
  const byUrl = new Map<string, ResolvedEntry[]>();
  for (const app of store.apps) {
    for (const release of app.releases) {
      for (const entry of release.entries) {
        if (entry.url !== undefined) byUrl.set(entry.url, [...(byUrl.get(entry.url) ?? []), entry]);
      }
    }
  }
  const downloaded = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  if (byUrl.size === 0) return { diagnostics, downloaded };
  const dir = cacheOf(opts.cache).area('downloads').dir ?? path.resolve('.appshelf-cache', 'downloads');
  if (!opts.offline) await mkdir(dir, { recursive: true });

  await mapLimit([...byUrl], CONCURRENCY, async ([url, entries]) => {
    const first = entries[0]!;
    const outcome = await fetchOne(store, url, first, dir, opts.offline ?? false);
    if ('problem' in outcome) {
      diagnostics.push(outcome.problem);
      return;
    }
    if (outcome.file === undefined) return;
    downloaded.set(url, outcome.file);
    // Several entries may name one URL; each must describe the same bytes.
    for (const other of entries.slice(1)) {
      if (other.size !== first.size)
        diagnostics.push(diag(Errors.FetchSizeMismatch, [other.fileName, String(first.size), other.size], other.at));
      else if (other.sha256 !== first.sha256)
        diagnostics.push(diag(Errors.FetchSha256Mismatch, [other.fileName, first.sha256, other.sha256], other.at));
    }
  });
  return { diagnostics, downloaded };
}

// --- internal ---

const CONCURRENCY = 4;
const MAX_REDIRECTS = 5;

/** Why a download was refused; turned into one catalog diagnostic, never into the underlying network error. */
type Refusal =
  | { kind: 'not-https' | 'bad-url' | 'blocked' | 'too-large' | 'failed' }
  | { kind: 'status'; status: number }
  | { kind: 'size'; actual: string };

class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.kind);
  }
}

type Outcome = { file?: string } | { problem: Diagnostic };

async function fetchOne(store: ResolvedStore, url: string, entry: ResolvedEntry, dir: string, offline: boolean): Promise<Outcome> {
  const target = path.join(dir, entry.sha256);
  if (await isCached(target, entry)) return { file: target };
  if (offline) return {};
  const name = entry.fileName;
  const { maxSize, timeoutSeconds } = store.fetch;
  const tmp = path.join(dir, `.part-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    if (entry.size > maxSize) throw new Refused({ kind: 'too-large' });
    const got = await download(new URL(url), tmp, store.fetch, entry.size);
    if (got.size !== entry.size) throw new Refused({ kind: 'size', actual: String(got.size) });
    if (got.sha256 !== entry.sha256) return { problem: diag(Errors.FetchSha256Mismatch, [name, got.sha256, entry.sha256], entry.at) };
    await rename(tmp, target);
    return { file: target };
  } catch (e) {
    const r: Refusal = e instanceof Refused ? e.refusal : { kind: 'failed' };
    switch (r.kind) {
      case 'not-https':
        return { problem: diag(Errors.FetchNotHttps, [name], entry.at) };
      case 'bad-url':
        return { problem: diag(Errors.FetchBadUrl, [name], entry.at) };
      case 'blocked':
        return { problem: diag(Errors.FetchBlockedAddress, [name], entry.at) };
      case 'too-large':
        return { problem: diag(Errors.FetchTooLarge, [name, maxSize], entry.at) };
      case 'status':
        return { problem: diag(Errors.FetchHttpStatus, [name, r.status], entry.at) };
      case 'size':
        return { problem: diag(Errors.FetchSizeMismatch, [name, r.actual, entry.size], entry.at) };
      case 'failed':
        return { problem: diag(Errors.FetchFailed, [name, timeoutSeconds], entry.at) };
    }
  } finally {
    await rm(tmp, { force: true });
  }
}

/** A cached copy counts only if it still has the recorded size and sha256; anything else is removed. */
async function isCached(file: string, entry: ResolvedEntry): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  if (!info) return false;
  if (info.isFile() && info.size === entry.size) {
    const hash = createHash('sha256');
    await pipeline(createReadStream(file), hash);
    if (hash.digest('hex') === entry.sha256) return true;
  }
  await rm(file, { force: true, recursive: true });
  return false;
}

interface Limits {
  allowHttp: boolean;
  allowLoopback: boolean;
  maxSize: number;
  timeoutSeconds: number;
}

/** Follows at most {@link MAX_REDIRECTS} redirects, checking every hop, and streams the body to `file`. */
async function download(start: URL, file: string, limits: Limits, expectedSize: number): Promise<{ size: number; sha256: string }> {
  // The network modules load only when something is downloaded: most builds find every archive in the cache.
  const { checkedAddresses } = await import('./_address.js');
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limits.timeoutSeconds * 1000);
  try {
    let url = start;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && limits.allowHttp)) throw new Refused({ kind: 'not-https' });
      if (url.username || url.password || !url.hostname) throw new Refused({ kind: 'bad-url' });
      const addresses = await abortable(checkedAddresses(url.hostname, limits.allowLoopback), controller.signal);
      if (addresses === 'blocked') throw new Refused({ kind: 'blocked' });
      const res = await get(url, addresses, controller.signal);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location) {
        res.resume();
        url = new URL(location, url);
        continue;
      }
      if (status !== 200) {
        res.resume();
        throw new Refused({ kind: 'status', status });
      }
      const announced = Number(res.headers['content-length']);
      if (announced > limits.maxSize) {
        res.destroy();
        throw new Refused({ kind: 'too-large' });
      }
      return await saveBody(res, file, limits.maxSize, expectedSize);
    }
    throw new Refused({ kind: 'failed' });
  } finally {
    clearTimeout(timer);
  }
}

/** One GET that connects only to the addresses already checked for `url`'s host. */
async function get(url: URL, addresses: readonly Address[], signal: AbortSignal): Promise<IncomingMessage> {
  const { default: client } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise((resolve, reject) => {
    const req = client.request(url, {
      method: 'GET',
      headers: { 'user-agent': 'appshelf', accept: '*/*', 'accept-encoding': 'identity' },
      signal,
      // No pooled sockets: each download connects afresh to the checked address.
      agent: false,
      // Connect to the checked address, whatever a second DNS answer would say (no rebinding).
      lookup: (_host, options, callback) => {
        if (options.all)
          callback(
            null,
            addresses.map((a) => ({ address: a.address, family: a.family })),
          );
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
    });
    req.on('response', resolve);
    req.on('error', reject);
    req.end();
  });
}

async function saveBody(
  res: IncomingMessage,
  file: string,
  maxSize: number,
  expectedSize: number,
): Promise<{ size: number; sha256: string }> {
  try {
    return await writeMetered(res, file, { maxSize, expectedSize });
  } catch (e) {
    // More bytes than the release says: the file is not the released one, reading stopped there.
    if (e instanceof MeterExceeded)
      throw new Refused(e.limit === 'limit' ? { kind: 'too-large' } : { kind: 'size', actual: `more than ${expectedSize}` });
    throw e;
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
