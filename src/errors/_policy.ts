import type { ErrorSpec } from './diagnostic.js';

/** The pull-request policy of `check --base`. */
export const policyErrors = {
} as const satisfies Record<string, ErrorSpec>;
