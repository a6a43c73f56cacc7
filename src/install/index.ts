export { currentSystem, detectOsVersion, normalizeOsVersion, normalizeStoreUrl, resolveClientConfig, storeArch, storeOs, type ClientConfig, type ClientOptions, type SystemInfo } from './config.js';
export { clientPercentile, installApp, listAvailable, listInstalled, uninstallApp, updateApps, type ClientContext, type InstallOutcome, type ListedApp, type UpdateOutcome, type UpdateReport } from './installer.js';
export { isNewer, selectRelease, type DownloadableFile, type Offer, type OfferFile, type SelectRequest, type SelectResult, type Selection } from './select.js';
export { clientStateSchema, newState, parseState, serializeState, type ClientState, type InstalledApp, type StoreTrust } from './state.js';
export { manifestPath, storeFileUrl } from './manifest.js';
export { layout } from './files.js';
