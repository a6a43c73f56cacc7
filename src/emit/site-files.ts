/** A file to copy (archives are copied, never held in memory), with the sha256 of its bytes when known. */
export type CopyContent = Readonly<{ copyFrom: string; sha256?: string }>;

/**
 * Bytes made only when needed: `key` is a hash of every input of `make`, so a writer that still
 * has the file made from the same key reuses it without calling `make`. `make` may decide there
 * is no file (undefined), e.g. no compressed variant of a small file.
 */
export type LazyContent = Readonly<{
  key: string;
  make: () => Uint8Array | undefined;
  /** The same bytes as pieces, for a writer that can write them without joining them first (a 30 MB update index). */
  chunks?: () => Uint8Array[];
}>;

/** Bytes to write, a file to copy, or bytes to make on demand. */
export type OutputContent = Uint8Array | CopyContent | LazyContent;

/** The whole site: output path (forward slashes, relative to the output folder) → content. */
export type SiteFiles = Map<string, OutputContent>;

export const isCopy = (c: OutputContent): c is CopyContent => !(c instanceof Uint8Array) && 'copyFrom' in c;

export const isLazy = (c: OutputContent): c is LazyContent => !(c instanceof Uint8Array) && 'make' in c;

/** Makes every lazy file (or drops it when it decides there is none): the site as plain bytes and copies. */
export function materialize(files: SiteFiles): void {
  for (const [rel, content] of [...files]) {
    if (!isLazy(content)) continue;
    const bytes = content.make();
    if (bytes) files.set(rel, bytes);
    else files.delete(rel);
  }
}

/** Calls `make` once, however often the result is asked for. */
export function once<T>(make: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = make();
      done = true;
    }
    return value;
  };
}

const encoder = new TextEncoder();
/** UTF-8 bytes of a string. */
export const utf8 = (s: string): Uint8Array => encoder.encode(s);
