// The HTTP headers a built site's files are published with, whoever publishes them: `appshelf
// serve` sends them, `appshelf deploy` stores them on each object. One table, so a site looks the
// same from our server and from a bucket behind a CDN.
import path from 'node:path';

/** Cache policy: versioned archives forever, everything else briefly and revalidated. */
export function cacheControlFor(sitePath: string): string {
  return sitePath.startsWith('/files/') ? 'public, max-age=31536000, immutable' : 'public, max-age=60, must-revalidate';
}

// The types of the files a build writes; anything else is sent as bytes.
const TYPES: Record<string, string> = {
  '.json': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.xml': 'application/xml',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.pem': 'application/x-pem-file',
  '.sig': 'application/octet-stream',
  '.zip': 'application/zip',
  '.msix': 'application/msix',
};

/** The Content-Type of a site file by its extension (`application/octet-stream` when unknown). */
export const contentTypeOf = (sitePath: string): string => TYPES[path.posix.extname(sitePath).toLowerCase()] ?? 'application/octet-stream';

/**
 * The Content-Type of a file asked for by a name ending in .gz or .br (an archive such as
 * app.tar.gz): the file itself, never a precompressed copy, so it carries no Content-Encoding.
 */
export const archiveTypeOf = (sitePath: string): string =>
  sitePath.toLowerCase().endsWith('.gz') ? 'application/gzip' : 'application/octet-stream';
