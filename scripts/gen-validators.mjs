#!/usr/bin/env node
// Precompiles the validators of the published schemas with ajv's standalone code into
// lib/schema/_validators.cjs, so commands do not load ajv's compiler and compile at run time.
// Each validator is found by a hash of its schema (src/schema/ajv.ts): a schema changed after
// this ran simply has no precompiled validator and is compiled as before.
// Run by `npm run build:lib` (and `prepare`) after tsc; needs lib/.
import { srcHash, stampFile } from './_src-hash.mjs';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const lib = new URL('../lib/schema/', import.meta.url);
const { AJV_OPTIONS, schemaKey, publishedSchemas } = await import(new URL('index.js', lib).href);
const { Ajv } = require('ajv');
const addFormats = require('ajv-formats');
const standaloneCode = require('ajv/dist/standalone').default;

const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
addFormats(ajv);
// Export name → schema id, as standaloneCode takes them (a schema without $id gets one here).
const exportsById = {};
const hashes = {};
// The client's state file too: every client command reads it.
const { clientStateSchema } = await import(new URL('../client/installer/state.js', lib).href);
[...Object.values(publishedSchemas), clientStateSchema].forEach((schema, i) => {
  const id = schema.$id ?? `appshelf-precompiled-${i}`;
  ajv.addSchema(schema, schema.$id ? undefined : id);
  exportsById[`v${i}`] = id;
  hashes[schemaKey(schema)] = `v${i}`;
});
const code = `${standaloneCode(ajv, exportsById)}\nexports.hashes = ${JSON.stringify(hashes)};\n`;
writeFileSync(new URL('_validators.cjs', lib), code);
// lib/ now matches the sources: the test setup need not compile them again.
writeFileSync(stampFile, `${srcHash()}\n`);
