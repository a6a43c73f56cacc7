export { appSourceKeys, listAppFolders, loadStore, STORE_FILES, type LoadedStore, type LoadedApp, type LoadOptions } from './load-store.js';
export { ParseCache, STORE_SHARD } from './parse-cache.js';
export { lazyPosition, lazySource, parseSource, positionOf, type SourceDoc, type SourceKind, type ParseProblem } from './source.js';
export { parseProblemDiagnostic, readStoreText, storeFileDiagnostic } from './store-file.js';
