import { readdirSync, rmSync, watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { diag, Errors, formatText, StoreError, type Diagnostic } from '../errors/index.js';
import { displayPath } from '../util/paths.js';
import { AusQueryError, matchQuery, matchUpdate } from './aus-match.js';
import { ausDefaults, parseQuery, pathRouteQuery, type QueryValue } from './aus-query.js';
import { dropSnapshot, loadSite, type MemoryBody, type MemoryFile, type Site, type SiteOptions } from './site.js';
import { isRunning } from '../util/process.js';

/** Options of {@link createStoreServer}. */
export interface StoreServerOptions extends SiteOptions {
  /** Reload when a build swaps the folder (it watches the parent folder for the rename). @default false */
  watch?: boolean;
  /** Where reloads and load problems are reported. @default nothing */
  log?: (line: string) => void;
  /** Time allowed to receive request headers (slow clients get 408). @default 10000 */
  headersTimeout?: number;
  /** Time allowed to receive a whole request. @default 30000 */
  requestTimeout?: number;
  /** Idle time before a keep-alive connection is closed. @default 5000 */
  keepAliveTimeout?: number;
  /** How often connections are checked against the two timeouts above. @default 1000 */
  connectionsCheckingInterval?: number;
  /** Longest request target accepted; longer ones get 414. @default 8192 */
  maxUrlLength?: number;
  /**
   * Hardlink the streamed files of each loaded build into `<dir>.serve-<pid>/` (removed when the
   * build is retired and on close), so downloads survive a build deleting the previous folder.
   * @default true
   */
  snapshots?: boolean;
}

// Snapshot folders of servers that were killed: `<dir>.serve-<pid>` whose process is gone.
function removeStaleSnapshots(root: string): void {
  const parent = path.dirname(root);
  const prefix = `${path.basename(root)}.serve-`;
  let names: string[] = [];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = name.startsWith(prefix) ? Number(name.slice(prefix.length)) : NaN;
    if (Number.isInteger(pid) && pid !== process.pid && !isRunning(pid)) rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

/** A running (or ready to run) store server. */
export interface StoreServer {
  /** The node:http server; `listen` it, or call {@link StoreServer.listen}. */
  readonly server: http.Server;
  /** The build currently answering requests. */
  readonly site: Site;
  /** Starts listening; resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  /** Loads the folder again and switches to it in one step; keeps the current build on failure. */
  reload(): Promise<Site>;
  /** Stops accepting connections, lets requests in flight finish (up to `graceMs`), then resolves. */
  close(graceMs?: number): Promise<void>;
}

const NO_UPDATES_HTML = Buffer.from('No updates.');
const NO_UPDATES_JSON = Buffer.from('{"error":"No updates."}');
const ALLOW = 'GET, HEAD, OPTIONS';

function sendJson(res: http.ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': body.byteLength,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    ...extra,
  });
  res.end(body);
}

function sendText(res: http.ServerResponse, status: number, body: Buffer | string, type = 'text/plain; charset=utf-8'): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': bytes.byteLength, 'Cache-Control': 'no-cache' });
  res.end(bytes);
}

const sendError = (res: http.ServerResponse, status: number, d: Diagnostic | string, extra?: Record<string, string>) =>
  sendJson(res, status, typeof d === 'string' ? { error: d } : { error: d.message, code: d.code }, extra);

// --- conditional and range requests for files held in memory ---

function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const weak = (t: string) => t.trim().replace(/^W\//, '');
  const mine = weak(etag);
  return header.split(',').some((t) => weak(t) === mine);
}

function isNotModified(req: http.IncomingMessage, rep: MemoryBody): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) return etagMatches(inm, rep.etag);
  const ims = req.headers['if-modified-since'];
  if (ims === undefined) return false;
  const t = Date.parse(ims);
  return !Number.isNaN(t) && rep.mtimeSeconds <= Math.floor(t / 1000);
}

/** A single satisfiable byte range, `'unsatisfiable'`, or undefined to send the whole body. */
function byteRange(req: http.IncomingMessage, rep: MemoryBody): [number, number] | 'unsatisfiable' | undefined {
  const header = req.headers.range;
  if (!header) return undefined;
  const ifRange = req.headers['if-range'];
  if (ifRange !== undefined && ifRange !== rep.etag) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined; // multiple or malformed ranges: ignored (RFC 9110 allows it)
  const size = rep.body.byteLength;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return [start, end];
}

function serveMemory(req: http.IncomingMessage, res: http.ServerResponse, file: MemoryFile): void {
  const accept = req.headers['accept-encoding'];
  const rep = (accept && ((file.br && /\bbr\b/.test(accept) && file.br) || (file.gzip && accept.includes('gzip') && file.gzip))) || file.identity;
  if (isNotModified(req, rep)) {
    res.writeHead(304, { ETag: rep.etag, 'Cache-Control': rep.headers['Cache-Control']!, Vary: 'Accept-Encoding', 'Last-Modified': rep.headers['Last-Modified']! });
    res.end();
    return;
  }
  const range = req.method === 'GET' ? byteRange(req, rep) : undefined;
  if (range === 'unsatisfiable') {
    res.writeHead(416, { 'Content-Range': `bytes */${rep.body.byteLength}`, 'Content-Length': 0 });
    res.end();
  } else if (range) {
    const [start, end] = range;
    res.writeHead(206, { ...rep.headers, 'Content-Length': end - start + 1, 'Content-Range': `bytes ${start}-${end}/${rep.body.byteLength}` });
    res.end(rep.body.subarray(start, end + 1));
  } else {
    res.writeHead(200, rep.headers);
    res.end(req.method === 'HEAD' ? undefined : rep.body);
  }
}

// sirv reads any name ending in .gz or .br as a precompressed copy of the name without it, and
// would send an archive such as app.tar.gz as `Content-Encoding: gzip` of an untyped "app.tar":
// HTTP clients would then unpack it and its sha256 would no longer match. A file asked for by
// its own .gz/.br name is sent as the file it is.
const ARCHIVE_SUFFIX = /\.(gz|br)$/i;
function sendAsFile(res: http.ServerResponse, sitePath: string): void {
  const type = sitePath.toLowerCase().endsWith('.gz') ? 'application/gzip' : 'application/octet-stream';
  const writeHead = res.writeHead.bind(res) as (status: number, headers?: http.OutgoingHttpHeaders) => http.ServerResponse;
  res.writeHead = ((status: number, headers?: http.OutgoingHttpHeaders) => {
    if (headers) {
      delete headers['Content-Encoding'];
      headers['Content-Type'] = type;
    }
    return writeHead(status, headers);
  }) as typeof res.writeHead;
}

// sirv understands one `bytes=start-end` range and misreads the rest (a suffix range, start after
// end, several ranges): rewrite the suffix form, answer 416 for an empty one, drop what it cannot
// do (RFC 9110 lets a server ignore Range) and a Range whose If-Range no longer holds.
function prepareRange(req: http.IncomingMessage, res: http.ServerResponse, size: number, etag: string): boolean {
  const header = req.headers.range;
  if (header === undefined) return true;
  const ifRange = req.headers['if-range'];
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if ((ifRange !== undefined && ifRange !== etag) || !m || (m[1] === '' && m[2] === '')) {
    delete req.headers.range;
    return true;
  }
  const start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1]);
  const end = m[1] === '' || m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || start > end) {
    res.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Content-Length': 0 });
    res.end();
    return false;
  }
  // sirv reads an end of 0 as "to the end": send the whole file (200) rather than a mislabelled 206.
  if (end === 0) delete req.headers.range;
  else req.headers.range = `bytes=${start}-${end}`;
  return true;
}

// --- routes ---

const UPDATE = /^\/update\/?$/i;
const UPDATE_JSON = /^\/update\.json\/?$/i;
// Express's `/update/:architecture/:os/:osversion/:app/:appversion/:channel`, non-strict.
const UPDATE_PATH = /^\/update\/([^/]+?)\/([^/]+?)\/([^/]+?)\/([^/]+?)\/([^/]+?)\/([^/]+?)\/?$/i;

function decodePath(raw: string): string | undefined {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/**
 * Creates the store server for a built site: small files from memory, everything else through
 * sirv, `/update`, `/update.json` and the deprecated path route answered from the update index,
 * `/healthz`, and `/`. Loads the site before resolving; never touches process signals.
 */
export async function createStoreServer(dir: string, opts: StoreServerOptions = {}): Promise<StoreServer> {
  const root = path.resolve(dir);
  const log = opts.log ?? (() => {});
  const report = (d: Diagnostic) => log(formatText(d));
  const snapshotDir = opts.snapshots === false ? undefined : `${root}.serve-${process.pid}`;
  if (snapshotDir) removeStaleSnapshots(root);
  const siteOptions: SiteOptions = { ...opts, snapshotDir };
  let site = await loadSite(root, siteOptions);
  site.diagnostics.forEach(report);
  // Streaming requests per build, so a replaced build's snapshot goes once its last download ends.
  const streaming = new Map<Site, number>();
  const retired = new Set<Site>();
  const retire = (old: Site) => {
    if (old === site) return;
    if (streaming.get(old)) retired.add(old);
    else dropSnapshot(old);
  };
  const hold = (s: Site) => void streaming.set(s, (streaming.get(s) ?? 0) + 1);
  const release = (s: Site) => {
    const left = streaming.get(s)! - 1;
    if (left) return void streaming.set(s, left);
    streaming.delete(s);
    if (retired.delete(s)) dropSnapshot(s);
  };
  let closing = false;
  let reloading: Promise<Site> | undefined;
  let reloadAgain = false;

  // Stream a file sirv knows, after checking it is still the file this build listed: a later
  // build may have removed or replaced it, and sirv would fail mid-response.
  async function serveDisk(req: http.IncomingMessage, res: http.ServerResponse, from: Site, sitePath: string, notFound: () => void): Promise<void> {
    let current = from;
    // Held from the start, so a reload cannot drop this build's snapshot while the request checks it.
    hold(current);
    res.once('close', () => release(current));
    for (let attempt = 0; attempt < 5; attempt++) {
      const known = current.disk.get(sitePath);
      if (!known) return notFound();
      const st = await stat(known.abs).catch(() => undefined);
      if (st && st.size === known.size && st.mtimeMs === known.mtimeMs) {
        if (!prepareRange(req, res, known.size, `W/"${known.size}-${Math.trunc(known.mtimeMs)}"`)) return;
        // Last resort if the file vanishes between the check and sirv's open: end the response.
        res.once('pipe', (src: NodeJS.ReadableStream) => src.once('error', () => res.destroy()));
        if (ARCHIVE_SUFFIX.test(sitePath)) sendAsFile(res, sitePath);
        current.sirv(req, res, notFound);
        return;
      }
      // Without snapshots, the file changed under this build: a new build was (or is being)
      // swapped in. Load it (one reload for all such requests) and try there.
      await (reloading ?? (current === site ? reload() : undefined));
      if (current === site) await new Promise((r) => setTimeout(r, 25 * (attempt + 1)));
      hold(site);
      release(current);
      current = site;
    }
    notFound();
  }

  function health(res: http.ServerResponse, s: Site): void {
    sendJson(res, 200, {
      status: closing ? 'stopping' : 'ok',
      store: s.updates.index.store,
      build: { id: s.buildId, builtAt: s.builtAt, loadedAt: s.loadedAt, files: s.files, memoryBytes: s.memoryBytes, updates: s.updates.entries },
    });
  }

  // `search` is the raw query string of /update and /update.json; the path route passes its params.
  function update(req: http.IncomingMessage, res: http.ServerResponse, s: Site, search: string | Record<string, QueryValue>, asJson: boolean): void {
    let found;
    try {
      found = typeof search === 'string' ? matchQuery(s.updates, search, (q) => ausDefaults(parseQuery(q))) : matchUpdate(s.updates, ausDefaults(search));
    } catch (e) {
      if (e instanceof AusQueryError) return sendError(res, 400, e.diagnostic);
      throw e;
    }
    if (asJson) {
      if (!found) return sendText(res, 404, NO_UPDATES_JSON, 'application/json; charset=utf-8');
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': found.json.byteLength, 'Cache-Control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : found.json);
      return;
    }
    if (!found) return sendText(res, 404, NO_UPDATES_HTML, 'text/html; charset=utf-8');
    const { entry } = found;
    if (!entry.path) {
      // A remote archive: the client downloads it from where the release file says it lives.
      res.writeHead(302, { Location: entry.url, 'Content-Length': 0, 'Cache-Control': 'no-cache' });
      res.end();
      return;
    }
    const sitePath = `/${entry.path}`;
    res.setHeader('Content-Disposition', `attachment; filename="${entry.fileName.replace(/["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(entry.fileName)}`);
    res.setHeader('Cache-Control', 'no-cache');
    // sirv serves by URL: point the request at the archive (and never at a precompressed copy).
    req.url = sitePath.split('/').map(encodeURIComponent).join('/');
    delete req.headers['accept-encoding'];
    void serveDisk(req, res, s, sitePath, () => {
      res.removeHeader('Content-Disposition');
      sendText(res, 404, NO_UPDATES_HTML, 'text/html; charset=utf-8');
    });
  }

  function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const s = site; // one build per request, whatever a reload does meanwhile
    if (closing) res.shouldKeepAlive = false;
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      if (method === 'OPTIONS') {
        res.writeHead(204, { Allow: ALLOW });
        return void res.end();
      }
      return sendError(res, 405, `Method ${method} is not allowed; this server answers ${ALLOW}.`, { Allow: ALLOW });
    }
    const url = req.url ?? '/';
    if (url.length > (opts.maxUrlLength ?? 8192)) return sendError(res, 414, `The request target is longer than ${opts.maxUrlLength ?? 8192} characters.`);
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    if (!rawPath.startsWith('/')) return sendError(res, 400, 'The request target must be a path starting with "/".');
    const search = q < 0 ? '' : url.slice(q + 1);

    if (UPDATE_JSON.test(rawPath)) return update(req, res, s, search, true);
    if (UPDATE.test(rawPath)) return update(req, res, s, search, false);
    if (rawPath === '/healthz') return health(res, s);

    const sitePath = decodePath(rawPath);
    if (sitePath === undefined) return sendError(res, 400, 'The request path has a malformed %-escape.');
    const file = sitePath.endsWith('/') ? s.memory.get(`${sitePath}index.html`) : s.memory.get(sitePath) ?? s.memory.get(`${sitePath}.html`);
    if (file) return serveMemory(req, res, file);

    const legacy = UPDATE_PATH.exec(rawPath);
    if (legacy && !s.disk.has(sitePath)) {
      const params = legacy.slice(1).map(decodePath);
      if (params.some((p) => p === undefined)) return sendError(res, 400, 'A path parameter has a malformed %-escape.');
      return update(req, res, s, pathRouteQuery(params as string[]), false);
    }

    const notFound = () => {
      if (sitePath === '/' || sitePath === '') return sendText(res, 200, 'OK');
      if (sitePath.startsWith('/api/')) return sendError(res, 404, `No API document at ${sitePath}.`);
      sendText(res, 404, 'Not found');
    };
    void serveDisk(req, res, s, s.disk.has(sitePath) ? sitePath : (s.disk.has(`${sitePath}.html`) ? `${sitePath}.html` : sitePath), notFound);
  }

  const server = http.createServer(
    {
      headersTimeout: opts.headersTimeout ?? 10_000,
      requestTimeout: opts.requestTimeout ?? 30_000,
      keepAliveTimeout: opts.keepAliveTimeout ?? 5_000,
      connectionsCheckingInterval: opts.connectionsCheckingInterval ?? 1_000,
    },
    (req, res) => {
      try {
        handle(req, res);
      } catch (e) {
        log(`internal error on ${req.method} ${req.url}: ${(e as Error).stack ?? e}`);
        if (!res.headersSent) sendError(res, 500, 'Internal server error.');
        else res.destroy();
      }
    },
  );

  async function reload(): Promise<Site> {
    if (reloading) {
      reloadAgain = true;
      return reloading;
    }
    reloading = (async () => {
      try {
        do {
          reloadAgain = false;
          try {
            const next = await loadSite(root, siteOptions);
            next.diagnostics.forEach(report);
            if (next.buildId !== site.buildId) log(`reloaded ${displayPath(root)}: build ${next.buildId} (${next.files} files, ${next.updates.entries} update entries)`);
            const old = site;
            site = next; // the switch: requests that started earlier keep the build they took
            retire(old);
          } catch (e) {
            const why = e instanceof StoreError ? e.diagnostics.map((d) => d.message).join('; ') : String((e as Error).message ?? e);
            report(diag(Errors.ServeReloadFailed, [displayPath(root), why]));
          }
        } while (reloadAgain);
        return site;
      } finally {
        reloading = undefined;
      }
    })();
    return reloading;
  }

  let watcher: FSWatcher | undefined;
  if (opts.watch) {
    let timer: NodeJS.Timeout | undefined;
    // A build renames a complete folder into place: watch the parent for that name.
    watcher = watch(path.dirname(root), (_event, name) => {
      if (name !== null && name !== path.basename(root)) return;
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), 30);
    });
    watcher.on('error', (e) => log(`watch stopped: ${e.message}`));
  }

  return {
    server,
    get site() {
      return site;
    },
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', (e: NodeJS.ErrnoException) => {
          const why = e.code === 'EADDRINUSE' ? 'the address is in use' : e.code === 'EACCES' ? 'permission denied' : e.code === 'EADDRNOTAVAIL' ? 'no such local address' : e.message;
          reject(new StoreError(diag(Errors.ServeListen, [`${host.includes(':') ? `[${host}]` : host}:${port}`, why])));
        });
        server.listen(port, host, () => {
          server.removeAllListeners('error');
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    reload,
    close(graceMs = 10_000) {
      closing = true;
      watcher?.close();
      return new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        // Connections that finish their request later are idle then: close them as they go.
        const sweep = setInterval(() => server.closeIdleConnections(), 100);
        sweep.unref();
        // Called once every connection is gone (or at once, with an error, if never listening).
        server.close(() => {
          clearTimeout(force);
          clearInterval(sweep);
          void (reloading ?? Promise.resolve()).finally(() => {
            for (const s of [site, ...retired]) dropSnapshot(s);
            if (snapshotDir) rmSync(snapshotDir, { recursive: true, force: true });
            resolve();
          });
        });
      });
    },
  };
}
