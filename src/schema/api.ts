import type { FromSchema } from 'json-schema-to-ts';
import { appId, archName, channelName, osName, range, schemaBase, sha256, version } from './_fragments.js';
import { feedUrlSchemas } from './feeds.js';
import { releaseSchema } from './release.js';

// The catalog API as published (`api/v1/apps.json`, `api/v1/apps/<app>.json`). Objects list
// every field appshelf writes; readers should ignore fields they do not know, since the API may
// grow (the CLI client reads a subset, src/client/installer/catalog.ts).

const str = { type: 'string' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
const dateOrNull = { type: ['string', 'null'], description: 'ISO 8601.' } as const;

const channel = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'maturity', 'nightly', 'order'],
  properties: { name: channelName, maturity: str, description: str, nightly: { type: 'boolean' }, order: { type: 'integer', minimum: 0 } },
} as const;

const appSummaryProperties = {
  id: appId,
  name: str,
  summary: str,
  author: { ...strOrNull, description: 'The first owner, else the first author.' },
  createdAt: dateOrNull,
  updatedAt: dateOrNull,
  authors: {
    type: 'array',
    items: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: str, email: str, homepage: str } },
  },
  owners: { type: 'array', items: str },
  categories: { type: 'array', items: str },
  license: str,
  homepage: str,
  dockerImage: str,
  locked: { type: 'boolean' },
  pins: { type: 'object', description: 'Channel → the one version it serves.', additionalProperties: version },
  live: {
    type: 'object',
    description: 'Channel → what every client of it gets (percentile 99), or null.',
    additionalProperties: { type: ['string', 'null'] },
  },
  latest: { ...strOrNull, description: 'The newest release that is not yanked.' },
  releases: { type: 'integer', minimum: 0, description: 'How many releases the app has (yanked ones included).' },
} as const;

const appSummaryRequired = [
  'id',
  'name',
  'summary',
  'author',
  'createdAt',
  'updatedAt',
  'authors',
  'owners',
  'categories',
  'locked',
  'pins',
  'live',
  'latest',
  'releases',
] as const;

/** `api/v1/apps.json`: the store and every app's summary. */
export const apiCatalogSchema = {
  $id: `${schemaBase}api-catalog.schema.json`,
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'appshelf catalog API (api/v1/apps.json)',
  type: 'object',
  additionalProperties: false,
  required: ['store', 'channels', 'apps'],
  properties: {
    store: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: str, description: str, baseUrl: str } },
    channels: { type: 'array', description: 'Most mature first.', items: channel },
    apps: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: appSummaryRequired, properties: appSummaryProperties },
    },
  },
} as const;

const file = {
  type: 'object',
  additionalProperties: false,
  required: ['os', 'architectures', 'osversion', 'appversion', 'format', 'url', 'size', 'sha256'],
  properties: {
    os: osName,
    architectures: { type: 'array', items: archName },
    osversion: range,
    appversion: range,
    format: str,
    url: str,
    path: { type: 'string', description: 'Path in the site, for archives the store holds.' },
    size: { type: 'integer', minimum: 0 },
    sha256,
    signature: { type: 'string', description: "Base64 RSA-SHA512 signature by the app's certificate." },
  },
} as const;

const release = {
  type: 'object',
  additionalProperties: false,
  required: [
    'version',
    'name',
    'release',
    'createdAt',
    'updatedAt',
    'live',
    'channels',
    'rollout',
    'date',
    'changelog',
    'nightly',
    'yanked',
    'signed',
    'files',
  ],
  properties: {
    version,
    name: { type: 'string', description: '`v` + the version.' },
    release: { type: ['integer', 'null'], description: 'Release number: 1, 2, 3 … in the order releases landed.' },
    createdAt: dateOrNull,
    updatedAt: dateOrNull,
    commit: str,
    pullRequest: { type: 'integer' },
    dockerTag: str,
    live: { type: 'array', description: 'Channels this release is live on.', items: channelName },
    channels: { type: 'array', items: channelName },
    rollout: { type: 'object', additionalProperties: { type: 'number' } },
    // The release file's overrides, as they are written there.
    platformRollout: { type: 'array', items: releaseSchema.properties.platformRollout.items },
    date: dateOrNull,
    changelog: str,
    nightly: { type: 'boolean' },
    yanked: { type: 'boolean' },
    yankReason: str,
    signed: { type: ['boolean', 'null'], description: 'Every file carries a verified signature; null when not known.' },
    docker: {
      type: 'object',
      additionalProperties: false,
      required: ['image', 'tag', 'ref'],
      properties: { image: str, tag: str, digest: str, ref: str },
    },
    info: { description: "What the bundle's appinfo/info.xml says (Nextcloud apps)." },
    files: { type: 'array', items: file },
  },
} as const;

const logEntry = {
  type: 'object',
  description: 'One event of the release log: released, rollout, yanked, unyanked, pinned, unpinned, locked, unlocked.',
  required: ['kind', 'date'],
  properties: { kind: str, date: dateOrNull, version: str, sha: str, pr: { type: 'integer' }, author: str, channel: str },
} as const;

/** `api/v1/apps/<app>.json`: one app with its releases and release log. */
export const apiAppSchema = {
  $id: `${schemaBase}api-app.schema.json`,
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'appshelf app API (api/v1/apps/<app>.json)',
  type: 'object',
  additionalProperties: false,
  // `releases` is the list here, where the catalog gives its count.
  required: [...appSummaryRequired, 'description', 'channels', 'feeds', 'releaseLog'],
  properties: {
    ...appSummaryProperties,
    description: str,
    channels: { type: 'array', items: channel },
    feeds: { type: 'object', additionalProperties: false, properties: feedUrlSchemas },
    releases: { type: 'array', items: release },
    releaseLog: { type: 'array', items: logEntry },
  },
} as const;

/** Read-only all the way down: what the emitter builds from the (read-only) resolved store fits it. */
type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** `api/v1/apps.json` as published. */
export type ApiCatalog = DeepReadonly<FromSchema<typeof apiCatalogSchema>>;
/** `api/v1/apps/<app>.json` as published. */
export type ApiApp = DeepReadonly<FromSchema<typeof apiAppSchema>>;
/** The feeds of an app's API document, by feed name. */
export type ApiFeeds = NonNullable<ApiApp['feeds']>;
