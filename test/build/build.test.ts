import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/util/hash.js';
import { repoRoot, runBin, runCli, tmpStore } from '../helpers.js';

/** Every file of a folder → sha256, to compare whole sites. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fg.sync('**/*', { cwd: dir, dot: true }).sort()) out[f] = sha256Hex(readFileSync(path.join(dir, f)));
  return out;
}

describe('appshelf build', () => {
  it('writes the API and schemas for the example store', async () => {
    const cwd = tmpStore();
    const r = await runCli(['build'], cwd);
    expect(r.stderr).toMatch(/✓ built dist\/: \d+ files/);
    expect(r.code).toBe(0);
    const apps = JSON.parse(readFileSync(path.join(cwd, 'dist/api/v1/apps.json'), 'utf8'));
    expect(apps.apps.map((a: { id: string }) => a.id)).toEqual(['cockpit', 'legacy_sync', 'news', 'shelfnotes']);
    expect(existsSync(path.join(cwd, 'dist/api/v1/apps/news.json'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(cwd, 'dist/schemas/release.schema.json'), 'utf8')).title).toBe('appshelf release');
    expect(existsSync(path.join(cwd, 'dist/files/shelfnotes/1.5.0/shelfnotes-1.5.0-windows-x64.msi'))).toBe(true);
  });

  it('gives byte-identical output for the same store', async () => {
    const cwd = tmpStore();
    expect((await runCli(['build', '--out', 'a'], cwd)).code).toBe(0);
    expect((await runCli(['build', '--out', 'b'], cwd)).code).toBe(0);
    expect((await runCli(['build', '--out', 'a'], cwd)).code).toBe(0);
    expect(snapshot(path.join(cwd, 'a'))).toEqual(snapshot(path.join(cwd, 'b')));
  });

  it('leaves the previous site untouched when the store has errors', async () => {
    const cwd = tmpStore();
    expect((await runCli(['build'], cwd)).code).toBe(0);
    const before = snapshot(path.join(cwd, 'dist'));
    writeFileSync(path.join(cwd, 'store/apps/news/releases/1.1.0.yaml'), 'version: 1.1.0\nchannels: [nope]\n');
    const r = await runCli(['build'], cwd);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('dist/ was not changed');
    expect(snapshot(path.join(cwd, 'dist'))).toEqual(before);
  });

  it('leaves the previous site untouched when killed halfway, and recovers on the next build', async () => {
    const cwd = tmpStore();
    expect((await runCli(['build'], cwd)).code).toBe(0);
    const before = snapshot(path.join(cwd, 'dist'));
    // A big archive keeps the build busy writing long enough to kill it mid-way.
    const big = Buffer.alloc(64 * 1024 * 1024, 7);
    writeFileSync(path.join(cwd, 'store/apps/legacy_sync/files/legacy_sync-2.3.0-linux.deb'), big);
    const release = path.join(cwd, 'store/apps/legacy_sync/releases/2.3.0.yaml');
    const text = readFileSync(release, 'utf8')
      .replace(/size: 72\n/, `size: ${big.length}\n`)
      .replace('db65949db520d90baca7335cfbdad11556a9bdf708c5b5abfc7593c978f234aa', sha256Hex(big));
    writeFileSync(release, text.replace(/(file: files\/legacy_sync-2\.3\.0-linux\.deb[\s\S]*?)\n\s+signature: .*\n?/, '$1\n'));
    writeFileSync(path.join(cwd, 'store/store.yaml'), readFileSync(path.join(cwd, 'store/store.yaml'), 'utf8').replace('signatures: required', 'signatures: optional'));
    const child = spawn(process.execPath, [path.join(repoRoot, 'lib/cli/main.js'), 'build'], { cwd, stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        if (readdirSync(cwd).some((n) => n.startsWith('dist.tmp-'))) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        } else if (Date.now() - started > 20_000) {
          clearInterval(poll);
          child.kill('SIGKILL');
          reject(new Error('the build never started writing'));
        }
      }, 2);
    });
    await new Promise((r) => child.on('close', r));
    expect(snapshot(path.join(cwd, 'dist'))).toEqual(before);
    const again = await runBin(['build'], cwd);
    expect(again.code).toBe(0);
    expect(readdirSync(cwd).filter((n) => n.startsWith('dist.'))).toEqual([]);
  });

  it('refuses to write the site over the store or the working directory', async () => {
    const cwd = tmpStore();
    for (const out of ['store', 'store/dist', '.']) {
      const r = await runCli(['build', '--out', out], cwd);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('error E_OUT_DIR: Refusing to write the site to');
    }
  });
});
