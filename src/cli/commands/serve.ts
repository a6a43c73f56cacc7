import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createStoreServer } from '../../serve/index.js';
import type { Command } from '../command.js';
import { str, storeConfig } from '../command.js';

export const command: Command = {
  name: 'serve',
  usage: `Usage: appshelf serve [--dir DIR] [--port N] [--host H] [--base-url URL] [--watch] [--cache-mb N]

Serves a site built by \`appshelf build\`: files looked up when asked for, small
ones (manifests, API documents, with their .br/.gz copies and ETags) kept in a
memory cache bounded by --cache-mb, archives streamed from disk (Range, cached
for a year), /update and /update.json answered like auto-update-server from the
build's update index, /healthz, and / (the web catalog, or "OK").

The server never builds. After \`appshelf build\` swaps a new site into place,
send SIGHUP (or run with --watch) and the server switches to it in one step;
requests already running finish on the build they started with. SIGTERM and
SIGINT stop accepting connections and let requests in flight finish.

Options:
  --dir DIR     the built site (default: dist)
  --port N      port (default: 8080; 0 picks a free one)
  --host H      interface (default: 127.0.0.1; 0.0.0.0 for all)
  --base-url URL  the origin clients reach this server at (behind a proxy; default
                http://HOST:PORT); at start-up the server says when the site's URLs
                point at another origin (rebuild with \`appshelf build --base-url URL\`)
  --watch       reload by itself when a build replaces DIR
  --cache-mb N  memory for small files, least recently used out first
                (default: 32; 0 reads every request from disk)
  -h, --help    show this help`,
  options: {
    dir: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    watch: { type: 'boolean' },
    'base-url': { type: 'string' },
    'cache-mb': { type: 'string' },
  },
  async run(args) {
    const config = storeConfig(args, {
      outDir: str(args, 'dir') || undefined,
      port: str(args, 'port'),
      host: str(args, 'host'),
      cacheMb: str(args, 'cache-mb'),
    });
    const { outDir: dir, baseUrl } = config;
    const { port, host, cacheBytes } = config.serve;
    const log = (line: string) => args.io.err(`${line}\n`);
    const store = await createStoreServer(dir, { watch: args.values.watch === true, log, cacheBytes });
    const bound = await store.listen(port, host);
    const shown = host.includes(':') ? `[${host}]` : host;
    args.io.out(`serving ${dir} (build ${store.site.buildId}) on http://${shown}:${bound}\n`);
    // On every interface the origin clients use is unknown: only --base-url names it.
    const servedAt = baseUrl ?? (host === '0.0.0.0' || host === '::' ? undefined : `http://${shown}:${bound}/`);
    for (const line of siteNotes(dir, servedAt)) log(line);
    const reload = () => void store.reload();
    process.on('SIGHUP', reload);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        log(`${signal}: finishing requests in flight, then stopping`);
        process.off('SIGHUP', reload);
        void store.close().then(resolve);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    return 0;
  },
};

/**
 * What a user should know about a site before pointing clients at it: its archive and manifest
 * URLs name another origin than the one it is served at, or it is an unsigned preview.
 */
export function siteNotes(dir: string, servedAt: string | undefined): string[] {
  const read = (rel: string): Record<string, any> | undefined => {
    try {
      return JSON.parse(readFileSync(path.join(dir, rel), 'utf8')) as Record<string, any>;
    } catch {
      return undefined;
    }
  };
  const notes: string[] = [];
  const siteUrl: unknown = read('api/v1/apps.json')?.store?.baseUrl;
  if (servedAt && typeof siteUrl === 'string' && URL.canParse(siteUrl) && new URL(siteUrl).origin !== new URL(servedAt).origin) {
    notes.push(
      `warning: the site's URLs point at ${new URL(siteUrl).origin}, but it is served at ${new URL(servedAt).origin}: ` +
        `clients will download from ${new URL(siteUrl).origin}. Rebuild with \`appshelf build --base-url ${servedAt}\` to preview here, ` +
        `or pass --base-url when a proxy serves it at ${new URL(siteUrl).origin}.`,
    );
  }
  if (read('api/v1/signing.json')?.preview === 'unsigned') {
    notes.push('warning: this site was built with --unsigned: a preview whose manifests clients of the store refuse; do not publish it.');
  }
  return notes;
}
