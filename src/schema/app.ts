import type { FromSchema } from 'json-schema-to-ts';
import { appId, base64, channelName, httpsUrl, mediaFile, stringList, version } from './_fragments.js';

/** `store/apps/<id>/app.yaml`: what the app is, who owns it, and how it is signed. */
export const appSchema = {
  $id: 'https://appshelf.dev/schemas/app.schema.json',
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'appshelf app',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name'],
  properties: {
    $schema: { type: 'string' },
    id: { ...appId, description: 'The app id; must equal the folder name and the certificate CN.' },
    name: { type: 'string', minLength: 1, maxLength: 128 },
    updateName: {
      type: 'string',
      minLength: 1,
      maxLength: 128,
      description:
        'The app name `/update` and `/update.json` clients send as `app=` when it is not the id (kept by `appshelf import aus`, e.g. "MyApp"). Compared exactly, as auto-update-server does.',
    },
    summary: { type: 'string', maxLength: 256 },
    description: { type: 'string', description: 'Markdown.' },
    authors: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', minLength: 1 },
          email: { type: 'string', format: 'email' },
          homepage: { type: 'string', format: 'uri' },
        },
      },
    },
    owners: { ...stringList, description: 'Git host user names allowed to change this app (see `check --actor`).' },
    homepage: { type: 'string', format: 'uri' },
    issues: { ...httpsUrl, description: 'Issue tracker URL, linked from the app page.' },
    repository: { ...httpsUrl, description: 'Source repository URL, linked from the app page.' },
    icon: { ...mediaFile, description: 'Square icon (PNG, JPEG or WebP, at most 256 KiB), a file inside the app folder, e.g. icon.png.' },
    screenshots: {
      type: 'array',
      maxItems: 8,
      description: 'Screenshots shown on the app page (PNG, JPEG or WebP, at most 2 MiB each), files inside the app folder.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['file'],
        properties: {
          file: mediaFile,
          caption: { type: 'string', maxLength: 200, description: 'What the screenshot shows (its alternative text).' },
        },
      },
    },
    license: { type: 'string', description: 'SPDX licence id.' },
    categories: { ...stringList, description: 'Category ids; when store.yaml lists `categories`, each must be one of them.' },
    docker: {
      type: 'object',
      additionalProperties: false,
      required: ['image'],
      properties: { image: { type: 'string', pattern: '^[a-z0-9][a-z0-9._/:-]*$', description: 'Docker image name, e.g. sicon/view.' } },
    },
    certificate: {
      type: 'string',
      description: 'The app certificate issued by the store CA: a PEM file name relative to the app folder, or the PEM text.',
    },
    signature: { ...base64, description: "Registration signature: base64 RSA-SHA512 over the app id, by the certificate's key." },
    bundle: {
      type: 'boolean',
      description: 'Releases are app bundles (a .tar.gz holding <id>/appinfo/info.xml, as Nextcloud apps): inspected by the bundle rules.',
    },
    locked: { type: 'boolean', description: 'A locked app accepts no new releases.' },
    pins: {
      type: 'object',
      description: 'Channel → version: the channel serves this version even when newer releases exist (restore a version as live).',
      propertyNames: channelName,
      additionalProperties: version,
    },
  },
} as const;

/** `app.yaml` as written. */
export type AppFile = FromSchema<typeof appSchema>;
