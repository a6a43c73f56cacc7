import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Bump when emitted files change in a way their inputs do not show (a new layout of a subtree).
 * Code changes are covered anyway: keys include a hash of the emitting code.
 */
export const OUTPUT_FORMAT = 1;

/**
 * A hex SHA-256 over `inputs` (JSON; positions and source paths left out) and the code that turns
 * them into files: equal keys mean equal output, so output made from a key can be reused.
 */
export function contentKey(kind: string, inputs: unknown): string {
  return createHash('sha256').update(`appshelf-output ${OUTPUT_FORMAT} ${kind} ${codeId()}\n`).update(JSON.stringify(inputs, replacer)).digest('hex');
}

// --- internal ---

// Positions and source paths say where an input was written, not what it is; semver repeats `version`.
const notContent = new Set(['at', 'rel', 'semver']);
const replacer = (key: string, value: unknown) => (notContent.has(key) ? undefined : value);

let code: string | undefined;

/**
 * Hash of the code that makes output from inputs (emit, resolve, util, schema): output made by
 * another version of appshelf is never reused, so a fix in the emitter reaches every app on the
 * next build, not only the apps that change.
 */
function codeId(): string {
  if (code) return code;
  const hash = createHash('sha256');
  for (const dir of ['./', '../resolve/', '../util/', '../schema/']) {
    const abs = fileURLToPath(new URL(dir, import.meta.url));
    for (const name of readdirSync(abs).filter((n) => /\.(js|ts)$/.test(n)).sort()) hash.update(name).update(readFileSync(`${abs}/${name}`));
  }
  return (code = hash.digest('hex'));
}
