/** Bytes to write, or a file to copy (archives are copied, never held in memory). */
export type OutputContent = Uint8Array | Readonly<{ copyFrom: string }>;

/** The whole site: output path (forward slashes, relative to the output folder) → content. */
export type SiteFiles = Map<string, OutputContent>;

export const isCopy = (c: OutputContent): c is Readonly<{ copyFrom: string }> => !(c instanceof Uint8Array);

const encoder = new TextEncoder();
/** UTF-8 bytes of a string. */
export const utf8 = (s: string): Uint8Array => encoder.encode(s);
