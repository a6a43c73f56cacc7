// The serve stage: a built site over HTTP, with the auto-update-server compatible routes.
export { createStoreServer, type StoreServer, type StoreServerOptions } from './server.js';
export { loadSite, cacheControlFor, type Site, type SiteOptions } from './site.js';
export { compileUpdateIndex, matchUpdate, matchQuery, completeVersion, AusQueryError, type CompiledUpdateIndex, type UpdateMatch } from './aus-match.js';
export { parseQuery, ausDefaults, looseEquals, type AusInfo, type QueryValue } from './aus-query.js';
