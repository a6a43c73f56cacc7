// Small `as const` pieces composed into the file schemas. Semantic checks that a pattern cannot do
// (semver ranges, channel references) live in resolve/ rules.

/** App ids: lower-case ASCII letters, digits and `_`, starting with a letter (Nextcloud's rule). */
export const appId = { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 64 } as const;

/** Channel names, as they appear in URLs. */
export const channelName = { type: 'string', pattern: '^[a-z][a-z0-9_-]*$', maxLength: 32 } as const;

/** A semantic version; exact validity is checked with semver in resolve. */
export const version = { type: 'string', minLength: 1, maxLength: 128 } as const;

/** A semver range such as ">=10.6" or "^1.2.0"; parsed with semver in resolve. */
export const range = { type: 'string', minLength: 1, maxLength: 256 } as const;

/** Operating system names as clients send them (auto-update-server uses osx, windows, linux). */
export const osName = { type: 'string', pattern: '^[a-z0-9][a-z0-9_.-]*$', maxLength: 32 } as const;

/** CPU architecture names (x86, x86-64, arm64, …). */
export const archName = { type: 'string', pattern: '^[a-z0-9][a-z0-9_.-]*$', maxLength: 32 } as const;

export const sha256 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;

/** Base64, possibly wrapped over several lines as `openssl base64` prints it. */
export const base64 = { type: 'string', pattern: '^[A-Za-z0-9+/=\\s]+$' } as const;

export const percent = { type: 'number', minimum: 0, maximum: 100 } as const;

export const httpsUrl = { type: 'string', format: 'uri', pattern: '^https?://' } as const;

/** A file inside the app folder (relative, forward slashes, no `..`): icons and screenshots. */
export const mediaFile = {
  type: 'string',
  pattern: '^(?!.*(^|/)\\.\\.?(/|$))[A-Za-z0-9_][A-Za-z0-9._/-]*\\.(png|jpe?g|webp)$',
  maxLength: 200,
} as const;

export const stringList = { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true } as const;

/** Base of the `$id`s of the published schemas. */
export const schemaBase = 'https://appshelf.dev/schemas/';

/** The `signatures` of a signed envelope (manifest, platform index, fresh document). */
export const signatures = (description: string) =>
  ({
    type: 'array',
    description,
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['keyid', 'sig'],
      properties: {
        keyid: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'SHA-256 (hex) of the DER public key.' },
        sig: { type: 'string', description: 'Base64 Ed25519 signature.' },
      },
    },
  }) as const;
