import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../../src/errors/index.js';
import { unpackTarGz } from '../../../src/client/installer/files.js';
import { tmpDir } from '../../helpers.js';
import { tgz } from '../../inspect/_bundles.js';

// The client's extractor applies the same member rule as the build's bundle inspector
// (src/util/tar-member.ts): names are normalized before any rule.

async function unpack(members: Parameters<typeof tgz>[0]): Promise<{ error?: string; dest: string }> {
  const dir = tmpDir();
  const archive = path.join(dir, 'a.tar.gz');
  writeFileSync(archive, tgz(members));
  const dest = path.join(dir, 'out');
  mkdirSync(dest);
  try {
    await unpackTarGz(archive, dest, 'https://store.example/a.tar.gz');
    return { dest };
  } catch (e) {
    if (!(e instanceof StoreError)) throw e;
    return { error: `${e.diagnostics[0]!.code}: ${e.diagnostics[0]!.message}`, dest };
  }
}

describe('the client extractor', () => {
  it('unpacks plain members, whatever their spelling', async () => {
    const r = await unpack([
      { path: './app//bin/', type: 'Directory' },
      { path: 'app/./bin/run', body: 'x' },
    ]);
    expect(r.error).toBeUndefined();
    expect(existsSync(path.join(r.dest, 'app/bin/run'))).toBe(true);
  });

  it.each([
    [
      'a second spelling of one member',
      [
        { path: 'app/run', body: 'a' },
        { path: 'app/./run', body: 'b' },
      ],
      'repeats an earlier member under another spelling',
    ],
    [
      'a trailing-slash twin',
      [
        { path: 'app/run', body: 'a' },
        { path: 'app//run', body: 'b' },
      ],
      'repeats an earlier member',
    ],
    ['a backslash traversal', [{ path: 'app\\..\\..\\evil', body: 'x' }], 'points outside the install folder'],
    ['a link', [{ path: 'app/link', type: 'SymbolicLink', linkpath: '/etc/passwd' }], 'is a symbolic link'],
  ] as const)('refuses %s', async (_name, members, why) => {
    const r = await unpack(members as never);
    expect(r.error).toMatch(/^E_INSTALL_UNSAFE_ARCHIVE: /);
    expect(r.error).toContain(why);
  });
});
