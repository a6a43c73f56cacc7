import type { FromSchema } from 'json-schema-to-ts';
import { appId } from './_fragments.js';

// The data read from an app bundle's `<id>/appinfo/info.xml`, modelled on Nextcloud's info.xsd
// (https://apps.nextcloud.com/schema/apps/info.xsd). Keys are the XML element and attribute
// names, so a validation error names the element it is about; repeated elements become arrays,
// translated ones (`lang`) an object by language. The `description` of a property is the
// explanation shown when its pattern does not match.

const limitedString = { type: 'string', minLength: 1, maxLength: 256 } as const;

const url = { type: 'string', minLength: 1, maxLength: 256, pattern: '^https?://.+', description: 'an http(s) URL' } as const;

const secureUrl = { type: 'string', minLength: 1, maxLength: 256, pattern: '^https://.+', description: 'an https URL' } as const;

/** Dependency versions: one to three numbers (`30`, `8.1`, `1.2.3`), as info.xsd's `version` type. */
const depVersion = {
  type: 'string',
  pattern: '^[0-9]+(\\.[0-9]+){0,2}$',
  description: 'a version of one to three numbers such as 30 or 8.1',
} as const;

const langCode = {
  type: 'string',
  pattern: '^[a-z]{2,3}([-_][a-zA-Z]{2,4})?$',
  description: 'a language code such as en, de or pt-br',
} as const;

/** A translated element: text by language, English required. */
const l10nString = {
  type: 'object',
  required: ['en'],
  propertyNames: langCode,
  properties: { en: { type: 'string', minLength: 1, maxLength: 128 } },
  additionalProperties: { type: 'string', minLength: 1, maxLength: 128 },
} as const;

const l10nText = {
  ...l10nString,
  properties: { en: { type: 'string', minLength: 1 } },
  additionalProperties: { type: 'string', minLength: 1 },
} as const;

const minMax = {
  'min-version': depVersion,
  'max-version': depVersion,
} as const;

/** Licences info.xml may name: SPDX ids and the older short names Nextcloud still accepts. */
export const infoXmlLicences = [
  'AGPL-3.0-only',
  'AGPL-3.0-or-later',
  'Apache-2.0',
  'GPL-3.0-only',
  'GPL-3.0-or-later',
  'MIT',
  'MPL-2.0',
  'agpl',
  'apache',
  'gpl3',
  'mit',
  'mpl',
] as const;

/** App store categories of info.xml `<category>`. */
const infoXmlCategories = [
  'customization',
  'dashboard',
  'files',
  'games',
  'integration',
  'monitoring',
  'multimedia',
  'office',
  'organization',
  'search',
  'security',
  'social',
  'tools',
  'workflow',
] as const;

/** The metadata of an app bundle's info.xml, as data; published per release in `api/v1/apps/<id>.json` (`info`). */
export const infoXmlSchema = {
  $id: 'https://appshelf.dev/schemas/info-xml.schema.json',
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'appshelf app bundle info.xml',
  description:
    "The metadata read from <id>/appinfo/info.xml of an app bundle, modelled on Nextcloud's info.xsd. Element and attribute names are kept; translated elements become an object by language.",
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'summary', 'description', 'version', 'licence', 'author', 'category', 'dependencies'],
  properties: {
    id: { ...appId, description: 'an app id (lower-case ASCII letters, digits and _, starting with a letter)' },
    name: { ...l10nString, description: 'App name by language; English (lang="en" or no lang) required.' },
    summary: { ...l10nString, description: 'One-line summary by language; defaults to the description.' },
    description: { ...l10nText, description: 'Markdown description by language.' },
    version: {
      type: 'string',
      maxLength: 256,
      pattern: '^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?$',
      description: 'a semantic version without build metadata (1.2.3 or 1.2.3-beta.1)',
    },
    licence: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: infoXmlLicences } },
    author: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: limitedString,
          mail: { type: 'string', maxLength: 256, pattern: '^[^@\\s]+@[^.@\\s]+\\..+$', description: 'an e-mail address' },
          homepage: url,
        },
      },
    },
    namespace: { ...limitedString, pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'a PHP namespace segment such as News' },
    category: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: infoXmlCategories } },
    website: url,
    discussion: url,
    bugs: url,
    repository: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: {
        url,
        type: { type: 'string', enum: ['git', 'mercurial', 'subversion', 'bzr'] },
      },
    },
    documentation: {
      type: 'object',
      additionalProperties: false,
      properties: { user: url, admin: url, developer: url },
    },
    screenshot: {
      type: 'array',
      maxItems: 10,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['url'],
        properties: { url: secureUrl, 'small-thumbnail': secureUrl },
      },
    },
    dependencies: {
      type: 'object',
      additionalProperties: false,
      required: ['nextcloud'],
      properties: {
        php: {
          type: 'object',
          additionalProperties: false,
          properties: { ...minMax, 'min-int-size': { type: 'string', enum: ['32', '64'] } },
        },
        database: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name'],
            properties: { name: { type: 'string', enum: ['sqlite', 'mysql', 'pgsql'] }, ...minMax },
          },
        },
        command: {
          type: 'array',
          uniqueItems: true,
          items: { type: 'string', maxLength: 256, pattern: '^[a-zA-Z_-]+$', description: 'a shell command name (letters, - and _)' },
        },
        lib: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name'],
            properties: { name: limitedString, ...minMax },
          },
        },
        architecture: {
          type: 'array',
          uniqueItems: true,
          items: { type: 'string', enum: ['x86', 'x86_64', 'aarch', 'aarch64'] },
        },
        nextcloud: {
          type: 'object',
          additionalProperties: false,
          required: ['min-version', 'max-version'],
          properties: minMax,
        },
      },
    },
  },
} as const;

/** info.xml as data (see {@link infoXmlSchema}). */
export type InfoXml = FromSchema<typeof infoXmlSchema>;
