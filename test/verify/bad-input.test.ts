import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/errors/index.js';
import { createCaCertificate, signData } from '../../src/verify/index.js';
import { fixture, runCli, tmpStore } from '../helpers.js';
import { check, checkAt, demoKey, edit, getSignature, issue, makeCa, quickKey, setSignature } from './_trust.js';

const SIGNED_BUNDLE = fixture('signed-bundle/store');
const NEWS_CRT = 'store/apps/news/news.crt';
const NEWS_100 = 'store/apps/news/releases/1.0.0.yaml';
const NEWS_110 = 'store/apps/news/releases/1.1.0.yaml';
const ARCHIVE_100 = 'store/apps/news/files/news-1.0.0.tar.gz';

/** The one diagnostic with this code (fails when there is none or several). */
function only(diagnostics: Diagnostic[], code: string): Diagnostic {
  const found = diagnostics.filter((d) => d.code === code);
  expect(found, `diagnostics with ${code}: ${JSON.stringify(diagnostics, null, 1)}`).toHaveLength(1);
  return found[0]!;
}

describe('bad input is refused with its own code, naming the file', () => {
  it('accepts a fully signed store as it is', async () => {
    const dir = tmpStore({}, SIGNED_BUNDLE);
    const { code, diagnostics } = await check(dir);
    expect(diagnostics).toEqual([]);
    expect(code).toBe(0);
  });

  it('malformed PEM certificate', async () => {
    const dir = tmpStore({}, SIGNED_BUNDLE);
    edit(dir, NEWS_CRT, (pem) => pem.slice(0, 300));
    const { code, diagnostics } = await check(dir);
    expect(code).toBe(1);
    expect(only(diagnostics, 'E_PEM_MALFORMED')).toMatchObject({
      file: NEWS_CRT,
      message: `${NEWS_CRT} is not a valid PEM certificate: "-----BEGIN CERTIFICATE-----" has no matching "-----END CERTIFICATE-----" line (the text was cut off).`,
    });
  });

  it('certificate body damaged between BEGIN and END', async () => {
    const dir = tmpStore({}, SIGNED_BUNDLE);
    edit(dir, NEWS_CRT, (pem) => pem.replace(/\r?\n[A-Za-z0-9+/]{64}\r?\n/, '\nAAAA\n'));
    const { code, diagnostics } = await check(dir);
    expect(code).toBe(1);
    const d = only(diagnostics, 'E_PEM_MALFORMED');
    expect(d).toMatchObject({ file: NEWS_CRT });
    expect(d.message).toMatch(
      /^store\/apps\/news\/news\.crt is not a valid PEM certificate: the base64 data between the BEGIN and END lines is damaged/,
    );
  });

  it('certificate from another CA', async () => {
    const dir = tmpStore({ [NEWS_CRT]: issue('news', demoKey('news'), makeCa('Other CA')) }, SIGNED_BUNDLE);
    const { code, diagnostics } = await check(dir);
    expect(code).toBe(1);
    expect(only(diagnostics, 'E_CERT_UNTRUSTED')).toMatchObject({
      file: NEWS_CRT,
      message:
        'The certificate of "news" was issued by "Other CA", not by the store CA "appshelf example store CA (demo only)" (the CA\'s key does not verify it).',
    });
  });

  it.each([
    ['a root for the app key (openssl req -x509)', () => createCaCertificate(demoKey('news'), { cn: 'news', days: 365 })],
    [
      'a leaf issued by itself',
      () => {
        const key = demoKey('news');
        return issue('news', key, { key, cert: createCaCertificate(key, { cn: 'news', days: 365 }) });
      },
    ],
  ])('self-signed app certificate: %s', async (_name, make) => {
    const dir = tmpStore({ [NEWS_CRT]: make() }, SIGNED_BUNDLE);
    const { code, diagnostics } = await check(dir);
    expect(code).toBe(1);
    expect(only(diagnostics, 'E_CERT_SELF_SIGNED')).toMatchObject({ file: NEWS_CRT });
    expect(only(diagnostics, 'E_CERT_SELF_SIGNED').message).toBe(
      'The certificate of "news" (CN=news) is self-signed; app certificates must be issued by the store CA.',
    );
  });

  it('CN is not the app id', async () => {
    const dir = tmpStore({ [NEWS_CRT]: issue('newz', demoKey('news')) }, SIGNED_BUNDLE);
    const { code, diagnostics } = await check(dir);
    expect(code).toBe(1);
    expect(only(diagnostics, 'E_CERT_CN_MISMATCH')).toMatchObject({
      file: NEWS_CRT,
      message: 'The certificate\'s CN is "newz", but the app id is "news"; it must have exactly one CN, equal to the id.',
    });
  });

  it('revoked certificate (via `appshelf ca revoke CERT`)', async () => {
    const dir = tmpStore({}, SIGNED_BUNDLE);
    const revoke = await runCli(['ca', 'revoke', NEWS_CRT, '--reason', 'key leaked', '--date', '2026-04-01'], dir);
    expect(revoke.code).toBe(0);
    const list = readFileSync(path.join(dir, 'store/trust/revoked.yaml'), 'utf8');
    expect(list).toMatch(/^revoked:\n {2}- serial: [0-9a-f]+\n {4}app: news\n {4}reason: key leaked\n {4}date: 2026-04-01\n$/m);
    const { code, diagnostics } = await check(dir);
    expect(code).toBe(1);
    const d = only(diagnostics, 'E_CERT_REVOKED');
    expect(d.file).toBe(NEWS_CRT);
    expect(d.message).toMatch(/^The certificate of "news" \(serial [0-9a-f]+\) was revoked on 2026-04-01: key leaked\.$/);
    // Revoking again changes nothing.
    const again = await runCli(['ca', 'revoke', NEWS_CRT, '--reason', 'again'], dir);
    expect(again.stdout).toMatch(/is already in store\/trust\/revoked.yaml; nothing changed/);
    expect(readFileSync(path.join(dir, 'store/trust/revoked.yaml'), 'utf8')).toBe(list);
  });

  it('expired certificate: a warning for old releases, an error for releases dated after the expiry', async () => {
    const cert = issue('news', demoKey('news'), undefined, 30, new Date('2026-01-01T00:00:00Z'));
    const dir = tmpStore({ [NEWS_CRT]: cert }, SIGNED_BUNDLE);
    const { code, diagnostics } = await check(dir);
    expect(code).toBe(1);
    expect(only(diagnostics, 'W_CERT_EXPIRED')).toMatchObject({
      severity: 'warning',
      file: NEWS_CRT,
      message: expect.stringMatching(
        /^The certificate of "news" expired on 2026-01-30; releases dated before that are still served, new ones are refused\.$/,
      ),
    });
    const late = diagnostics.filter((d) => d.code === 'E_CERT_EXPIRED_RELEASE');
    // 1.0.0 is dated 2026-01-15 (before the expiry): still served. 1.1.0 and the nightly are later.
    expect(late.map((d) => [d.file, d.line])).toEqual([
      [NEWS_110, 4],
      ['store/apps/news/releases/1.2.0-nightly.20260320.yaml', 4],
    ]);
    expect(late[0]!.message).toBe('news 1.1.0 is dated 2026-03-02T09:00:00Z, after its certificate expired (2026-01-30).');
  });

  it('an expired certificate alone only warns', async () => {
    const dir = tmpStore({}, SIGNED_BUNDLE);
    const result = await checkAt(dir, new Date('2047-01-01T00:00:00Z'));
    expect(result.ok).toBe(true);
    expect(result.diagnostics.map((d) => d.code).sort()).toEqual(['W_CA_EXPIRED', 'W_CERT_EXPIRED']);
  });

  it('signature of another file', async () => {
    const dir = tmpStore({}, SIGNED_BUNDLE);
    setSignature(dir, NEWS_110, getSignature(dir, NEWS_100));
    const { code, diagnostics } = await check(dir);
    expect(code).toBe(1);
    // Each archive error points at its own field, not at the start of the entry.
    expect(only(diagnostics, 'E_SIGNATURE_OTHER_DATA')).toMatchObject({
      file: NEWS_110,
      line: 14,
      column: 16,
      message: `The signature of store/apps/news/files/news-1.1.0.tar.gz (news 1.1.0) is by the right key but over other bytes: it is the signature of ${ARCHIVE_100}.`,
    });
  });

  it('signature by another key: no certificate change is claimed while an older release verifies', async () => {
    const dir = tmpStore({}, SIGNED_BUNDLE);
    setSignature(dir, NEWS_110, signData(readFileSync(path.join(dir, 'store/apps/news/files/news-1.1.0.tar.gz')), quickKey()));
    const { code, diagnostics } = await check(dir);
    expect(code).toBe(1);
    expect(only(diagnostics, 'E_SIGNATURE_LENGTH')).toMatchObject({
      file: NEWS_110,
      message:
        "The signature of store/apps/news/files/news-1.1.0.tar.gz (news 1.1.0) is 256 bytes, but the certificate's 4096-bit key makes 512-byte signatures.",
    });
    expect(diagnostics.filter((d) => d.code === 'E_CERT_CHANGED')).toEqual([]);
  });

  it('signature by another key of the same size', async () => {
    const dir = tmpStore({}, SIGNED_BUNDLE);
    const archive = readFileSync(path.join(dir, 'store/apps/news/files/news-1.1.0.tar.gz'));
    setSignature(dir, NEWS_110, signData(archive, demoKey('shelfnotes')));
    const { code, diagnostics } = await check(dir);
    expect(code).toBe(1);
    expect(only(diagnostics, 'E_SIGNATURE_WRONG_KEY')).toMatchObject({
      file: NEWS_110,
      line: 14,
      message:
        'The signature of store/apps/news/files/news-1.1.0.tar.gz (news 1.1.0) was made by a different key than the one of store/apps/news/news.crt.',
    });
    expect(diagnostics.filter((d) => d.code === 'E_CERT_CHANGED')).toEqual([]);
  });

  it('certificate change: a new key and certificate, releases not re-signed', async () => {
    const key = quickKey();
    const dir = tmpStore({ [NEWS_CRT]: issue('news', key) }, SIGNED_BUNDLE);
    setSignature(dir, 'store/apps/news/app.yaml', signData('news', key));
    const { code, diagnostics } = await check(dir);
    expect(code).toBe(1);
    expect(diagnostics.filter((d) => d.code === 'E_SIGNATURE_LENGTH').map((d) => d.file)).toEqual([
      NEWS_100,
      NEWS_110,
      'store/apps/news/releases/1.2.0-nightly.20260320.yaml',
    ]);
    expect(only(diagnostics, 'E_CERT_CHANGED')).toMatchObject({
      file: NEWS_CRT,
      message: 'Releases of "news" do not verify with its current certificate: 1.2.0-nightly.20260320, 1.1.0, 1.0.0.',
    });
    expect(only(diagnostics, 'E_CERT_CHANGED').hint).toMatch(
      /re-sign these releases with the new key \(same bytes, new signature\) using `appshelf sign`, in the same change\. A release that cannot be re-signed is withdrawn with `yanked: true`/,
    );
  });

  it('certificate change: a yanked release that was not re-signed only warns', async () => {
    const key = quickKey();
    const dir = tmpStore({ [NEWS_CRT]: issue('news', key) }, SIGNED_BUNDLE);
    setSignature(dir, 'store/apps/news/app.yaml', signData('news', key));
    for (const [rel, archive] of [
      [NEWS_110, 'news-1.1.0.tar.gz'],
      ['store/apps/news/releases/1.2.0-nightly.20260320.yaml', 'news-1.2.0-nightly.20260320.tar.gz'],
    ] as const) {
      setSignature(dir, rel, signData(readFileSync(path.join(dir, 'store/apps/news/files', archive)), key));
    }
    edit(dir, NEWS_100, (t) =>
      t.replace('channels: [stable]', 'channels: [stable]\nyanked: true\nyankReason: signed with the retired key'),
    );
    const { code, diagnostics } = await check(dir);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(only(diagnostics, 'E_SIGNATURE_LENGTH')).toMatchObject({ file: NEWS_100, severity: 'warning' });
    expect(code).toBe(0);
  });

  it('truncated archive', async () => {
    const dir = tmpStore({}, SIGNED_BUNDLE);
    truncateSync(path.join(dir, ARCHIVE_100), 120);
    const { code, diagnostics } = await check(dir);
    expect(code).toBe(1);
    expect(only(diagnostics, 'E_ARCHIVE_SIZE')).toMatchObject({
      file: NEWS_100,
      line: 12,
      column: 11,
      message: `The archive ${ARCHIVE_100} is 120 bytes, the release says 902.`,
    });
  });

  it('sha256 mismatch (same size, one byte changed)', async () => {
    const dir = tmpStore({}, SIGNED_BUNDLE);
    const file = path.join(dir, ARCHIVE_100);
    const bytes = readFileSync(file);
    bytes[500] = bytes[500]! ^ 0xff;
    writeFileSync(file, bytes);
    const { code, diagnostics } = await check(dir);
    expect(code).toBe(1);
    const d = only(diagnostics, 'E_ARCHIVE_SHA256');
    expect(d).toMatchObject({ file: NEWS_100, line: 13, column: 13 });
    expect(d.message).toMatch(
      /^The archive store\/apps\/news\/files\/news-1\.0\.0\.tar\.gz has sha256 [0-9a-f]{64}, the release says 336323bbca304078a88b3252d6404576f33df95f9b725278abfbafbf6985d629\.$/,
    );
  });

  it('missing archive', async () => {
    const dir = tmpStore({}, SIGNED_BUNDLE);
    edit(dir, NEWS_100, (t) => t.replace('files/news-1.0.0.tar.gz', 'files/gone.tar.gz'));
    const { code, diagnostics } = await check(dir);
    expect(code).toBe(1);
    expect(only(diagnostics, 'E_ARCHIVE_NOT_FOUND')).toMatchObject({
      file: NEWS_100,
      message: 'The archive store/apps/news/files/gone.tar.gz does not exist.',
    });
  });

  it('signature that is not base64', async () => {
    const dir = tmpStore({}, SIGNED_BUNDLE);
    setSignature(dir, NEWS_100, 'abc=def');
    const { code, diagnostics } = await check(dir);
    expect(code).toBe(1);
    expect(only(diagnostics, 'E_SIGNATURE_NOT_BASE64')).toMatchObject({
      file: NEWS_100,
      message:
        'The signature of store/apps/news/files/news-1.0.0.tar.gz (news 1.0.0) is not base64: "=" padding appears inside the text at character 4, not only at the end.',
    });
  });

  it('cut-off signature', async () => {
    const dir = tmpStore({}, SIGNED_BUNDLE);
    setSignature(dir, NEWS_100, getSignature(dir, NEWS_100).slice(0, 100));
    const { diagnostics } = await check(dir);
    expect(only(diagnostics, 'E_SIGNATURE_LENGTH').message).toBe(
      "The signature of store/apps/news/files/news-1.0.0.tar.gz (news 1.0.0) is 75 bytes, but the certificate's 4096-bit key makes 512-byte signatures.",
    );
    expect(diagnostics.some((d) => d.code === 'E_CERT_CHANGED')).toBe(false);
  });

  it('registration signature over the app id plus a newline (echo without -n)', async () => {
    const dir = tmpStore({}, SIGNED_BUNDLE);
    setSignature(dir, 'store/apps/news/app.yaml', signData('news\n', demoKey('news')));
    const { code, diagnostics } = await check(dir);
    expect(code).toBe(1);
    expect(only(diagnostics, 'E_SIGNATURE_OTHER_DATA')).toMatchObject({
      file: 'store/apps/news/app.yaml',
      line: 15,
      message:
        'The signature of the app id "news" (registration) is by the right key but over other bytes: it signs "news" followed by a newline; sign the id without one (`echo -n news` or `appshelf sign --text news`).',
    });
  });

  it('missing signatures when required; allowed and marked unsigned when optional', async () => {
    const dir = tmpStore({}, fixture('signed-app-kinds/store'));
    edit(dir, NEWS_100, (t) => t.replace(/^\s*signature: .*\n/m, ''));
    const required = await check(dir);
    expect(required.code).toBe(1);
    expect(only(required.diagnostics, 'E_SIGNATURE_MISSING')).toMatchObject({
      file: NEWS_100,
      message: 'store/apps/news/files/news-1.0.0.tar.gz (news 1.0.0) has no signature, and store.yaml requires signatures.',
    });
    edit(dir, 'store/store.yaml', (t) => t.replace('signatures: required', 'signatures: optional'));
    const optional = await checkAt(dir);
    expect(optional.diagnostics).toEqual([]);
    expect(optional.ok).toBe(true);
    expect(optional.trust!.signed('news', '1.0.0')).toBe(false);
    expect(optional.trust!.signed('news', '1.1.0')).toBe(true);
    expect(optional.trust!.signed('cockpit', '2.0.1')).toBeUndefined();
  });

  it('a remote archive that was not fetched is a warning telling to use --fetch', async () => {
    const dir = tmpStore({}, SIGNED_BUNDLE);
    edit(dir, NEWS_100, (t) => t.replace('file: files/news-1.0.0.tar.gz', 'url: https://example.com/news-1.0.0.tar.gz'));
    const result = await checkAt(dir);
    const d = only(result.diagnostics, 'W_ARCHIVE_NOT_FETCHED');
    expect(d).toMatchObject({
      severity: 'warning',
      file: NEWS_100,
      line: 7,
      hint: 'Run `appshelf check --fetch` to download and verify remote archives.',
    });
    expect(result.trust!.signed('news', '1.0.0')).toBeUndefined();
  });

  it('a broken revocation list is reported with its position', async () => {
    const dir = tmpStore(
      { 'store/trust/revoked.yaml': 'revoked:\n  - serial: xyz\n    reason: lost\n    date: 2026-01-01\n' },
      SIGNED_BUNDLE,
    );
    const { code, diagnostics } = await check(dir);
    expect(code).toBe(1);
    expect(only(diagnostics, 'E_SCHEMA_VALUE')).toMatchObject({ file: 'store/trust/revoked.yaml', line: 2, column: 13 });
  });

  it('a store without trust.ca cannot check certificates', async () => {
    const dir = tmpStore({}, SIGNED_BUNDLE);
    edit(dir, 'store/store.yaml', (t) => t.replace('  ca: trust/ca.crt\n', ''));
    const { code, diagnostics } = await check(dir);
    expect(code).toBe(1);
    const trustLine = readFileSync(path.join(dir, 'store/store.yaml'), 'utf8').split('\n').indexOf('trust:') + 1;
    expect(only(diagnostics, 'E_CA_NOT_CONFIGURED')).toMatchObject({ file: 'store/store.yaml', line: trustLine });
  });
});
