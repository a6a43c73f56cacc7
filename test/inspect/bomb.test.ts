import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/errors/index.js';
import { runCli, tmpDir } from '../helpers.js';
import { bundleStore, newsMembers, tarBytes, tgz } from './_bundles.js';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

function header(path: string, size: number, type: 'File' | 'ExtendedHeader' = 'File'): Buffer {
  const b = Buffer.alloc(512);
  new Header({ path, type, size, mode: 0o644, mtime: new Date('2026-01-01T00:00:00Z') }).encode(b);
  return b;
}

/**
 * Writes `head`, then `repeat` copies of one small gzip member, to a file: a valid multi-member
 * gzip stream that inflates to gigabytes while the file stays ~2 MB and takes milliseconds to make.
 */
function writeBomb(file: string, head: Buffer, member: Buffer, repeat: number): Buffer {
  const fd = openSync(file, 'w');
  writeSync(fd, head);
  for (let i = 0; i < repeat; i++) writeSync(fd, member);
  closeSync(fd);
  return readFileSync(file);
}

async function timedCheck(archive: Buffer, storeYaml?: string) {
  const cwd = bundleStore(archive, { storeYaml });
  const memory = () => process.memoryUsage().arrayBuffers + process.memoryUsage().heapUsed;
  const before = memory();
  const started = performance.now();
  const r = await runCli(['check', '--store', 'store', '--format', 'json'], cwd);
  const ms = performance.now() - started;
  const grew = memory() - before;
  return { ms, grew, code: r.code, diagnostics: (JSON.parse(r.stdout) as { diagnostics: Diagnostic[] }).diagnostics };
}

describe('gzip bombs', () => {
  // The first in-process run imports the CLI and compiles the schemas; time the bombs, not that.
  beforeAll(async () => {
    await runCli(['check', '--store', 'store'], bundleStore(tgz(newsMembers())));
  });

  it('refuses a 2 GiB member at its header, in well under a second, with flat memory', async () => {
    const dir = tmpDir();
    // A valid app folder, then a member that announces 2 GiB of zeros, which the stream really holds.
    const head = gzipSync(Buffer.concat([tarBytes(newsMembers(), false), header('news/lib/zeros.bin', 2 * GiB)]));
    const zeros = gzipSync(Buffer.alloc(MiB), { level: 9 });
    const bomb = writeBomb(path.join(dir, 'bomb.tar.gz'), head, zeros, 2048);
    expect(bomb.length).toBeLessThan(3 * MiB);

    const r = await timedCheck(bomb);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['E_ARCHIVE_UNCOMPRESSED_TOO_LARGE']);
    expect(r.diagnostics[0]!.message).toBe(
      'news-1.1.0.tar.gz unpacks to more than 1024 MiB (at member news/lib/zeros.bin); reading stopped there.',
    );
    expect(r.code).toBe(1);
    // Not a speed test: inflating the 2 GiB would take far longer than this bound.
    expect(r.ms).toBeLessThan(10_000);
    expect(r.grew).toBeLessThan(64 * MiB);
  });

  it('stops inflating data no header announces once the running total passes the limit', async () => {
    const dir = tmpDir();
    // 2 GiB of pax extended headers: metadata the tar parser consumes without emitting an entry,
    // so only the count of inflated bytes can catch it.
    const pax = gzipSync(Buffer.concat([header('PaxHeader/x', MiB, 'ExtendedHeader'), Buffer.alloc(MiB)]), { level: 9 });
    const bomb = writeBomb(path.join(dir, 'pax-bomb.tar.gz'), Buffer.alloc(0), pax, 2048);
    expect(bomb.length).toBeLessThan(4 * MiB);

    const r = await timedCheck(bomb, 'limits:\n  uncompressedSize: 16777216');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['E_ARCHIVE_UNCOMPRESSED_TOO_LARGE']);
    expect(r.diagnostics[0]!.message).toBe('news-1.1.0.tar.gz unpacks to more than 16 MiB; reading stopped there.');
    // Not a speed test: inflating the 2 GiB would take far longer than this bound.
    expect(r.ms).toBeLessThan(10_000);
    expect(r.grew).toBeLessThan(64 * MiB);
  });
});
