export * from './types.js';
export { platformProblem, resolveStore } from './resolve-store.js';
export {
  resolveBands,
  candidateBands,
  candidatesAt,
  admittedReleases,
  appPlatforms,
  filesFor,
  breakpoints,
  type Band,
  type Candidate,
  type CandidateFile,
  type Platform,
} from './rollout.js';
export { releaseLandings, releaseLog, type ReleaseLanding, type ReleaseLogEntry } from './release-log.js';
export { checkServing } from './serving-rules.js';
export { withLandingDates, releaseDatesOf } from './landing-dates.js';
