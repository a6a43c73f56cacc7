import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { isCopy, type SiteFiles } from './site-files.js';

/** Which generated files get `.br` and `.gz` variants: the API and the per-platform indexes. */
export const isPrecompressed = (rel: string): boolean => /^api\/.*\.json$/.test(rel) || /^update\/.*\/index\.json$/.test(rel);

/**
 * Adds `<file>.br` and `<file>.gz` beside every generated file `match` selects, for a server
 * (sirv's `brotli`/`gzip` options) to send as is. Both encoders are deterministic: gzip gets no
 * name and mtime 0, so the same bytes always compress to the same bytes.
 */
export function precompress(files: SiteFiles, match: (rel: string) => boolean = isPrecompressed): void {
  for (const [rel, content] of [...files]) {
    if (isCopy(content) || !match(rel)) continue;
    files.set(`${rel}.br`, brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: content.byteLength } }));
    files.set(`${rel}.gz`, gzipSync(content, { level: 9 }));
  }
}
