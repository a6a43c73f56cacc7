import type { FromSchema } from 'json-schema-to-ts';
import { appId } from './_fragments.js';

const revocation = {
  type: 'object',
  additionalProperties: false,
  required: ['serial', 'reason', 'date'],
  description: 'One revoked app certificate.',
  properties: {
    serial: {
      type: 'string',
      pattern: '^(?:[0-9A-Fa-f]{2}:)*[0-9A-Fa-f]+$',
      description: 'Certificate serial number in hex (as `openssl x509 -noout -serial` prints it; colons and case are ignored).',
    },
    app: { ...appId, description: 'The app the certificate was issued to (its CN), for reviewers.' },
    reason: { type: 'string', minLength: 1, description: 'Why it was revoked (key leaked, lost, replaced …).' },
    date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}', description: 'When it was revoked (ISO date).' },
  },
} as const;

/** `store/trust/revoked.yaml`: the app certificates the store no longer trusts (reviewed like any change). */
export const revokedSchema = {
  $id: 'https://appshelf.dev/schemas/revoked.schema.json',
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'appshelf revoked certificates',
  type: 'object',
  additionalProperties: false,
  required: ['revoked'],
  properties: {
    $schema: { type: 'string' },
    revoked: { type: 'array', items: revocation },
  },
} as const;

/** The revocation list as written. */
export type RevokedFile = FromSchema<typeof revokedSchema>;
/** One entry of the revocation list. */
export type RevocationFile = RevokedFile['revoked'][number];
