import type { ErrorSpec } from './diagnostic.js';

/** Resolution, rollouts and update manifests. */
export const manifestErrors = {
} as const satisfies Record<string, ErrorSpec>;
