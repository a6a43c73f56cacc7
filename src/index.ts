export * from './errors/index.js';
export type * from './resolve/types.js';
export { loadStore } from './load/index.js';
export { validateDocs } from './validate/index.js';
export { resolveStore } from './resolve/index.js';
export { verifyStore } from './verify/index.js';
export { inspectStore } from './inspect/index.js';
export { writeOutput, type SiteFiles, type SiteObject, type WriteReport } from './emit/index.js';
export { buildStore, checkStore, defaultPublicDir, type BuildOptions, type BuildResult, type CheckOptions, type CheckResult } from './build/pipeline.js';
