export { appSourceKeys, listAppFolders, loadStore, type LoadedStore } from './load-store.js';
export { lazyPosition, parseSource, positionOf, type SourceDoc } from './source.js';
export { parseProblemDiagnostic, readStoreText, storeFileDiagnostic } from './store-file.js';
