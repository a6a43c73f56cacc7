import path from 'node:path';
import { UsageError } from '../../errors/index.js';
import { createStoreServer } from '../../serve/index.js';
import type { Command } from '../command.js';
import { str } from '../command.js';

export const command: Command = {
  name: 'serve',
  usage: `Usage: appshelf serve [--dir DIR] [--port N] [--host H] [--watch] [--cache-mb N]

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
  --watch       reload by itself when a build replaces DIR
  --cache-mb N  memory for small files, least recently used out first
                (default: 32; 0 reads every request from disk)
  -h, --help    show this help`,
  options: { dir: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, watch: { type: 'boolean' }, 'cache-mb': { type: 'string' } },
  async run(args) {
    const dir = path.resolve(str(args, 'dir', 'dist')!);
    const portText = str(args, 'port', '8080')!;
    const port = /^\d+$/.test(portText) ? Number(portText) : NaN;
    if (!Number.isInteger(port) || port > 65535) throw new UsageError(`--port must be a port number from 0 to 65535 (got "${portText}").`);
    const host = str(args, 'host', '127.0.0.1')!;
    const log = (line: string) => args.io.err(`${line}\n`);
    const cacheText = str(args, 'cache-mb', '32')!;
    const cacheMb = /^\d+$/.test(cacheText) ? Number(cacheText) : NaN;
    if (!Number.isSafeInteger(cacheMb) || cacheMb > 1024 * 1024) throw new UsageError(`--cache-mb must be a whole number of megabytes (got "${cacheText}").`);
    const store = await createStoreServer(dir, { watch: args.values.watch === true, log, cacheBytes: cacheMb * 1024 * 1024 });
    const bound = await store.listen(port, host);
    const shown = host.includes(':') ? `[${host}]` : host;
    args.io.out(`serving ${dir} (build ${store.site.buildId}) on http://${shown}:${bound}\n`);
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
