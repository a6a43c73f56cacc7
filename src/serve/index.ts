// The serve stage: a built site over HTTP, with the auto-update-server compatible routes.
export { createStoreServer, type StoreServer, type StoreServerOptions } from './server.js';
export { mapUpdateIndex } from './update-index-map.js';
export { compileUpdateIndex, matchUpdate, AusQueryError } from './aus-match.js';
export { parseQuery, ausDefaults } from './aus-query.js';
