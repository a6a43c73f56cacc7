import type { FromSchema } from 'json-schema-to-ts';
import { appId, archName, channelName, osName, range, schemaBase, sha256, signatures, version } from './_fragments.js';

const envelopeSignatures = signatures(
  'Ed25519 signatures over the canonical JSON of `signed`; empty when the store was built without its signing key.',
);

const freshness = {
  serial: { type: 'integer', minimum: 0, description: 'Grows from build to build; a client refuses a serial lower than the last it saw.' },
  expires: {
    type: 'string',
    format: 'date-time',
    description:
      'Only in documents of builds before fresh documents (docs/manifests.md): a client refuses the document after this time. Without it, the document is fresh only while an unexpired `fresh/<app>.json` pins it.',
  },
} as const;

const where = {
  app: appId,
  channel: channelName,
  os: osName,
  arch: archName,
} as const;

const file = {
  type: 'object',
  additionalProperties: false,
  required: ['format', 'osversion', 'appversion'],
  properties: {
    format: { type: 'string', description: 'Archive format (zip, msi, gz, …) or `docker`.' },
    osversion: { ...range, description: 'OS versions this file installs on (`*` = any).' },
    appversion: { ...range, description: 'Installed app versions that may update to this file (`*` = any).' },
    url: { type: 'string' },
    size: { type: 'integer', minimum: 0 },
    sha256,
    signature: { type: 'string', description: 'Base64 RSA-SHA512 signature of the archive by the app certificate.' },
    image: { type: 'string', description: 'Docker image (docker format only).' },
    tag: { type: 'string' },
    digest: { type: 'string' },
    ref: { type: 'string', description: '`image:tag`.' },
  },
} as const;

const candidate = {
  type: 'object',
  additionalProperties: false,
  required: ['version', 'name', 'release', 'date', 'changelog', 'files'],
  properties: {
    version,
    name: { type: 'string', description: '`v<version>`, the name the Sicon API gives a version.' },
    release: { type: 'integer', minimum: 1, description: 'Release number: 1, 2, 3 … per app in landing order.' },
    date: { type: ['string', 'null'] },
    changelog: { type: 'string' },
    rollback: {
      const: true,
      description:
        'The channel is pinned back to this release ("restore live"): a client of the channel on a newer version should install it, a downgrade. Absent otherwise.',
    },
    files: { type: 'array', items: file },
  },
} as const;

/** `update/<app>/<channel>/<os>/<arch>/<p>.json`: what a client at percentile p should consider. */
export const updateManifestSchema = {
  $id: `${schemaBase}update-manifest.schema.json`,
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'appshelf update manifest',
  type: 'object',
  additionalProperties: false,
  required: ['signatures', 'signed'],
  properties: {
    signatures: envelopeSignatures,
    signed: {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'specVersion', 'app', 'channel', 'os', 'arch', 'percentiles', 'candidates'],
      properties: {
        type: { const: 'appshelf-update' },
        specVersion: { const: 1 },
        ...where,
        percentiles: {
          type: 'object',
          additionalProperties: false,
          required: ['from', 'to'],
          description: 'The run of percentiles that get exactly this document.',
          properties: { from: { type: 'integer', minimum: 0, maximum: 99 }, to: { type: 'integer', minimum: 0, maximum: 99 } },
        },
        ...freshness,
        candidates: {
          type: 'array',
          items: candidate,
          description: 'Newest first; take the first whose file matches your format and ranges.',
        },
      },
    },
  },
} as const;

/** `update/<app>/<channel>/<os>/<arch>/index.json`: the percentile bands and the hash of each band's manifest. */
export const platformIndexSchema = {
  $id: `${schemaBase}platform-index.schema.json`,
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'appshelf platform index',
  type: 'object',
  additionalProperties: false,
  required: ['signatures', 'signed'],
  properties: {
    signatures: envelopeSignatures,
    signed: {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'specVersion', 'app', 'channel', 'os', 'arch', 'bands'],
      properties: {
        type: { const: 'appshelf-update-index' },
        specVersion: { const: 1 },
        ...where,
        ...freshness,
        bands: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['from', 'to', 'version', 'sha256', 'length'],
            properties: {
              from: { type: 'integer', minimum: 0, maximum: 99 },
              to: { type: 'integer', minimum: 0, maximum: 99 },
              version: { type: ['string', 'null'], description: 'The newest version these percentiles get, or null.' },
              sha256: { ...sha256, description: 'SHA-256 of the bytes of `<p>.json` for every p of the band.' },
              length: { type: 'integer', minimum: 1 },
            },
          },
        },
      },
    },
  },
} as const;

/** A published update manifest. */
export type UpdateManifestFile = FromSchema<typeof updateManifestSchema>;
/** The signed part of an update manifest. */
export type UpdateManifest = UpdateManifestFile['signed'];
/** One candidate of an update manifest. */
export type ManifestCandidate = UpdateManifest['candidates'][number];
/** A published update index. */
export type PlatformIndexFile = FromSchema<typeof platformIndexSchema>;
/** The signed part of an update index. */
export type PlatformIndex = PlatformIndexFile['signed'];
