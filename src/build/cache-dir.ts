import path from 'node:path';

/** Where caches go by default: `.appshelf-cache/` beside the store folder. */
export const defaultCacheDir = (storeDir: string): string => path.join(path.dirname(path.resolve(storeDir)), '.appshelf-cache');
