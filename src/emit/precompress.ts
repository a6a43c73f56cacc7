import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { UPDATE_INDEX_PATH } from './emit-update-index.js';
import { isCopy, isLazy, once, type SiteFiles } from './site-files.js';

/**
 * Which generated files may get `.br` and `.gz` variants: the API and the per-platform indexes.
 * Not the update index: only `appshelf serve` reads it, from disk, and at 30 MB for a large store
 * compressing it would cost seconds on every build that changes any release.
 */
const isPrecompressed = (rel: string): boolean =>
  rel !== UPDATE_INDEX_PATH && (/^api\/.*\.json$/.test(rel) || /^update\/.*\/index\.json$/.test(rel));

/** Below this size a variant saves less than it costs (one more file, ~0.4 ms of brotli each); nginx's gzip_min_length idea. */
const MIN_PRECOMPRESS_SIZE = 1024;

/**
 * Adds `<file>.br` and `<file>.gz` beside every generated file of 1 KiB or more that `match` selects, for a server
 * (sirv's `brotli`/`gzip` options) to send as is. Both encoders are deterministic: gzip gets no
 * name and mtime 0, so the same bytes always compress to the same bytes. The variants of a lazy
 * file are lazy too, keyed by its key: a build that reuses the file reuses them without compressing.
 */
export function precompress(files: SiteFiles, match: (rel: string) => boolean = isPrecompressed): void {
  for (const [rel, content] of [...files]) {
    if (isCopy(content) || !match(rel)) continue;
    if (isLazy(content)) {
      const bytes = once(content.make);
      const big = () => {
        const b = bytes();
        return b && b.byteLength >= MIN_PRECOMPRESS_SIZE ? b : undefined;
      };
      files.set(rel, { key: content.key, make: bytes });
      files.set(`${rel}.br`, { key: `br:${content.key}`, make: () => mapDefined(big(), brotli) });
      files.set(`${rel}.gz`, { key: `gz:${content.key}`, make: () => mapDefined(big(), gzip) });
      continue;
    }
    if (content.byteLength < MIN_PRECOMPRESS_SIZE) continue;
    files.set(`${rel}.br`, brotli(content));
    files.set(`${rel}.gz`, gzip(content));
  }
}

// --- internal ---

const mapDefined = <T, U>(v: T | undefined, f: (v: T) => U): U | undefined => (v === undefined ? undefined : f(v));

function brotli(content: Uint8Array): Uint8Array {
  // A window sized to the file: the default 4 MiB window makes each small file ~4x slower to compress.
  const lgwin = Math.max(
    constants.BROTLI_MIN_WINDOW_BITS,
    Math.min(constants.BROTLI_MAX_WINDOW_BITS, Math.ceil(Math.log2(content.byteLength + 1))),
  );
  // Quality 9 costs 210 ms on a 0.5 MB catalog where 5 costs 75 ms for 2% more bytes: large files get 5.
  const quality = content.byteLength > 64 * 1024 ? 5 : 9;
  return brotliCompressSync(content, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: quality,
      [constants.BROTLI_PARAM_LGWIN]: lgwin,
      [constants.BROTLI_PARAM_SIZE_HINT]: content.byteLength,
    },
  });
}

const gzip = (content: Uint8Array): Uint8Array => gzipSync(content, { level: 9 });
