export { loadStore, type LoadedStore, type LoadedApp } from './load-store.js';
export { parseSource, positionOf, type SourceDoc, type SourceKind, type ParseProblem } from './source.js';
