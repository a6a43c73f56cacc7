// Authoring: pure edits of the store's YAML (yaml's Document API keeps comments and layout).
// The CLI commands read and write the files; everything here takes and returns text.
export { authorContext, requireApp, requireRelease, requireChannel, requirePlatform, type AuthorContext, type AppTarget, type ReleaseTarget } from './context.js';
export { registerApp, pinChannel, unpinChannel, setLocked, setDockerImage, type RegisterInput } from './app.js';
export { createRelease, addToRelease, setRollout, setPlatformRollout, type RolloutPlatform, promoteRelease, entryFormat, type EntryInput, type ReleaseInput } from './release.js';
export { changelogSection } from './changelog.js';
export { openYaml, yamlText, type YamlFile, type Editing } from './yaml-edit.js';
export { sparkleSignature, minisignField } from './feed-signatures.js';
export { yankRelease, unyankRelease } from './yank.js';
export { generateSigningKey, setSigningPublicKey, repositoryOf, type SigningKeyPair } from './keys.js';
export { initFiles, appshelfSpecOf, checkWorkflow, publishWorkflow, publishS3Workflow, ACTIONS, WORKFLOW_NODE, type InitInput, type WorkflowOptions } from './init-files.js';
export { writeEdits, type FileEdit, type StoreEdit } from './store-edits.js';
export { openStore, pinVersion, unpinVersion, setAppLocked, setYanked, setReleaseRollout, promoteVersion, type RolloutTarget } from './verbs.js';
export { addRelease, registerAppFiles, schemaHeader, type AddReleaseInput, type AddReleaseResult, type GivenFile, type RegisterAppInput } from './add-release.js';
