import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig, pinVersion, setReleaseRollout, writeEdits } from '../../src/index.js';
import { StoreError } from '../../src/errors/index.js';
import { fixture, tmpDir, tmpStore } from '../helpers.js';

describe('authoring verbs as library calls', () => {
  it('return the edits and what to report, and write nothing themselves', () => {
    const cwd = tmpStore({}, fixture('signed-desktop-bundle-docker/store'));
    const config = resolveConfig({ storeDir: path.join(cwd, 'store') });
    const appFile = path.join(config.root, 'apps/cockpit/app.yaml');
    const before = readFileSync(appFile, 'utf8');
    const { edits, result } = pinVersion(config, { app: 'cockpit', channel: 'stable', version: '2.1.0' });
    expect(readFileSync(appFile, 'utf8')).toBe(before);
    expect(edits.map((e) => e.path)).toEqual([appFile]);
    expect(result).toMatchObject({ version: '2.1.0', was: '2.0.1' });
    writeEdits(edits);
    expect(readFileSync(appFile, 'utf8')).toContain('stable: 2.1.0');
    expect(() => setReleaseRollout(config, { app: 'cockpit', version: '9.9.9', channel: 'stable', percent: 5 })).toThrow(StoreError);
  });

  it('write all edits of one verb or none: a failure leaves every file as it was', () => {
    const dir = tmpDir();
    const a = path.join(dir, 'a.yaml');
    writeFileSync(a, 'old\n');
    // The second edit cannot be staged (its folder would have to be the file a.yaml).
    expect(() =>
      writeEdits([
        { path: a, file: 'a.yaml', text: 'new\n' },
        { path: path.join(a, 'b.yaml'), file: 'a.yaml/b.yaml', text: 'b\n' },
      ]),
    ).toThrow();
    expect(readFileSync(a, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['a.yaml']);
    writeEdits([
      { path: path.join(dir, 'new/c.yaml'), file: 'new/c.yaml', text: 'c\n' },
      { path: a, file: 'a.yaml', text: 'new\n' },
    ]);
    expect(readFileSync(a, 'utf8')).toBe('new\n');
    expect(readFileSync(path.join(dir, 'new/c.yaml'), 'utf8')).toBe('c\n');
    expect(readdirSync(dir).sort()).toEqual(['a.yaml', 'new']);
  });
});
