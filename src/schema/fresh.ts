import type { FromSchema } from 'json-schema-to-ts';
import { appId, archName, channelName, osName, schemaBase, sha256, signatures } from './_fragments.js';

const pin = {
  type: 'object',
  additionalProperties: false,
  required: ['sha256', 'length'],
  properties: { sha256, length: { type: 'integer', minimum: 1 } },
} as const;

const platform = {
  type: 'object',
  additionalProperties: false,
  required: ['channel', 'os', 'arch', 'index', 'bands'],
  properties: {
    channel: channelName,
    os: osName,
    arch: archName,
    index: { ...pin, description: 'SHA-256 and length of `update/<app>/<channel>/<os>/<arch>/index.json`.' },
    bands: {
      type: 'array',
      description: 'SHA-256 and length of `<p>.json` for every percentile p from `from` to `to`.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['from', 'to', 'sha256', 'length'],
        properties: {
          from: { type: 'integer', minimum: 0, maximum: 99 },
          to: { type: 'integer', minimum: 0, maximum: 99 },
          sha256,
          length: { type: 'integer', minimum: 1 },
        },
      },
    },
  },
} as const;

/**
 * `fresh/<app>.json`: the short-lived signed document (TUF's timestamp role, per app) that pins
 * the app's long-lived manifests and platform indexes by hash. Re-signed by every day's build;
 * a client refuses a manifest no unexpired fresh document pins.
 */
export const freshDocSchema = {
  $id: `${schemaBase}fresh.schema.json`,
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'appshelf fresh document',
  type: 'object',
  additionalProperties: false,
  required: ['signatures', 'signed'],
  properties: {
    signatures: signatures('Ed25519 signatures over the canonical JSON of `signed`.'),
    signed: {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'specVersion', 'app', 'serial', 'expires', 'platforms'],
      properties: {
        type: { const: 'appshelf-fresh' },
        specVersion: { const: 1 },
        app: appId,
        serial: {
          type: 'integer',
          minimum: 0,
          description: 'Grows every day; a client refuses a serial lower than the last it saw for this app.',
        },
        expires: {
          type: 'string',
          format: 'date-time',
          description: 'A client refuses the document (and every manifest it pins) from this time on.',
        },
        platforms: { type: 'array', items: platform, description: 'Every channel × platform of the app, sorted by channel, os, arch.' },
      },
    },
  },
} as const;

/** A published fresh document. */
export type FreshDocFile = FromSchema<typeof freshDocSchema>;
/** The signed part of a fresh document. */
export type FreshDoc = FreshDocFile['signed'];
/** What a fresh document pins of one channel × platform. */
export type FreshPlatform = FreshDoc['platforms'][number];
