import { appSchema } from './app.js';
import { releaseSchema } from './release.js';
import { storeSchema } from './store.js';
import { revokedSchema } from './revoked.js';
import { platformIndexSchema, updateManifestSchema } from './manifest.js';
import { freshDocSchema } from './fresh.js';
import { infoXmlSchema } from './info-xml.js';
import { nextcloudAppsSchema, squirrelMacFeedSchema, tauriFeedSchema } from './feeds.js';
import { updateIndexSchema } from './update-index.js';
import { apiAppSchema, apiCatalogSchema } from './api.js';

export * from './ajv.js';
export { appSchema, type AppFile } from './app.js';
export { releaseSchema, type ReleaseFile, type EntryFile, type PlatformRolloutFile } from './release.js';
export { defaultLimits, storeSchema, type ChannelFile, type Limits, type StoreFile } from './store.js';
export { revokedSchema, type RevokedFile, type RevocationFile } from './revoked.js';
export {
  type UpdateManifestFile,
  type UpdateManifest,
  type ManifestCandidate,
  type PlatformIndexFile,
  type PlatformIndex,
} from './manifest.js';
export { freshDocSchema, type FreshDocFile, type FreshDoc, type FreshPlatform } from './fresh.js';
export type { InfoXml } from './info-xml.js';
export { apiAppSchema, apiCatalogSchema, type ApiApp, type ApiCatalog, type ApiFeeds } from './api.js';
export {
  updateIndexSchema,
  UPDATE_INDEX_FORMAT,
  UPDATE_INDEX_PATH,
  type UpdateIndex,
  type UpdateIndexApp,
  type UpdateIndexEntry,
  type UpdateIndexRelease,
} from './update-index.js';
export {
  tauriFeedSchema,
  squirrelMacFeedSchema,
  nextcloudAppsSchema,
  type TauriFeed,
  type SquirrelMacFeed,
  type NextcloudApp,
} from './feeds.js';

/** The schemas published as `schemas/<name>.schema.json`, by file name. */
export const publishedSchemas: Readonly<Record<string, object>> = {
  'store.schema.json': storeSchema,
  'app.schema.json': appSchema,
  'release.schema.json': releaseSchema,
  'revoked.schema.json': revokedSchema,
  'update-manifest.schema.json': updateManifestSchema,
  'platform-index.schema.json': platformIndexSchema,
  'fresh.schema.json': freshDocSchema,
  'info-xml.schema.json': infoXmlSchema,
  'tauri-feed.schema.json': tauriFeedSchema,
  'squirrel-mac-feed.schema.json': squirrelMacFeedSchema,
  'nextcloud-apps.schema.json': nextcloudAppsSchema,
  'update-index.schema.json': updateIndexSchema,
  'api-catalog.schema.json': apiCatalogSchema,
  'api-app.schema.json': apiAppSchema,
};
export { ARCH_NAMES, OS_NAMES, platformName } from './platforms.js';
