import { describe, expect, it } from 'vitest';
import { publishedSchemas } from '../../src/schema/index.js';
import { stableJson } from '../../src/util/stable-json.js';

describe('published schemas', () => {
  for (const [name, schema] of Object.entries(publishedSchemas)) {
    it(`public/schemas/${name} matches the schema in code (run npm run gen:schemas)`, async () => {
      await expect(stableJson(schema)).toMatchFileSnapshot(`../../public/schemas/${name}`);
    });
  }
});
