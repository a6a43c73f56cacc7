export { checkPolicy } from './rules.js';
export { runPolicy, snapshotStore, type PolicyOptions, type PolicyResult } from './run-policy.js';
export { renderSummary, describeBands, SUMMARY_MARKER } from './summary.js';
