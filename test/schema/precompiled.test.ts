import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import fg from 'fast-glob';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { AJV_OPTIONS, appSchema, publishedSchemas, releaseSchema, schemaKey, storeSchema } from '../../src/schema/index.js';
import { fixture, repoRoot } from '../helpers.js';

// lib/ is compiled (and the validators precompiled) by the test setup, as `npm run build:lib` does.
const precompiled = createRequire(import.meta.url)('../../lib/schema/_validators.cjs') as { hashes: Record<string, string> } & Record<
  string,
  (data: unknown) => boolean & { errors?: unknown }
>;

const compiler = new Ajv(AJV_OPTIONS);
addFormats.default(compiler);

describe('precompiled validators', () => {
  it('exist for every published schema as it is in the code', () => {
    for (const schema of Object.values(publishedSchemas)) expect(precompiled.hashes[schemaKey(schema)]).toBeDefined();
  });

  it('give the same verdict and errors as validators compiled at run time', () => {
    const files = [
      ...fg.sync(['store/**/*.{yaml,json}'], { cwd: repoRoot, absolute: true }),
      ...fg.sync(['**/store/**/*.{yaml,json}'], { cwd: fixture(''), absolute: true }),
    ];
    const schemaOf = (file: string) =>
      /store\.(ya?ml|json)$/.test(file)
        ? storeSchema
        : /\/app\.(ya?ml|json)$/.test(file)
          ? appSchema
          : /\/releases\//.test(file)
            ? releaseSchema
            : undefined;
    let compared = 0;
    for (const file of files) {
      const schema = schemaOf(file);
      if (!schema) continue;
      let data: unknown;
      try {
        data = file.endsWith('.json') ? JSON.parse(readFileSync(file, 'utf8')) : parse(readFileSync(file, 'utf8'));
      } catch {
        continue; // broken on purpose: never reaches a validator
      }
      const fresh = compiler.getSchema((schema as { $id: string }).$id) ?? compiler.compile(schema);
      const pre = precompiled[precompiled.hashes[schemaKey(schema)]!]! as unknown as typeof fresh;
      expect([pre(data), pre.errors], path.relative(repoRoot, file)).toEqual([fresh(data), fresh.errors]);
      compared++;
    }
    expect(compared).toBeGreaterThan(20);
  });
});
