import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { isCopy, type SiteFiles } from './site-files.js';

/** Which generated files may get `.br` and `.gz` variants: the API and the per-platform indexes. */
export const isPrecompressed = (rel: string): boolean => /^api\/.*\.json$/.test(rel) || /^update\/.*\/index\.json$/.test(rel);

/** Below this size a variant saves less than it costs (one more file, ~0.4 ms of brotli each); nginx's gzip_min_length idea. */
export const MIN_PRECOMPRESS_SIZE = 1024;

/**
 * Adds `<file>.br` and `<file>.gz` beside every generated file of 1 KiB or more that `match` selects, for a server
 * (sirv's `brotli`/`gzip` options) to send as is. Both encoders are deterministic: gzip gets no
 * name and mtime 0, so the same bytes always compress to the same bytes.
 */
export function precompress(files: SiteFiles, match: (rel: string) => boolean = isPrecompressed): void {
  for (const [rel, content] of [...files]) {
    if (isCopy(content) || content.byteLength < MIN_PRECOMPRESS_SIZE || !match(rel)) continue;
    // A window sized to the file: the default 4 MiB window makes each small file ~4x slower to compress.
    const lgwin = Math.max(constants.BROTLI_MIN_WINDOW_BITS, Math.min(constants.BROTLI_MAX_WINDOW_BITS, Math.ceil(Math.log2(content.byteLength + 1))));
    files.set(`${rel}.br`, brotliCompressSync(content, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_LGWIN]: lgwin, [constants.BROTLI_PARAM_SIZE_HINT]: content.byteLength },
    }));
    files.set(`${rel}.gz`, gzipSync(content, { level: 9 }));
  }
}
