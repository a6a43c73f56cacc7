import type { FromSchema } from 'json-schema-to-ts';
import { appId, archName, channelName, osName, percent, range, schemaBase, sha256, version } from './_fragments.js';

/** Where the update index is published in the site. */
export const UPDATE_INDEX_PATH = 'api/v1/update-index.json';

/** Format tag of the update index; a reader refuses any other. */
export const UPDATE_INDEX_FORMAT = 'appshelf-update-index/1';

const str = { type: 'string' } as const;

const entry = {
  type: 'object',
  description: 'One downloadable file of a release, as `/update` and `/update.json` need it.',
  additionalProperties: false,
  required: ['os', 'architectures', 'osversion', 'appversion', 'format', 'fileName', 'url', 'size', 'sha256'],
  properties: {
    os: osName,
    architectures: { type: 'array', items: archName },
    osversion: { ...range, description: 'Semver range of OS versions.' },
    appversion: { ...range, description: 'Semver range of installed app versions.' },
    format: str,
    fileName: { type: 'string', description: 'File name for `Content-Disposition`.' },
    path: {
      type: 'string',
      description: 'Path of the archive inside the site (`files/<app>/<version>/<name>`); absent for remote archives.',
    },
    url: { type: 'string', description: "Public URL of the archive: under the store's baseUrl, site-relative, or the remote URL." },
    size: { type: 'integer', minimum: 0 },
    sha256,
  },
} as const;

const release = {
  type: 'object',
  description: 'A release that can be offered (yanked releases are left out).',
  additionalProperties: false,
  required: ['version', 'channels', 'rollout', 'entries'],
  properties: {
    version,
    updateVersion: {
      type: 'string',
      description: 'What `/update` answers say as the version, when it is spelled otherwise than `version`.',
    },
    channels: { type: 'array', items: channelName },
    rollout: { type: 'object', description: 'Percentage per channel.', additionalProperties: percent },
    platformRollout: {
      type: 'array',
      description:
        'Per-platform overrides of `rollout` (the most specific wins; one naming a file by its osversion/appversion ranges above all); absent when none.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['channel', 'os', 'percent'],
        properties: { appversion: range, arch: archName, channel: channelName, format: str, os: osName, osversion: range, percent },
      },
    },
    date: { type: 'string', format: 'date-time', description: 'ISO 8601 with milliseconds, as auto-update-server prints dates.' },
    entries: { type: 'array', items: entry },
  },
} as const;

const app = {
  type: 'object',
  description: 'An app, its `/update` name and its releases newest first.',
  additionalProperties: false,
  required: ['id', 'name', 'pins', 'releases'],
  properties: {
    id: appId,
    name: { type: 'string', description: 'The name clients send as `app=`: `updateName`, else the id.' },
    pins: { type: 'object', description: 'Channel → the only version that channel offers.', additionalProperties: version },
    releases: { type: 'array', items: release },
  },
} as const;

/**
 * `api/v1/update-index.json`: everything `appshelf serve` needs to answer `/update` and
 * `/update.json` without reading another file, loaded once when the server starts or reloads.
 */
export const updateIndexSchema = {
  $id: `${schemaBase}update-index.schema.json`,
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'appshelf update index',
  type: 'object',
  additionalProperties: false,
  required: ['format', 'store', 'channels', 'includeMoreMature', 'apps'],
  properties: {
    format: { const: UPDATE_INDEX_FORMAT },
    store: str,
    baseUrl: { type: 'string', description: "The store's public URL, when store.yaml gives one." },
    channels: { type: 'array', description: 'Channel names, most mature first.', items: channelName },
    includeMoreMature: { type: 'boolean', description: 'A client also receives releases of more mature channels.' },
    apps: { type: 'array', items: app },
  },
} as const;

/** The update index as published. */
export type UpdateIndex = FromSchema<typeof updateIndexSchema>;
/** One app of the update index. */
export type UpdateIndexApp = UpdateIndex['apps'][number];
/** One release of an app of the update index. */
export type UpdateIndexRelease = UpdateIndexApp['releases'][number];
/** One file of a release of the update index. */
export type UpdateIndexEntry = UpdateIndexRelease['entries'][number];
