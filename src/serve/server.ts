import { DEFAULT_CACHE_MB } from '../config/index.js';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { diag, Errors, StoreError } from '../errors/index.js';
import { pathRouteQuery } from './aus-query.js';
import { answerOtherMethod, answerUpdate, UPDATE, UPDATE_JSON, UPDATE_PATH } from './compat-routes.js';
import { FileCache } from './file-cache.js';
import { startLifecycle } from './lifecycle.js';
import { sendError, sendJson, sendText } from './respond.js';
import type { Site, SiteOptions } from './site.js';
import { serveMemory, StaticFiles } from './static.js';

/** Options of {@link createStoreServer}. */
export interface StoreServerOptions extends SiteOptions {
  /** Reload when a build swaps the folder (it watches the parent folder for the rename). @default false */
  watch?: boolean;
  /** Where reloads and load problems are reported. @default nothing */
  log?: (line: string) => void;
  /** Files up to this size (bytes, each representation) are answered from memory. @default 262144 */
  memoryFileLimit?: number;
  /** Bytes of small files held in memory at most (least recently used out first); 0 reads every file from disk. @default 33554432 */
  cacheBytes?: number;
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
}

/** Default of {@link StoreServerOptions.cacheBytes}. */
const DEFAULT_CACHE_BYTES = DEFAULT_CACHE_MB * 1024 * 1024;
/** How long a lookup waits for the site folder to be back when a build's swap has it missing. */
const SWAP_WAIT_MS = 5;
const SWAP_WAIT_LIMIT_MS = 1_000;

/** A running (or ready to run) store server. */
export interface StoreServer {
  /** The node:http server; `listen` it, or call {@link StoreServer.listen}. */
  readonly server: http.Server;
  /** The build currently answering requests. */
  readonly site: Site;
  /** The small files held in memory. */
  readonly cache: FileCache;
  /** Starts listening; resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  /** Loads the folder again and switches to it in one step; keeps the current build on failure. */
  reload(): Promise<Site>;
  /** Stops accepting connections, lets requests in flight finish (up to `graceMs`), then resolves. */
  close(graceMs?: number): Promise<void>;
}

const ALLOW = 'GET, HEAD, OPTIONS';

function decodePath(raw: string): string | undefined {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/**
 * Creates the store server for a built site: static files looked up when asked for (small ones
 * cached in memory, the rest streamed), `/update`, `/update.json` and the deprecated path route
 * answered from the mapped update index, `/healthz`, and `/`. Loads the site before resolving;
 * never touches process signals.
 */
export async function createStoreServer(dir: string, opts: StoreServerOptions = {}): Promise<StoreServer> {
  const root = path.resolve(dir);
  const log = opts.log ?? (() => {});
  const cache = new FileCache(opts.cacheBytes ?? DEFAULT_CACHE_BYTES);
  const files = new StaticFiles(cache, opts.memoryFileLimit ?? 256 * 1024);
  const life = await startLifecycle(root, { ...opts, log, cache });
  let closing = false;

  // A build swaps the folder by two renames, and between them it is missing for a moment: a
  // lookup that fell into that moment is tried again, on the build of now, instead of answering
  // 404. The extra stat is paid by misses only.
  async function serveFile(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    sitePath: string,
    s: Site,
    sendOpts?: { encodings: false },
  ): Promise<boolean> {
    for (let waited = 0; ; waited += SWAP_WAIT_MS) {
      if (await files.serve(req, res, root, s.generation, sitePath, sendOpts)) return true;
      if (waited >= SWAP_WAIT_LIMIT_MS || existsSync(root)) return false;
      await new Promise((r) => setTimeout(r, SWAP_WAIT_MS));
      s = life.current;
    }
  }

  const sendArchive = (req: http.IncomingMessage, res: http.ServerResponse, sitePath: string) =>
    serveFile(req, res, sitePath, life.current, { encodings: false });

  function health(res: http.ServerResponse, s: Site): void {
    sendJson(res, 200, {
      status: closing ? 'stopping' : 'ok',
      store: s.updates.head.store,
      build: { id: s.buildId, builtAt: s.builtAt, loadedAt: s.loadedAt, files: s.files, apps: s.updates.apps },
      cache: { files: cache.size, bytes: cache.bytes, limit: cache.limit },
    });
  }

  // Files are looked up in the build's folder when asked for; a path that names none may be the
  // deprecated path form of /update.
  async function fromDisk(req: http.IncomingMessage, res: http.ServerResponse, s: Site, rawPath: string, sitePath: string): Promise<void> {
    if (await serveFile(req, res, sitePath, s)) return;
    const legacy = UPDATE_PATH.exec(rawPath);
    if (legacy) {
      const params = legacy.slice(1).map(decodePath);
      if (params.some((p) => p === undefined)) return sendError(res, 400, 'A path parameter has a malformed %-escape.');
      // The build of now: a reload during the lookup may have retired the one the request began with.
      return answerUpdate(req, res, life.current, pathRouteQuery(params as string[]), false, sendArchive);
    }
    if (sitePath === '/' || sitePath === '') return sendText(res, 200, 'OK');
    if (sitePath.startsWith('/api/')) return sendError(res, 404, `No API document at ${sitePath}.`);
    sendText(res, 404, 'Not found');
  }

  function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const s = life.current; // one build per request, whatever a reload does meanwhile
    if (closing) res.shouldKeepAlive = false;
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      if (method === 'OPTIONS') {
        res.writeHead(204, { Allow: ALLOW });
        return void res.end();
      }
      const target = req.url ?? '/';
      if (answerOtherMethod(res, method, target.split('?', 1)[0]!)) return;
      return sendError(res, 405, `Method ${method} is not allowed; this server answers ${ALLOW}.`, { Allow: ALLOW });
    }
    const url = req.url ?? '/';
    if (url.length > (opts.maxUrlLength ?? 8192))
      return sendError(res, 414, `The request target is longer than ${opts.maxUrlLength ?? 8192} characters.`);
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    if (!rawPath.startsWith('/')) return sendError(res, 400, 'The request target must be a path starting with "/".');
    const search = q < 0 ? '' : url.slice(q + 1);

    if (UPDATE_JSON.test(rawPath)) return answerUpdate(req, res, s, search, true, sendArchive);
    if (UPDATE.test(rawPath)) return answerUpdate(req, res, s, search, false, sendArchive);
    if (rawPath === '/healthz') return health(res, s);

    const sitePath = decodePath(rawPath);
    if (sitePath === undefined) return sendError(res, 400, 'The request path has a malformed %-escape.');
    const hit = files.cached(sitePath, s.generation);
    if (hit) return serveMemory(req, res, hit);
    fromDisk(req, res, s, rawPath, sitePath).catch((e: unknown) => internalError(req, res, e));
  }

  function internalError(req: http.IncomingMessage, res: http.ServerResponse, e: unknown): void {
    log(`internal error on ${req.method} ${req.url}: ${(e as Error).stack ?? e}`);
    if (!res.headersSent) sendError(res, 500, 'Internal server error.');
    else res.destroy();
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
        internalError(req, res, e);
      }
    },
  );

  return {
    server,
    get site() {
      return life.current;
    },
    cache,
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', (e: NodeJS.ErrnoException) => {
          const why =
            e.code === 'EADDRINUSE'
              ? 'the address is in use'
              : e.code === 'EACCES'
                ? 'permission denied'
                : e.code === 'EADDRNOTAVAIL'
                  ? 'no such local address'
                  : e.message;
          reject(new StoreError(diag(Errors.ServeListen, [`${host.includes(':') ? `[${host}]` : host}:${port}`, why])));
        });
        server.listen(port, host, () => {
          server.removeAllListeners('error');
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    reload: () => life.reload(),
    close(graceMs = 10_000) {
      closing = true;
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
          void life.close().then(resolve);
        });
      });
    },
  };
}
