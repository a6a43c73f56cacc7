// The serve stage: a built site over HTTP, with the auto-update-server compatible routes.
export { createStoreServer, DEFAULT_CACHE_BYTES, type StoreServer, type StoreServerOptions } from './server.js';
export { loadSite, closeSite, type Site, type SiteOptions } from './site.js';
export { cacheControlFor } from './static.js';
export { FileCache } from './file-cache.js';
export { mapUpdateIndex, memorySource, type UpdateIndexSource, type UpdateIndexHead } from './update-index-map.js';
export { compileUpdateIndex, matchUpdate, matchQuery, completeVersion, AusQueryError, type CompiledUpdateIndex, type UpdateMatch, type UpdateAnswer } from './aus-match.js';
export { parseQuery, ausDefaults, looseEquals, type AusInfo, type QueryValue } from './aus-query.js';
