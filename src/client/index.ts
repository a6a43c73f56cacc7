// `appshelf/client`: the embeddable client. No runtime dependency: Web Crypto (or node:crypto
// where Web Crypto has no Ed25519) and fetch. Node, Electron and browsers.
export {
  checkForUpdate,
  loadManifest,
  downloadUpdate,
  verifyArchive,
  memorySerialStore,
  manifestPath,
  freshDocPath,
  storeFileUrl,
  UpdateError,
  type ManifestTarget,
  type LoadOptions,
  type LoadedManifest,
  type Update,
  type UpdateCheck,
  type SerialStore,
  type FetchBytes,
} from './check.js';
export {
  verifyManifest,
  verifyPlatformIndex,
  verifyFreshDoc,
  isPinned,
  type PinTarget,
  type VerifyOptions,
  type VerifyResult,
  type ManifestProblem,
} from './verify.js';
export {
  pickRollback,
  pickUpdate,
  selectUpdate,
  type PickedUpdate,
  type Offer,
  type OfferFile,
  type DownloadableFile,
  type SelectRequest,
  type SelectResult,
  type Selection,
} from './pick.js';
export { importEd25519, sha256Hex, type Ed25519Key } from './crypto.js';
export { parseVersion, compareVersions, isNewer, satisfies } from './semver.js';
export type { UpdateManifest, ManifestCandidate, PlatformIndex } from '../schema/manifest.js';
export type { FreshDoc, FreshPlatform } from '../schema/fresh.js';
