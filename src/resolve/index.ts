export * from './types.js';
export { resolveStore, normalizeBase64, type ResolveResult } from './resolve-store.js';
