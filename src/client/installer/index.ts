export {
  detectOsVersion,
  normalizeOsVersion,
  normalizeStoreUrl,
  resolveClientConfig,
  storeArch,
  storeOs,
  type ClientConfig,
  type ClientOptions,
} from './config.js';
export {
  clientPercentile,
  installApp,
  listAvailable,
  listInstalled,
  uninstallApp,
  updateApps,
  type ClientContext,
  type InstallOutcome,
  type UpdateOutcome,
  type UpdateReport,
} from './installer.js';
export { selectRelease, type Offer } from './select.js';
export { newState, serializeState } from './state.js';
export { storeFileUrl } from './manifest.js';
