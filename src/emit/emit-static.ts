import path from 'node:path';
import fg from 'fast-glob';
import { publishedSchemas } from '../schema/index.js';
import { stableJson } from '../util/stable-json.js';
import { utf8, type SiteFiles } from './site-files.js';

/** `schemas/*.schema.json`, generated from the schema objects in code. */
export function emitSchemas(files: SiteFiles): void {
  for (const [name, schema] of Object.entries(publishedSchemas)) files.set(`schemas/${name}`, utf8(stableJson(schema)));
}

/** The web catalog: every file of `publicDir`, copied as is (generated files win on a clash). */
export function emitPublic(publicDir: string, files: SiteFiles): void {
  for (const rel of fg.sync('**/*', { cwd: publicDir, onlyFiles: true, dot: false }).sort()) {
    if (!files.has(rel)) files.set(rel, { copyFrom: path.join(publicDir, rel) });
  }
}
