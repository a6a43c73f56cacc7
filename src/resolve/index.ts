export * from './types.js';
export { platformProblem, resolveStore, normalizeBase64, type ResolveResult, type Vocabulary } from './resolve-store.js';
export {
  resolveBands, candidateBands, candidatesAt, shadows, admittedReleases, rolloutFor, platformRolloutFor, appPlatforms, filesFor, servedNightly, breakpoints,
  dockerPlatform, PERCENTILES, type Band, type Candidate, type CandidateBand, type CandidateFile, type Platform,
} from './rollout.js';
export { releaseLandings, releaseLog, type ReleaseLanding, type ReleaseLogEntry } from './release-log.js';
export { checkServing } from './rules-manifest.js';
export { withLandingDates, releaseDatesOf } from './landing-dates.js';
