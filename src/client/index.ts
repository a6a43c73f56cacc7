export { readUpdateManifest, readPlatformIndex, pickUpdate, type ReadOptions, type ReadResult, type ManifestProblem, type Pick } from './manifest-reader.js';
