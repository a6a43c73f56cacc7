#!/usr/bin/env node
// Writes public/schemas/*.schema.json from the schema objects in src/schema (compiled to lib/).
// test/schema/drift.test.ts fails when the committed files and the code disagree.
import { mkdirSync, writeFileSync } from 'node:fs';
import { publishedSchemas } from '../lib/schema/index.js';
import { stableJson } from '../lib/util/stable-json.js';

const dir = new URL('../public/schemas/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries(publishedSchemas)) {
  writeFileSync(new URL(name, dir), stableJson(schema));
  console.log(`wrote public/schemas/${name}`);
}
