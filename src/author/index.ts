// Authoring: pure edits of the store's YAML (yaml's Document API keeps comments and layout).
// The CLI commands read and write the files; everything here takes and returns text.
export { registerApp, pinChannel, unpinChannel, setLocked } from './app.js';
export { createRelease, addToRelease, setRollout, promoteRelease } from './release.js';
export { changelogSection } from './changelog.js';
export { createSigningKey, type KeygenResult } from './keys.js';
export { initFiles, checkWorkflow, publishWorkflow, ACTIONS, WORKFLOW_NODE } from './init-files.js';
export { writeEdits, type FileEdit, type StoreEdit } from './store-edits.js';
export {
  openStore,
  pinVersion,
  unpinVersion,
  setAppLocked,
  setYanked,
  setReleaseRollout,
  promoteVersion,
  type RolloutTarget,
} from './verbs.js';
export { addRelease, registerAppFiles, type AddReleaseInput, type GivenFile, type RegisterAppInput } from './add-release.js';
export { CA_DEFAULTS, createStoreCa, signAppCertificate, revokeCertificate, requestAppCertificate, type StoreCaResult } from './trust.js';
export { initRepository, type InitRepositoryInput } from './init-repository.js';
