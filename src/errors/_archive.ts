import type { ErrorSpec } from './diagnostic.js';

/** Release archives, info.xml, changelogs and remote downloads. */
export const archiveErrors = {
} as const satisfies Record<string, ErrorSpec>;
