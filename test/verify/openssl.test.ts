import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/util/hash.js';
import { fixture, repoRoot, runCli, tmpDir, tmpStore } from '../helpers.js';
import { check, openssl, setSignature } from './_trust.js';

const SIGNED_BUNDLE = fixture('signed-bundle/store');
const NEWS_RELEASES = ['1.0.0', '1.1.0', '1.2.0-nightly.20260320'];
const archiveOf = (v: string) => `store/apps/news/files/news-${v}.tar.gz`;

/** `openssl dgst -sha512 -sign KEY | openssl base64`: base64 wrapped at 64 columns, as developers paste it. */
function opensslSign(key: string, data: Buffer | string): string {
  return openssl(['base64'], openssl(['dgst', '-sha512', '-sign', key], data)).toString('utf8');
}

/** A YAML literal block holding the wrapped base64, indented under `key:`. */
const block = (b64: string, indent: string) =>
  `|\n${b64
    .trimEnd()
    .split('\n')
    .map((l) => `${indent}  ${l}`)
    .join('\n')}`;

describe('openssl interoperability (real /usr/bin/openssl)', () => {
  it('accepts an openssl key and CSR, and wrapped openssl signatures for registration and releases', async () => {
    const dir = tmpStore({}, SIGNED_BUNDLE);
    const dev = path.join(dir, 'dev');
    mkdirSync(dev);
    openssl(['req', '-nodes', '-newkey', 'rsa:2048', '-keyout', 'news.key', '-out', 'news.csr', '-subj', '/CN=news'], undefined, dev);
    const sign = await runCli(['ca', 'sign', 'dev/news.csr', '--key', path.join(repoRoot, 'demo-keys/ca.key'), '--force'], dir);
    expect(sign.code).toBe(0);
    expect(sign.stdout).toMatch(
      /^certificate: store\/apps\/news\/news\.crt\n {2}CN=news, serial [0-9a-f]+, valid until \d{4}-\d{2}-\d{2}\n/,
    );
    const key = path.join(dev, 'news.key');
    const registration = opensslSign(key, 'news');
    expect(registration.trim().split('\n').length).toBeGreaterThan(1);
    setSignature(dir, 'store/apps/news/app.yaml', block(registration, ''));
    for (const v of NEWS_RELEASES) {
      setSignature(dir, `store/apps/news/releases/${v}.yaml`, block(opensslSign(key, readFileSync(path.join(dir, archiveOf(v)))), '    '));
    }
    const { code, diagnostics } = await check(dir);
    expect(diagnostics).toEqual([]);
    expect(code).toBe(0);
  });

  it('appshelf signatures verify with `openssl dgst -sha512 -verify`', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'app.tar.gz');
    writeFileSync(file, 'some archive bytes');
    const run = await runCli(['sign', file, '--key', path.join(repoRoot, 'demo-keys/news.key')]);
    expect(run.code).toBe(0);
    writeFileSync(path.join(dir, 'sig.bin'), Buffer.from(run.stdout.trim(), 'base64'));
    writeFileSync(path.join(dir, 'pub.pem'), openssl(['x509', '-in', path.join(SIGNED_BUNDLE, 'apps/news/news.crt'), '-pubkey', '-noout']));
    const out = openssl(['dgst', '-sha512', '-verify', 'pub.pem', '-signature', 'sig.bin', 'app.tar.gz'], undefined, dir).toString();
    expect(out).toBe('Verified OK\n');
    // The registration signature, too: over the id bytes with no newline.
    const text = await runCli(['sign', '--text', 'news', '--key', path.join(repoRoot, 'demo-keys/news.key')]);
    writeFileSync(path.join(dir, 'reg.bin'), Buffer.from(text.stdout.trim(), 'base64'));
    writeFileSync(path.join(dir, 'id'), 'news');
    expect(openssl(['dgst', '-sha512', '-verify', 'pub.pem', '-signature', 'reg.bin', 'id'], undefined, dir).toString()).toBe(
      'Verified OK\n',
    );
  });

  it('`appshelf verify` reads raw signature files from `openssl dgst -sign -out`', async () => {
    const dir = tmpDir();
    writeFileSync(path.join(dir, 'f'), 'payload');
    openssl(['dgst', '-sha512', '-sign', path.join(repoRoot, 'demo-keys/news.key'), '-out', 'f.sig', 'f'], undefined, dir);
    const run = await runCli(['verify', 'f', '--cert', path.join(SIGNED_BUNDLE, 'apps/news/news.crt'), '--signature', 'f.sig'], dir);
    expect(run).toMatchObject({ code: 0, stdout: '✓ valid: f was signed (RSA-SHA512) by the key of CN=news\n' });
  });

  it('refuses a SHA-256 signature with its own message', async () => {
    const dir = tmpStore({}, SIGNED_BUNDLE);
    const key = path.join(repoRoot, 'demo-keys/news.key');
    const sig = openssl(
      ['base64', '-A'],
      openssl(['dgst', '-sha256', '-sign', key], readFileSync(path.join(dir, archiveOf('1.0.0')))),
    ).toString();
    setSignature(dir, 'store/apps/news/releases/1.0.0.yaml', sig);
    const { code, diagnostics } = await check(dir);
    expect(code).toBe(1);
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        'E_SIGNATURE_DIGEST',
        'The signature of store/apps/news/files/news-1.0.0.tar.gz (news 1.0.0) uses SHA-256; appshelf and Nextcloud require SHA-512.',
      ],
    ]);
  });

  it('end to end with openssl alone: CA, app key, CSR, certificate, registration, release; check accepts it', async () => {
    const dir = tmpDir();
    const sh = (args: string[], input?: string | Buffer) => openssl(args, input, dir);
    mkdirSync(path.join(dir, 'store/trust'), { recursive: true });
    mkdirSync(path.join(dir, 'store/apps/myapp/releases'), { recursive: true });
    mkdirSync(path.join(dir, 'store/apps/myapp/files'), { recursive: true });
    writeFileSync(path.join(dir, 'store/store.yaml'), 'name: openssl store\nchannels:\n  - name: stable\ntrust:\n  ca: trust/ca.crt\n');
    sh([
      'req',
      '-x509',
      '-nodes',
      '-newkey',
      'rsa:2048',
      '-sha512',
      '-days',
      '365',
      '-subj',
      '/CN=My Store CA',
      '-keyout',
      'ca.key',
      '-out',
      'store/trust/ca.crt',
    ]);
    sh(['req', '-nodes', '-newkey', 'rsa:2048', '-keyout', 'myapp.key', '-out', 'myapp.csr', '-subj', '/CN=myapp']);
    sh([
      'x509',
      '-req',
      '-in',
      'myapp.csr',
      '-CA',
      'store/trust/ca.crt',
      '-CAkey',
      'ca.key',
      '-set_serial',
      '0x1f2e3d4c5b6a',
      '-days',
      '365',
      '-sha512',
      '-out',
      'store/apps/myapp/myapp.crt',
    ]);
    const registration = opensslSign(path.join(dir, 'myapp.key'), 'myapp');
    writeFileSync(
      path.join(dir, 'store/apps/myapp/app.yaml'),
      `id: myapp\nname: My App\ncertificate: myapp.crt\nsignature: ${block(registration, '')}\n`,
    );
    const archive = Buffer.from('pretend this is a zip');
    writeFileSync(path.join(dir, 'store/apps/myapp/files/myapp-1.0.0.zip'), archive);
    const sig = opensslSign(path.join(dir, 'myapp.key'), archive);
    writeFileSync(
      path.join(dir, 'store/apps/myapp/releases/1.0.0.yaml'),
      [
        'version: 1.0.0',
        'channels: [stable]',
        'entries:',
        '  - os: linux',
        '    architectures: [x86-64]',
        '    file: files/myapp-1.0.0.zip',
        `    size: ${archive.length}`,
        `    sha256: ${sha256Hex(archive)}`,
        `    signature: ${block(sig, '    ')}`,
        '',
      ].join('\n'),
    );
    const run = await runCli(['check', '--store', 'store'], dir);
    expect(run.stderr).toMatch(/^✓ store is valid: 1 app, 1 release \(0 errors, 0 warnings\) in \d+(\.\d)? s\n$/);
    expect(run.code).toBe(0);
  });
});
