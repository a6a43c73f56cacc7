import { createHash } from 'node:crypto';
import { codeHash } from '../util/code-hash.js';

/**
 * Bump when emitted files change in a way their inputs do not show (a new layout of a subtree).
 * Code changes are covered anyway: keys include a hash of the emitting code.
 */
const OUTPUT_FORMAT = 1;

/**
 * A hex SHA-256 over `inputs` (JSON; positions and source paths left out) and the code that turns
 * them into files: equal keys mean equal output, so output made from a key can be reused.
 */
export function contentKey(kind: string, inputs: unknown): string {
  return createHash('sha256')
    .update(`appshelf-output ${OUTPUT_FORMAT} ${kind} ${codeId()}\n`)
    .update(JSON.stringify(inputs, replacer))
    .digest('hex');
}

// --- internal ---

// Positions and source paths say where an input was written, not what it is; semver repeats `version`.
const notContent = new Set(['at', 'rel', 'semver']);
const replacer = (key: string, value: unknown) => (notContent.has(key) ? undefined : value);

/**
 * Hash of the code that makes output from inputs (emit, resolve, util, schema): output made by
 * another version of appshelf is never reused, so a fix in the emitter reaches every app on the
 * next build, not only the apps that change.
 */
const codeId = (): string => codeHash(['emit', 'resolve', 'util', 'schema']);
