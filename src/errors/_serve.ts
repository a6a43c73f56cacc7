import type { ErrorSpec } from './diagnostic.js';

/** The server and the auto-update-server compatibility layer. */
export const serveErrors = {
} as const satisfies Record<string, ErrorSpec>;
