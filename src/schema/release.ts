import type { FromSchema } from 'json-schema-to-ts';
import { archName, base64, channelName, httpsUrl, osName, percent, range, sha256, version } from './_fragments.js';

const entry = {
  type: 'object',
  additionalProperties: false,
  required: ['os', 'architectures', 'size', 'sha256'],
  description: 'One downloadable file for one OS and a set of architectures. Give exactly one of `file` and `url`.',
  properties: {
    os: osName,
    architectures: { type: 'array', minItems: 1, uniqueItems: true, items: archName },
    osversion: { ...range, description: 'Semver range of OS versions (">=10.6"). Default: "*".' },
    appversion: { ...range, description: 'Semver range of installed app versions that may update to this one. Default: "*".' },
    format: {
      type: 'string',
      pattern: '^[A-Za-z0-9][A-Za-z0-9.]*$',
      description: 'zip, gz, msi, dmg, AppImage, deb …; default: the file extension.',
    },
    file: { type: 'string', minLength: 1, description: 'Archive path relative to the app folder.' },
    url: { ...httpsUrl, description: 'Remote archive (https); downloaded and verified by check --fetch and build.' },
    size: { type: 'integer', minimum: 0, description: 'Archive size in bytes.' },
    sha256,
    signature: {
      ...base64,
      description: 'base64 RSA-SHA512 signature over the archive bytes (openssl dgst -sha512 -sign KEY FILE | openssl base64).',
    },
    edSignature: {
      type: 'string',
      pattern: '^[A-Za-z0-9+/]{86}==$',
      description:
        "Sparkle: base64 Ed25519 signature over the archive bytes (what Sparkle's sign_update prints as sparkle:edSignature; `appshelf release add --sparkle-key`). Published in the Sparkle appcast.",
    },
    minisign: {
      ...base64,
      maxLength: 2048,
      description:
        'Tauri: the minisign signature of the archive as the Tauri signer writes it (the base64 of the whole .sig file). Published in the Tauri feed.',
    },
  },
} as const;

/** `store/apps/<id>/releases/<version>.yaml`: one released version of an app. */
export const releaseSchema = {
  $id: 'https://appshelf.dev/schemas/release.schema.json',
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'appshelf release',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'channels'],
  properties: {
    $schema: { type: 'string' },
    version: { ...version, description: 'Semantic version; must equal the file name.' },
    updateVersion: {
      type: 'string',
      minLength: 1,
      maxLength: 128,
      description:
        'The version as auto-update-server clients see it in /update answers, when it was spelled otherwise there (e.g. v2.3.0); written by `appshelf import aus`. Default: version.',
    },
    channels: { type: 'array', minItems: 1, uniqueItems: true, items: channelName },
    date: {
      type: 'string',
      pattern: '^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?)?$',
      description: 'Release date, ISO 8601 (2026-03-01 or 2026-03-01T12:00:00Z). Default: when the release landed in git.',
    },
    changelog: { type: 'string', description: "Markdown release notes. Default: the section of the bundle's CHANGELOG.md." },
    nightly: { type: 'boolean' },
    critical: { type: 'boolean', description: 'A critical update (Sparkle shows it as such: sparkle:criticalUpdate in the appcast).' },
    yanked: { type: 'boolean', description: 'Withdrawn: kept in the files and the log, served to no one.' },
    yankReason: { type: 'string', minLength: 1 },
    docker: {
      type: 'object',
      additionalProperties: false,
      required: ['tag'],
      properties: {
        tag: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$' },
        digest: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
      },
    },
    rollout: {
      type: 'object',
      description: 'Channel → percentage of clients (0–100) that get this release. Default 100; 0 halts the rollout.',
      propertyNames: channelName,
      additionalProperties: percent,
    },
    platformRollout: {
      type: 'array',
      maxItems: 256,
      description:
        "Per-platform overrides of `rollout`: the percentage of a channel's clients on one os (or os + architecture, optionally one format, optionally the one file with given osversion/appversion ranges) that get this release. The most specific override that fits wins (ranges, then architecture, then format; os alone last); without one, `rollout` of the channel applies. 0 halts the rollout on that platform only.",
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['channel', 'os', 'percent'],
        properties: {
          channel: channelName,
          os: osName,
          architecture: archName,
          format: {
            type: 'string',
            pattern: '^[A-Za-z0-9][A-Za-z0-9.]*$',
            description: 'Only the files of this format (default: every format).',
          },
          osversion: {
            ...range,
            description: 'Only the file whose osversion range is exactly this text (several files of one format told apart by range).',
          },
          appversion: { ...range, description: 'Only the file whose appversion range is exactly this text.' },
          percent,
        },
      },
    },
    entries: { type: 'array', items: entry },
  },
} as const;

/** A release file as written. */
export type ReleaseFile = FromSchema<typeof releaseSchema>;
/** One entry (platform file) of a release file. */
export type EntryFile = NonNullable<ReleaseFile['entries']>[number];
/** One per-platform rollout override of a release file. */
export type PlatformRolloutFile = NonNullable<ReleaseFile['platformRollout']>[number];
