import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import sirv from 'sirv';
import { UsageError } from '../../errors/index.js';
import type { Command } from '../command.js';
import { str } from '../command.js';

export const command: Command = {
  name: 'serve',
  summary: 'serve a built site',
  usage: `Usage: appshelf serve [--dir DIR] [--port N] [--host H]

Serves a site built by \`appshelf build\`.

Options:
  --dir DIR     the built site (default: dist)
  --port N      port (default: 8080; 0 picks a free one)
  --host H      interface (default: 127.0.0.1)
  -h, --help    show this help`,
  options: { dir: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } },
  async run(args) {
    const dir = path.resolve(str(args, 'dir', 'dist')!);
    if (!existsSync(dir)) throw new UsageError(`${dir} does not exist; run \`appshelf build\` first.`);
    const port = Number(str(args, 'port', '8080'));
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number (got "${str(args, 'port')}").`);
    const host = str(args, 'host', '127.0.0.1')!;
    const handler = sirv(dir, { etag: true, gzip: true, brotli: true });
    const server = http.createServer((req, res) => handler(req, res, () => {
      res.statusCode = 404;
      res.end('Not found');
    }));
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    const addr = server.address();
    args.io.out(`serving ${dir} on http://${host}:${typeof addr === 'object' && addr ? addr.port : port}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => server.close(() => resolve());
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    return 0;
  },
};
