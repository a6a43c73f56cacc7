import type { FromSchema } from 'json-schema-to-ts';
import { schemaBase } from './_fragments.js';

const str = { type: 'string' } as const;
const spec = {
  type: 'string',
  description: 'A version spec: `*`, `>=30.0.0`, `<33.0.0` or `>=30.0.0 <33.0.0` (raw: as info.xml gives it, `>=30 <=32`).',
} as const;
const versionRequirement = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'versionSpec', 'rawVersionSpec'],
  properties: { id: str, versionSpec: spec, rawVersionSpec: spec },
} as const;

/** `feeds/tauri/<app>/<channel>.json`: Tauri v2's static update JSON. */
export const tauriFeedSchema = {
  $id: `${schemaBase}tauri-feed.schema.json`,
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'appshelf Tauri v2 update feed',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'platforms'],
  properties: {
    version: str,
    notes: str,
    pub_date: { type: 'string', format: 'date-time' },
    platforms: {
      type: 'object',
      description:
        'By Tauri target `<os>-<arch>` (darwin-aarch64, windows-x86_64 …), optionally `-<installer>` (msi, nsis, appimage, deb, rpm).',
      propertyNames: { type: 'string', pattern: '^(windows|darwin|linux)-(x86_64|aarch64|i686|armv7)(-[a-z]+)?$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['url', 'signature'],
        properties: { url: str, signature: { type: 'string', minLength: 1, description: 'base64 of the minisign .sig file.' } },
      },
    },
  },
} as const;

/** A Tauri feed as published. */
export type TauriFeed = FromSchema<typeof tauriFeedSchema>;

/**
 * `feeds/squirrel-mac/<app>/<channel>-<arch>.json`: Squirrel.Mac's static update file, which
 * Electron's built-in `autoUpdater` reads on macOS with `serverType: 'json'`. Squirrel compares
 * `currentRelease` with the running version and installs the `updateTo` of the release whose
 * `version` equals it (a ZIP of the .app).
 */
export const squirrelMacFeedSchema = {
  $id: `${schemaBase}squirrel-mac-feed.schema.json`,
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'appshelf Squirrel.Mac static update file',
  type: 'object',
  additionalProperties: false,
  required: ['currentRelease', 'releases'],
  properties: {
    currentRelease: str,
    releases: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['version', 'updateTo'],
        properties: {
          version: str,
          updateTo: {
            type: 'object',
            additionalProperties: false,
            required: ['url'],
            properties: {
              version: str,
              url: { type: 'string', description: 'The ZIP of the .app (Squirrel.Mac installs nothing else).' },
              name: str,
              notes: str,
              pub_date: { type: 'string', format: 'date-time' },
            },
          },
        },
      },
    },
  },
} as const;

/** A Squirrel.Mac static update file as published. */
export type SquirrelMacFeed = FromSchema<typeof squirrelMacFeedSchema>;

const nextcloudRelease = {
  type: 'object',
  additionalProperties: false,
  required: [
    'version',
    'phpExtensions',
    'databases',
    'shellCommands',
    'phpVersionSpec',
    'platformVersionSpec',
    'minIntSize',
    'download',
    'created',
    'licenses',
    'lastModified',
    'isNightly',
    'rawPhpVersionSpec',
    'rawPlatformVersionSpec',
    'signature',
    'signatureDigest',
    'translations',
  ],
  properties: {
    version: str,
    phpExtensions: { type: 'array', items: versionRequirement },
    databases: { type: 'array', items: versionRequirement },
    shellCommands: { type: 'array', items: str },
    phpVersionSpec: spec,
    platformVersionSpec: spec,
    minIntSize: { type: 'integer', enum: [32, 64] },
    download: str,
    created: { type: ['string', 'null'] },
    licenses: { type: 'array', items: str },
    lastModified: { type: ['string', 'null'] },
    isNightly: { type: 'boolean' },
    rawPhpVersionSpec: spec,
    rawPlatformVersionSpec: spec,
    signature: { type: 'string', description: 'base64 RSA-SHA512 of the archive by the app certificate.' },
    signatureDigest: { const: 'sha512' },
    translations: {
      type: 'object',
      additionalProperties: { type: 'object', additionalProperties: false, required: ['changelog'], properties: { changelog: str } },
    },
  },
} as const;

/** `feeds/nextcloud/apps.json`: the apps in the fields and types of the Nextcloud app store API (`/api/v1/apps.json`). */
export const nextcloudAppsSchema = {
  $id: `${schemaBase}nextcloud-apps.schema.json`,
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'appshelf Nextcloud app list',
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: [
      'id',
      'categories',
      'userDocs',
      'adminDocs',
      'developerDocs',
      'issueTracker',
      'website',
      'discussion',
      'created',
      'lastModified',
      'isFeatured',
      'authors',
      'ratingRecent',
      'ratingOverall',
      'ratingNumRecent',
      'ratingNumOverall',
      'certificate',
      'translations',
      'screenshots',
      'releases',
    ],
    properties: {
      id: str,
      categories: { type: 'array', items: str },
      userDocs: str,
      adminDocs: str,
      developerDocs: str,
      issueTracker: str,
      website: str,
      discussion: str,
      created: { type: ['string', 'null'] },
      lastModified: { type: ['string', 'null'] },
      isFeatured: { type: 'boolean' },
      authors: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'mail', 'homepage'],
          properties: { name: str, mail: str, homepage: str },
        },
      },
      ratingRecent: { type: 'number' },
      ratingOverall: { type: 'number' },
      ratingNumRecent: { type: 'integer' },
      ratingNumOverall: { type: 'integer' },
      certificate: str,
      translations: {
        type: 'object',
        additionalProperties: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'summary', 'description'],
          properties: { name: str, summary: str, description: str },
        },
      },
      screenshots: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['url', 'smallThumbnail'],
          properties: { url: str, smallThumbnail: str },
        },
      },
      releases: { type: 'array', items: nextcloudRelease },
    },
  },
} as const;

/** One app of the Nextcloud feed. */
export type NextcloudApp = FromSchema<typeof nextcloudAppsSchema>[number];

/**
 * What an app's API document (`api/v1/apps/<app>.json`) lists under `feeds`, one property per
 * feed format: the feed's URLs, absolute when store.yaml has a baseUrl. A new feed adds its
 * property here.
 */
export const feedUrlSchemas = {
  electron: {
    type: 'object',
    description: "electron-updater's generic provider: the folder URL, and the channel files in it.",
    additionalProperties: false,
    required: ['url', 'files'],
    properties: { url: str, files: { type: 'array', items: str } },
  },
  sparkle: { type: 'string', description: 'The Sparkle appcast (SUFeedURL).' },
  tauri: { type: 'object', description: 'Tauri v2 updater endpoint by channel.', additionalProperties: str },
  squirrelMac: {
    type: 'object',
    description: "Squirrel.Mac static update file (Electron's autoUpdater, serverType json) by `<channel>-<arch>` (x64, arm64).",
    additionalProperties: str,
  },
  nextcloud: { type: 'string', description: "A Nextcloud server's appstoreurl (the app is in its apps.json)." },
} as const;
