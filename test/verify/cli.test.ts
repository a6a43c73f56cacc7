import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/util/hash.js';
import { signData } from '../../src/verify/index.js';
import { fixture, repoRoot, runCli, tmpDir, tmpStore } from '../helpers.js';
import { quickKey } from './_trust.js';

const SIGNED_BUNDLE = fixture('signed-bundle/store');
const NEWS_CRT = path.join(SIGNED_BUNDLE, 'apps/news/news.crt');
const NEWS_KEY = path.join(repoRoot, 'demo-keys/news.key');

describe('trust commands', () => {
  it.each(['ca init', 'ca sign', 'ca revoke', 'cert request', 'sign', 'verify'])('%s --help prints its full usage', async (name) => {
    const run = await runCli([...name.split(' '), '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: appshelf ${name}`);
    expect(run.stdout).toContain('-h, --help');
  });

  it('end to end with appshelf alone: ca init → cert request → ca sign → register → sign a release → check accepts it', async () => {
    const dir = tmpDir();
    mkdirSync(path.join(dir, 'store'));
    writeFileSync(path.join(dir, 'store/store.yaml'), '# my store\nname: My Store\nchannels:\n  - name: stable\n');
    const init = await runCli(['ca', 'init', '--key-out', 'admin/ca.key', '--bits', '2048'], dir);
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(
      /^CA key: +admin\/ca\.key .*\nCA certificate: store\/trust\/ca\.crt +\(CN=My Store CA, 7300 days; commit it\)\nrevocations: +store\/trust\/revoked\.yaml +\(empty\)\nstore\.yaml: +trust\.ca and trust\.revoked set\n/,
    );
    expect(statSync(path.join(dir, 'admin/ca.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(dir, 'store/store.yaml'), 'utf8')).toBe(
      '# my store\nname: My Store\nchannels:\n  - name: stable\ntrust:\n  ca: trust/ca.crt\n  revoked: trust/revoked.yaml\n',
    );

    const req = await runCli(['cert', 'request', 'myapp', '--out', 'dev', '--bits', '2048'], dir);
    expect(req).toMatchObject({
      code: 0,
      stdout:
        'private key: dev/myapp.key  (2048-bit RSA; secret, never commit it)\nrequest:     dev/myapp.csr  (CN=myapp; send it to the store admin)\n',
    });
    expect((await runCli(['ca', 'sign', 'dev/myapp.csr', '--key', 'admin/ca.key'], dir)).code).toBe(0);

    const reg = await runCli(['sign', '--text', 'myapp', '--key', 'dev/myapp.key'], dir);
    mkdirSync(path.join(dir, 'store/apps/myapp/files'), { recursive: true });
    mkdirSync(path.join(dir, 'store/apps/myapp/releases'));
    writeFileSync(
      path.join(dir, 'store/apps/myapp/app.yaml'),
      `id: myapp\nname: My App\ncertificate: myapp.crt\nsignature: ${reg.stdout.trim()}\n`,
    );
    const archive = path.join(dir, 'store/apps/myapp/files/myapp-1.0.0.tar.gz');
    writeFileSync(archive, 'release bytes');
    const sig = await runCli(['sign', archive, '--key', 'dev/myapp.key'], dir);
    writeFileSync(
      path.join(dir, 'store/apps/myapp/releases/1.0.0.yaml'),
      [
        'version: 1.0.0',
        'channels: [stable]',
        'entries:',
        '  - os: linux',
        '    architectures: [x86-64]',
        '    file: files/myapp-1.0.0.tar.gz',
        '    size: 13',
        `    sha256: ${sha256Hex('release bytes')}`,
        `    signature: ${sig.stdout.trim()}`,
        '',
      ].join('\n'),
    );
    const checked = await runCli(['check'], dir);
    expect(checked.stderr).toMatch(/^✓ store is valid: 1 app, 1 release \(0 errors, 0 warnings\) in \d+(\.\d)? s\n$/);
    expect(checked.code).toBe(0);

    // Revoking the certificate by serial (looked up in the store) makes the same store fail.
    const serial = /serial ([0-9a-f]+)/.exec(
      (await runCli(['ca', 'sign', 'dev/myapp.csr', '--key', 'admin/ca.key', '--force'], dir)).stdout,
    )![1]!;
    writeFileSync(
      path.join(dir, 'store/apps/myapp/app.yaml'),
      `id: myapp\nname: My App\ncertificate: myapp.crt\nsignature: ${reg.stdout.trim()}\n`,
    );
    const revoke = await runCli(['ca', 'revoke', serial.toUpperCase(), '--reason', 'key lost'], dir);
    expect(revoke.stdout).toBe(`revoked: serial ${serial} (myapp) in store/trust/revoked.yaml; commit it.\n`);
    const after = await runCli(['check'], dir);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('store/apps/myapp/myapp.crt: error E_CERT_REVOKED: The certificate of "myapp" (serial ');
  });

  it('ca init refuses to overwrite, and to put the key inside the store', async () => {
    const dir = tmpStore({}, SIGNED_BUNDLE);
    const again = await runCli(['ca', 'init', '--key-out', 'k/ca.key', '--bits', '2048'], dir);
    expect(again).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('error E_TRUST_FILE_EXISTS: store/trust/ca.crt already exists; refusing to overwrite it.'),
    });
    const inside = await runCli(['ca', 'init', '--key-out', 'store/ca.key', '--force'], dir);
    expect(inside.code).toBe(2);
    expect(inside.stderr).toMatch(/^--key-out store\/ca\.key is inside the store folder, which is published/);
  });

  it('ca sign refuses a CSR whose CN is not an app id, and a CSR that was changed', async () => {
    const dir = tmpStore({}, SIGNED_BUNDLE);
    const ca = path.join(repoRoot, 'demo-keys/ca.key');
    const { createCsr } = await import('../../src/verify/index.js');
    writeFileSync(path.join(dir, 'bad.csr'), createCsr('My App', quickKey()));
    const bad = await runCli(['ca', 'sign', 'bad.csr', '--key', ca], dir);
    expect(bad).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        'error E_CSR_INVALID: bad.csr is not a usable certificate request: its CN "My App" is not a valid app id',
      ),
    });
    writeFileSync(path.join(dir, 'cert.csr'), readFileSync(NEWS_CRT));
    const notCsr = await runCli(['ca', 'sign', 'cert.csr', '--key', ca], dir);
    expect(notCsr.stderr).toContain(
      'error E_CSR_INVALID: cert.csr is not a usable certificate request: no "-----BEGIN CERTIFICATE REQUEST-----" line.',
    );
  });

  it('sign explains a malformed key', async () => {
    const dir = tmpDir();
    const cases: [string, string, string][] = [
      ['empty.key', '', 'empty.key is not a valid PEM private key: the file is empty.'],
      ['cert.key', readFileSync(NEWS_CRT, 'utf8'), 'cert.key is not a valid PEM private key: it holds a CERTIFICATE, not a PRIVATE KEY.'],
      [
        'cut.key',
        readFileSync(NEWS_KEY, 'utf8').slice(0, 400),
        'cut.key is not a valid PEM private key: "-----BEGIN PRIVATE KEY-----" has no matching "-----END PRIVATE KEY-----" line (the text was cut off).',
      ],
      [
        'enc.key',
        '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n',
        'enc.key is not a valid PEM private key: it is encrypted with a passphrase; decrypt it first with `openssl pkey -in KEY -out KEY.plain`.',
      ],
    ];
    for (const [name, text, message] of cases) {
      writeFileSync(path.join(dir, name), text);
      const run = await runCli(['sign', '--text', 'x', '--key', name], dir);
      expect(run.code, name).toBe(1);
      expect(run.stderr, name).toBe(
        `error E_PEM_MALFORMED: ${message}\n  hint: A PEM private key is a "-----BEGIN …-----" line, base64 lines and an "-----END …-----" line; copy it again without cutting or adding characters.\n`,
      );
    }
    writeFileSync(path.join(dir, 'damaged.key'), readFileSync(NEWS_KEY, 'utf8').replace(/\n[A-Za-z0-9+/]{64}\n/, '\nAAAA\n'));
    const damaged = await runCli(['sign', '--text', 'x', '--key', 'damaged.key'], dir);
    expect(damaged.stderr).toMatch(
      /^error E_PEM_MALFORMED: damaged\.key is not a valid PEM private key: the base64 data between the BEGIN and END lines is damaged/,
    );
  });

  describe('verify says exactly why a signature fails', () => {
    const setup = () => {
      const dir = tmpDir();
      writeFileSync(path.join(dir, 'a.tar.gz'), 'archive A');
      writeFileSync(path.join(dir, 'b.tar.gz'), 'archive B');
      writeFileSync(path.join(dir, 'a.sig'), signData('archive A', readFileSync(NEWS_KEY, 'utf8')).replace(/(.{64})/g, '$1\n'));
      return dir;
    };
    const verify = (dir: string, ...args: string[]) => runCli(['verify', ...args, '--cert', NEWS_CRT], dir);

    it('valid (base64 from a wrapped file)', async () => {
      expect(await verify(setup(), 'a.tar.gz', '--signature', 'a.sig')).toMatchObject({
        code: 0,
        stdout: '✓ valid: a.tar.gz was signed (RSA-SHA512) by the key of CN=news\n',
      });
    });
    it('signature of a different file', async () => {
      const run = await verify(setup(), 'b.tar.gz', '--signature', 'a.sig');
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /^a\.sig: error E_SIGNATURE_OTHER_DATA: The signature of b\.tar\.gz is by the right key but over other bytes: the signed bytes have sha512 [0-9a-f]{16}…, the file has [0-9a-f]{16}… \(a different file or text was signed\)\.\n/,
      );
    });
    it('signature by another key', async () => {
      const sig = signData('archive A', readFileSync(path.join(repoRoot, 'demo-keys/shelfnotes.key'), 'utf8'));
      const run = await verify(setup(), 'a.tar.gz', '--signature', sig);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `error E_SIGNATURE_WRONG_KEY: The signature of a.tar.gz was made by a different key than the one of ${NEWS_CRT}.`,
      );
    });
    it('not base64', async () => {
      const run = await verify(setup(), 'a.tar.gz', '--signature', 'not*base64');
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        'error E_SIGNATURE_NOT_BASE64: The signature of a.tar.gz is not base64: it contains "*" at character 4, which is not a base64 character.',
      );
    });
    it('registration signed with a trailing newline', async () => {
      const sig = signData('news\n', readFileSync(NEWS_KEY, 'utf8'));
      const run = await verify(setup(), '--text', 'news', '--signature', sig);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        'error E_SIGNATURE_OTHER_DATA: The signature of the text "news" is by the right key but over other bytes: it signs "news" followed by a newline; sign without one (echo -n).',
      );
    });
    it('wrong usage is exit 2', async () => {
      expect((await verify(setup(), '--signature', 'x')).code).toBe(2);
    });
  });
});
