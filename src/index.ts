// The library: every CLI command is one call of these (docs/architecture.md).
export { resolveConfig, type ConfigInput, type ResolvedConfig } from './config/index.js';
export * from './errors/index.js';
export type * from './resolve/types.js';
export { loadStore } from './load/index.js';
export { validateDocs } from './validate/index.js';
export { resolveStore } from './resolve/index.js';
export { verifyStore } from './verify/index.js';
export { inspectStore } from './inspect/index.js';
export { writeOutput, type SiteFiles, type SiteObject, type WriteReport } from './emit/index.js';
export { buildStore } from './pipeline/index.js';
export {
  checkStore,
  defaultPublicDir,
  type BuildOptions,
  type BuildResult,
  type CheckOptions,
  type CheckResult,
} from './pipeline/check-and-build.js';
export { createStoreServer, type StoreServer, type StoreServerOptions } from './serve/index.js';
export { importAus } from './import/index.js';
export { exportAus } from './export/index.js';
export {
  openStore,
  pinVersion,
  unpinVersion,
  setAppLocked,
  setYanked,
  setReleaseRollout,
  promoteVersion,
  addRelease,
  registerAppFiles,
  createSigningKey,
  createStoreCa,
  signAppCertificate,
  revokeCertificate,
  requestAppCertificate,
  initRepository,
  type InitRepositoryInput,
  type KeygenResult,
  writeEdits,
  type FileEdit,
  type StoreEdit,
  type RolloutTarget,
  type AddReleaseInput,
  type RegisterAppInput,
  type GivenFile,
} from './author/index.js';
export { runPolicy, type PolicyOptions, type PolicyResult } from './policy/index.js';
export {
  resolveClientConfig,
  installApp,
  updateApps,
  uninstallApp,
  listAvailable,
  listInstalled,
  type ClientConfig,
  type ClientOptions,
  type ClientContext,
  type InstallOutcome,
  type UpdateReport,
} from './client/installer/index.js';
export { deploySite, type DeployOptions, type DeployProgress, type DeployResult } from './deploy/index.js';
// The published formats: their JSON Schemas (as `schemas/*.schema.json` in every site) and types.
export { publishedSchemas } from './schema/index.js';
export type {
  StoreFile,
  AppFile,
  ReleaseFile,
  EntryFile,
  PlatformRolloutFile,
  ChannelFile,
  RevokedFile,
  RevocationFile,
  Limits,
  UpdateManifest,
  UpdateManifestFile,
  ManifestCandidate,
  PlatformIndex,
  PlatformIndexFile,
  FreshDoc,
  FreshDocFile,
  FreshPlatform,
  UpdateIndex,
  UpdateIndexApp,
  UpdateIndexRelease,
  UpdateIndexEntry,
  ApiApp,
  ApiCatalog,
  TauriFeed,
  NextcloudApp,
  InfoXml,
} from './schema/index.js';
