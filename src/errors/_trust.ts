import type { ErrorSpec } from './diagnostic.js';

/** Certificates, registration and release signatures. */
export const trustErrors = {
} as const satisfies Record<string, ErrorSpec>;
