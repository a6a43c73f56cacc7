export * from './site-files.js';
export { archivePath, entryUrl } from './urls.js';
export { emitApi, emitArchives, liveVersions, type ReleaseFacts, type FactsLookup } from './emit-api.js';
export { emitSchemas, emitPublic } from './emit-static.js';
export { writeOutput, assertSafeOutDir, type WriteReport } from './write-output.js';
