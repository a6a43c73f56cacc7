export * from './site-files.js';
export { archivePath, entryUrl } from './urls.js';
export { emitApi, emitArchives, liveVersions, versionOrderHistory, type ReleaseFacts, type FactsLookup, type ApiHistory } from './emit-api.js';
export { emitSchemas, emitPublic } from './emit-static.js';
export { emitManifests, type ManifestContext } from './emit-manifests.js';
export { manifestFreshness, type Freshness } from './freshness.js';
export { loadManifestSigning, type ManifestSigning } from './signing.js';
export { precompress, isPrecompressed } from './precompress.js';
export { writeOutput, assertSafeOutDir, type WriteReport } from './write-output.js';
