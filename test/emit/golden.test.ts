import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyFreshDoc, verifyManifest } from '../../src/client/index.js';
import { isCopy } from '../../src/emit/index.js';
import { buildStore } from '../../src/index.js';
import { resolveBands } from '../../src/resolve/index.js';
import { compileValidator, UPDATE_INDEX_PATH, updateIndexSchema } from '../../src/schema/index.js';
import { sha256Hex } from '../../src/util/hash.js';
import { stableJson } from '../../src/util/stable-json.js';
import { fixture, repoRoot, tmpStore } from '../helpers.js';

const now = new Date('2026-04-01T00:00:00Z');
const env = { APPSHELF_SIGNING_KEY: readFileSync(path.join(repoRoot, 'demo-keys/manifest-signing.key'), 'utf8') };

describe('golden output of test/fixtures/manifest-basic', async () => {
  // A copy outside the repository: no git history, so the output depends on the files and `now` only.
  const cwd = tmpStore({}, fixture('manifest-basic/store'));
  const r = await buildStore({ storeDir: path.join(cwd, 'store'), write: false, now, env });

  it('resolves rollout, yank, pin and independent channels', async () => {
    expect(r.diagnostics).toEqual([]);
    const bands = resolveBands(r.store!, r.store!.apps[0]!)
      .filter((b) => b.arch === 'arm64')
      .map((b) => `${b.channel} ${b.from}-${b.to} ${b.version}`);
    expect(bands).toEqual(['stable 0-9 2.0.0-rc.1', 'stable 10-99 1.1.0', 'beta 0-99 1.1.0']);
    const publicKey = r.store!.signing.publicKey;
    const fresh = await verifyFreshDoc(r.files.get('fresh/tool.json') as Uint8Array, { publicKey, now });
    const m = await verifyManifest(r.files.get('update/tool/stable/linux/arm64/50.json') as Uint8Array, {
      publicKey,
      now,
      fresh: fresh.ok ? fresh.doc : undefined,
    });
    // 1.1.0 needs linux >= 5.4, so 1.0.0 stays a candidate for older kernels; 1.2.0 is yanked.
    expect(m.ok && m.doc.candidates.map((c) => [c.version, c.release, c.files[0]!.osversion])).toEqual([
      ['1.1.0', 2, '>=5.4'],
      ['1.0.0', 1, '*'],
    ]);
  });

  it('publishes an update index that its schema (src/schema/update-index.ts) accepts', () => {
    const index = JSON.parse(Buffer.from(r.files.get(UPDATE_INDEX_PATH) as Uint8Array).toString('utf8'));
    const valid = compileValidator(updateIndexSchema);
    expect(valid(index), JSON.stringify(valid.errors)).toBe(true);
    expect(index.apps.map((a: { id: string }) => a.id)).toEqual(['tool']);
  });

  it('matches the golden hashes', async () => {
    const hashes = Object.fromEntries(
      [...r.files]
        .filter(([f, c]) => !isCopy(c) && /^(update|api|fresh)\//.test(f) && !/\.(br|gz)$/.test(f) && !f.endsWith('update-index.json'))
        .map(([f, c]) => [f, sha256Hex(c as Uint8Array)]),
    );
    await expect(stableJson(hashes)).toMatchFileSnapshot('./__golden__/manifest-basic.json');
  });
});
