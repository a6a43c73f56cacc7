import type { FromSchema } from 'json-schema-to-ts';
import { channelName, stringList } from './_fragments.js';

const channel = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  description: 'A release channel. Channels are listed from the most mature (e.g. stable) to the least (e.g. nightly).',
  properties: {
    name: { ...channelName, description: 'Channel name as clients send it (`channel=` in /update).' },
    maturity: {
      type: 'string',
      description: 'Maturity label shown in the catalog (stable, beta, alpha, nightly …). Defaults to the name.',
    },
    description: { type: 'string' },
    nightly: { type: 'boolean', description: 'Whether nightly releases may be published on this channel.' },
  },
} as const;

/** `store/store.yaml`: the store's name, URL, channels, trust and limits. */
export const storeSchema = {
  $id: 'https://appshelf.dev/schemas/store.schema.json',
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'appshelf store',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'channels'],
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    baseUrl: {
      type: 'string',
      format: 'uri',
      pattern: '^https?://',
      description: 'Public URL the built site is served from; archive URLs in manifests are made absolute with it.',
    },
    repository: {
      type: 'string',
      format: 'uri',
      pattern: '^https?://',
      description:
        "Web URL of the store's own git repository (e.g. https://github.com/org/store): the release log links pull requests under <repository>/pull/<n>.",
    },
    categories: {
      type: 'array',
      maxItems: 200,
      description: 'The category vocabulary: when given, apps may only use these ids, and the store front shows their names.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name'],
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 64 },
          name: { type: 'string', minLength: 1, maxLength: 64 },
          description: { type: 'string', maxLength: 256 },
        },
      },
    },
    admins: { ...stringList, description: 'Store admins: may change any app (see `check --actor`).' },
    platforms: {
      type: 'object',
      additionalProperties: false,
      description:
        'Names of operating systems and architectures this store uses besides the built-in ones (docs/store-format.md lists those).',
      properties: {
        os: { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^[a-z0-9][a-z0-9_.-]*$', maxLength: 32 } },
        architectures: { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^[a-z0-9][a-z0-9_.-]*$', maxLength: 32 } },
      },
    },
    channels: { type: 'array', minItems: 1, items: channel },
    includeMoreMature: {
      type: 'boolean',
      description:
        'When true (default), a client on a channel also receives newer releases of every more mature channel, so beta users are never behind stable.',
    },
    trust: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ca: { type: 'string', description: 'Path of the store CA certificate (PEM), relative to the store folder.' },
        revoked: { type: 'string', description: 'Path of the revocation list (YAML), relative to the store folder.' },
        signatures: { enum: ['required', 'optional'], description: 'Whether every release entry must be signed. Default: required.' },
      },
    },
    signing: {
      type: 'object',
      additionalProperties: false,
      properties: {
        publicKey: { type: 'string', description: 'Ed25519 public key (PEM) that verifies the signed update manifests.' },
        expiresDays: { type: 'integer', minimum: 1, maximum: 365, description: 'How long signed manifests stay valid. Default: 7.' },
      },
    },
    limits: {
      type: 'object',
      additionalProperties: false,
      description: 'Size limits of store files and archives.',
      properties: {
        archiveSize: { type: 'integer', minimum: 1, description: 'Largest archive in bytes. Default: 512 MiB.' },
        uncompressedSize: {
          type: 'integer',
          minimum: 1,
          description: 'Largest total uncompressed size of an app bundle in bytes. Default: 1 GiB.',
        },
        entries: { type: 'integer', minimum: 1, description: 'Most entries in an app bundle. Default: 20000.' },
        metadataFileSize: {
          type: 'integer',
          minimum: 1,
          description: 'Largest info.xml or CHANGELOG.md read from a bundle. Default: 1 MiB.',
        },
        storeFileSize: {
          type: 'integer',
          minimum: 1,
          description:
            'Largest store file (store.yaml, app.yaml, a release file, a certificate, the revocation list) in bytes, refused before it is parsed. Default: 1 MiB.',
        },
      },
    },
    fetch: {
      type: 'object',
      additionalProperties: false,
      description: 'Downloading of remote (https) archives.',
      properties: {
        allowLoopback: { type: 'boolean', description: 'Allow loopback and private addresses (tests only). Default: false.' },
        allowHttp: { type: 'boolean', description: 'Allow plain http URLs (tests only). Default: false.' },
        timeoutSeconds: { type: 'integer', minimum: 1, description: 'Per-download timeout. Default: 60.' },
        maxSize: { type: 'integer', minimum: 1, description: 'Largest download in bytes. Default: the archiveSize limit.' },
      },
    },
  },
} as const;

/** `store.yaml` as written. */
export type StoreFile = FromSchema<typeof storeSchema>;
/** One channel of `store.yaml`. */
export type ChannelFile = StoreFile['channels'][number];

/** Size limits, with every default filled in. */
export type Limits = Readonly<{
  archiveSize: number;
  uncompressedSize: number;
  entries: number;
  metadataFileSize: number;
  storeFileSize: number;
}>;

/** Defaults for `limits` in store.yaml (the descriptions above say the same). */
export const defaultLimits: Limits = {
  archiveSize: 512 * 1024 ** 2,
  uncompressedSize: 1024 ** 3,
  entries: 20_000,
  metadataFileSize: 1024 ** 2,
  storeFileSize: 1024 ** 2,
};
