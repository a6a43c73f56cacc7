import type { FromSchema } from 'json-schema-to-ts';
import { diag, Errors, StoreError } from '../../errors/index.js';
import { compileValidator } from '../../schema/ajv.js';
import { fetchDocument } from './http.js';
import { storeFileUrl } from './manifest.js';
import type { Offer } from './select.js';

// Only the fields the client reads: the API may grow without breaking older clients.
const channel = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string' }, maturity: { type: 'string' }, order: { type: 'integer' } },
} as const;

const catalogSchema = {
  type: 'object',
  required: ['channels', 'apps'],
  properties: {
    store: { type: 'object', properties: { name: { type: 'string' } } },
    channels: { type: 'array', items: channel },
    apps: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id'],
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          summary: { type: 'string' },
          latest: { type: ['string', 'null'] },
          live: { type: 'object', additionalProperties: { type: ['string', 'null'] } },
        },
      },
    },
  },
} as const;

const apiFile = {
  type: 'object',
  required: ['os', 'architectures', 'osversion', 'appversion', 'format'],
  properties: {
    os: { type: 'string' },
    architectures: { type: 'array', items: { type: 'string' } },
    osversion: { type: 'string' },
    appversion: { type: 'string' },
    format: { type: 'string' },
    url: { type: 'string' },
    size: { type: 'integer' },
    sha256: { type: 'string' },
    signature: { type: 'string' },
  },
} as const;

const appDetailsSchema = {
  type: 'object',
  required: ['id', 'releases'],
  properties: {
    id: { type: 'string' },
    releases: {
      type: 'array',
      items: {
        type: 'object',
        required: ['version', 'files'],
        properties: {
          version: { type: 'string' },
          yanked: { type: 'boolean' },
          yankReason: { type: 'string' },
          files: { type: 'array', items: apiFile },
        },
      },
    },
  },
} as const;

/** `api/v1/apps.json`, the parts the client reads. */
export type StoreCatalog = FromSchema<typeof catalogSchema>;
/** `api/v1/apps/<app>.json`, the parts the client reads. */
export type AppDetails = FromSchema<typeof appDetailsSchema>;

const validateCatalog = compileValidator<StoreCatalog>(catalogSchema);
const validateAppDetails = compileValidator<AppDetails>(appDetailsSchema);

/** Fetches `api/v1/apps.json`; a store without one is not an appshelf store. */
export async function fetchCatalog(storeUrl: string): Promise<StoreCatalog> {
  const url = storeFileUrl(storeUrl, 'api/v1/apps.json');
  return parseJson(url, await fetchDocument(url), validateCatalog);
}

/** Fetches `api/v1/apps/<app>.json`. */
export async function fetchAppDetails(storeUrl: string, app: string): Promise<AppDetails> {
  const url = storeFileUrl(storeUrl, `api/v1/apps/${encodeURIComponent(app)}.json`);
  return parseJson(url, await fetchDocument(url), validateAppDetails);
}

/** The store's most mature channel: the lowest `order` (the first listed in store.yaml). */
export function defaultChannel(catalog: StoreCatalog): string | undefined {
  return [...catalog.channels].sort((a, b) => (a.order ?? 0) - (b.order ?? 0))[0]?.name;
}

/** The API's releases of an app as offers for one platform; yanked releases are left out. */
export function apiOffers(details: AppDetails, os: string, arch: string): Offer[] {
  return details.releases
    .filter((r) => !r.yanked)
    .map((r) => ({
      version: r.version,
      files: r.files
        .filter((f) => f.os === os && f.architectures.includes(arch))
        .map((f) => ({
          format: f.format,
          osversion: f.osversion,
          appversion: f.appversion,
          url: f.url,
          size: f.size,
          sha256: f.sha256,
          signature: f.signature,
        })),
    }));
}

// --- internal ---

function parseJson<T>(url: string, bytes: Uint8Array | undefined, valid: (d: unknown) => d is T): T {
  if (!bytes) throw new StoreError(diag(Errors.InstallBadResponse, [url, 'it does not exist (HTTP 404)']));
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new StoreError(diag(Errors.InstallBadResponse, [url, 'it is not JSON']));
  }
  if (!valid(data)) throw new StoreError(diag(Errors.InstallBadResponse, [url, 'it does not have the fields of the appshelf API']));
  return data;
}
