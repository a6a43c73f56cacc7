import { randomInt } from 'node:crypto';
import type { FromSchema } from 'json-schema-to-ts';
import { compileValidator } from '../../schema/ajv.js';
import { stableJson } from '../../util/stable-json.js';

const installedApp = {
  type: 'object',
  additionalProperties: false,
  required: ['uid', 'version', 'channel', 'store', 'os', 'arch', 'format', 'url', 'sha256', 'size', 'installedAt', 'updatedAt'],
  properties: {
    uid: { type: 'string', description: 'Random UUID of this installation; stays the same across updates.' },
    version: { type: 'string', description: 'The version `current` points at.' },
    channel: { type: 'string' },
    store: { type: 'string', description: 'URL of the store the app came from (the Market API\'s "repo").' },
    os: { type: 'string' },
    arch: { type: 'string' },
    format: { type: 'string' },
    url: { type: 'string', description: 'Where the installed archive was downloaded from.' },
    sha256: { type: 'string' },
    size: { type: 'integer', minimum: 0 },
    file: { type: 'string', description: 'For opaque formats (zip, msi …): the file name inside the version folder.' },
    installedAt: { type: 'string', description: 'When the app was first installed (ISO 8601).' },
    updatedAt: { type: 'string', description: 'When `version` was installed (ISO 8601).' },
    previous: { type: 'string', description: 'The version kept for rollback until the next successful update.' },
    rolledBackFrom: {
      type: 'string',
      description: 'Set when `version` came from a rollback (the channel pinned back): the version it replaced.',
    },
  },
} as const;

const storeTrust = {
  type: 'object',
  additionalProperties: false,
  required: ['serials'],
  properties: {
    publicKey: { type: 'string', description: 'Ed25519 public key (PEM) manifests of this store must be signed with.' },
    serials: {
      type: 'object',
      additionalProperties: { type: 'integer', minimum: 0 },
      description: 'Highest manifest serial seen, by manifest path.',
    },
  },
} as const;

/**
 * `<root>/state.json`: what the client installed, its percentile and what it trusts.
 * @public (scripts/gen-validators.mjs precompiles it from lib/)
 */
export const clientStateSchema = {
  $id: 'https://appshelf.dev/schemas/client-state.schema.json',
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'appshelf client state',
  type: 'object',
  additionalProperties: false,
  required: ['specVersion', 'percentile', 'stores', 'apps'],
  properties: {
    specVersion: { const: 1 },
    percentile: { type: 'integer', minimum: 0, maximum: 99, description: "This installation's stable rollout cohort." },
    stores: { type: 'object', additionalProperties: storeTrust, description: 'Trust per store URL.' },
    apps: { type: 'object', additionalProperties: installedApp, description: 'Installed apps by id.' },
  },
} as const;

/** The client state file. */
export type ClientState = FromSchema<typeof clientStateSchema>;
/** One installed app in the state. */
export type InstalledApp = FromSchema<typeof installedApp>;
/** What the client trusts about one store. */
export type StoreTrust = FromSchema<typeof storeTrust>;

const validateState = compileValidator<ClientState>(clientStateSchema);

/** A fresh state with a random percentile (0..99), drawn once per installation so its cohort is stable. */
export function newState(percentile: number = randomInt(0, 100)): ClientState {
  return { specVersion: 1, percentile, stores: {}, apps: {} };
}

/** Parses state bytes; gives the reason when they are not a valid state. */
export function parseState(text: string): { state: ClientState } | { problem: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { problem: `not JSON (${(e as Error).message})` };
  }
  if (!validateState(data)) {
    const first = validateState.errors?.[0];
    return { problem: `${first?.instancePath || '/'} ${first?.message ?? 'is invalid'}` };
  }
  return { state: data };
}

/** The bytes written to disk: stable JSON, so a state that did not change is byte-identical. */
export const serializeState = (state: ClientState): string => stableJson(state);

/** The trust entry of a store, created empty on first use. */
export function storeTrustOf(state: ClientState, storeUrl: string): StoreTrust {
  return (state.stores[storeUrl] ??= { serials: {} });
}
