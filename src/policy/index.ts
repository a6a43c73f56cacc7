export { checkPolicy } from './rules.js';
export { runPolicy, snapshotStore, hashArchives, type PolicyOptions, type PolicyResult } from './run-policy.js';
export { renderSummary, describeBands, SUMMARY_MARKER, type SummaryInput, type BandsResolver } from './summary.js';
export type { PolicyInput, StoreSnapshot } from './types.js';
