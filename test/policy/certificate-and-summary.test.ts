import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPolicy, describeBands, renderSummary, snapshotStore } from '../../src/policy/index.js';
import { resolveBands } from '../../src/resolve/index.js';
import { diag, Errors } from '../../src/errors/index.js';
import { tmpStore } from '../helpers.js';
import { gitopsStore } from './git-repo.js';

const SIG_A = 'c2lnbmF0dXJlLW9mLWxpbnV4LTEuMC4w';
const SIG_B = 'c2lnbmF0dXJlLW9mLWxpbnV4LTEuMS4w';
const pem = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;

/** A copy of the GitOps store whose notes app has a certificate and signed linux files. */
function signedStore(cert: string, sigs: { '1.0.0': string; '1.1.0': string }): string {
  const dir = tmpStore({ 'store/apps/notes/notes.crt': cert }, gitopsStore);
  const app = path.join(dir, 'store/apps/notes/app.yaml');
  writeFileSync(app, `${readFileSync(app, 'utf8')}certificate: notes.crt\n`);
  for (const v of ['1.0.0', '1.1.0'] as const) {
    const file = path.join(dir, `store/apps/notes/releases/${v}.yaml`);
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(/(file: files\/notes-[\d.]+-linux.txt\n(?:.*\n){2})/, `$1    signature: ${sigs[v]}\n`),
    );
  }
  return path.join(dir, 'store');
}

describe('certificate change', () => {
  const changed = ['apps/notes/app.yaml', 'apps/notes/notes.crt'];

  it('names the releases that still carry signatures made for the old certificate', () => {
    const base = snapshotStore(signedStore(pem('OLD'), { '1.0.0': SIG_A, '1.1.0': SIG_B }), 'store');
    const head = snapshotStore(signedStore(pem('NEW'), { '1.0.0': 'bmV3LXNpZ25hdHVyZQ==', '1.1.0': SIG_B }), 'store');
    expect(checkPolicy({ base, head, changed })).toEqual([
      {
        code: 'E_POLICY_CERT_NOT_RESIGNED',
        severity: 'error',
        message:
          'The certificate of "notes" changed in this pull request, but these releases still carry signatures made for the old one: 1.1.0.',
        hint: 'Re-sign each archive with the new key (same bytes, new signature: `appshelf sign FILE --key APP.key`) and put the new signatures in this pull request. Released versions cannot be removed.',
        file: 'store/apps/notes/app.yaml',
        line: 6,
        column: 14,
      },
    ]);
  });

  it('accepts new signatures with a new certificate, but not without one', () => {
    const base = snapshotStore(signedStore(pem('OLD'), { '1.0.0': SIG_A, '1.1.0': SIG_B }), 'store');
    const resigned = { '1.0.0': 'bmV3LWE=', '1.1.0': 'bmV3LWI=' };
    expect(checkPolicy({ base, head: snapshotStore(signedStore(pem('NEW'), resigned), 'store'), changed })).toEqual([]);
    const sameCert = checkPolicy({ base, head: snapshotStore(signedStore(pem('OLD'), resigned), 'store'), changed });
    expect(sameCert.map((d) => `${d.code} ${d.line}`)).toEqual(['E_POLICY_RELEASE_CHANGED 13', 'E_POLICY_RELEASE_CHANGED 13']);
    expect(sameCert[0]!.message).toBe(
      'Released version 1.1.0 of "notes" is immutable, but entries[0].signature changed (was c2lnbmF0dXJlLW9m…, now bmV3LWI=).',
    );
  });
});

describe('release-candidate summary', () => {
  it('describes percentile bands before and after', () => {
    const before = Array.from({ length: 100 }, () => '1.5.0');
    const after = before.map((v, p) => (p < 25 ? '1.6.0' : v));
    expect(describeBands(after, before)).toBe('0–24 → 1.6.0 (was 1.5.0), 25–99 → 1.5.0');
    expect(
      describeBands(
        after.map(() => '2.0.0'),
        before.map(() => null),
      ),
    ).toBe('0–99 → 2.0.0 (was nothing)');
  });

  it('lists problems first, then the new release, its files and who gets it', () => {
    const base = snapshotStore(gitopsStore, 'store').store!;
    const dir = tmpStore(
      {
        'store/apps/notes/releases/1.2.0.yaml':
          'version: 1.2.0\nchannels: [stable, beta]\nrollout:\n  stable: 10\nchangelog: |\n  ## Features\n  * Tags\nentries:\n' +
          '  - os: linux\n    architectures: [x86-64]\n    format: txt\n    file: files/notes-1.1.0-linux.txt\n    size: 18\n    sha256: 70bcd97a3453b7e81c5a74ceab5f5b663cbb520ee584f938f76454295d831625\n',
      },
      gitopsStore,
    );
    const head = snapshotStore(path.join(dir, 'store'), 'store').store!;
    const md = renderSummary({
      base,
      head,
      baseLabel: 'origin/main (abc1234)',
      changed: ['apps/notes/releases/1.2.0.yaml'],
      policy: [diag(Errors.NotOwner, ['mallory', 'notes', 'notes-dev'], { file: 'store/apps/notes/app.yaml', line: 5 })],
      diagnostics: [diag(Errors.YankWithoutReason, [], { file: 'store/apps/notes/releases/1.0.0.yaml', line: 3 }, 'warning')],
      bands: resolveBands,
    });
    expect(md).toBe(`<!-- appshelf-check-summary -->
## ❌ appshelf release candidate: 1 error, 1 warning

Compared with \`origin/main (abc1234)\`.

### Problems

- ❌ \`store/apps/notes/app.yaml:5\` **E_POLICY_NOT_OWNER** mallory changes app "notes" but is neither one of its owners (notes-dev) nor a store admin.<br>_Ask an owner of the app to open the pull request, or a store admin to add you to \`owners\` in app.yaml._
- ⚠️ \`store/apps/notes/releases/1.0.0.yaml:3\` **E_YANK_REASON** A yanked release needs a yankReason.<br>_Say why the release was withdrawn, e.g. yankReason: "corrupts settings on upgrade"._

### notes — Notes

**New release 1.2.0** · channels: stable (rollout 10%), beta · signature: unsigned

| os | architectures | format | osversion | appversion | file | size | sha256 | signed |
|---|---|---|---|---|---|---|---|---|
| linux | x86-64 | txt | * | * | apps/notes/files/notes-1.1.0-linux.txt | 18 B | \`70bcd97a3453b7e81c5a74ceab5f5b663cbb520ee584f938f76454295d831625\` | no |

<details><summary>Changelog</summary>

## Features
* Tags

</details>

#### Who gets what after the merge

| channel / platform | clients by percentile → version |
|---|---|
| beta / linux x86-64 | 0–99 → 1.2.0 (was 1.1.0) |
| stable / linux x86-64 | 0–9 → 1.2.0 (was 1.1.0), 10–99 → 1.1.0 |

2 other channel × platform combinations unchanged.
`);
  });

  it('reports pins, locks and halted rollouts of existing releases', () => {
    const base = snapshotStore(gitopsStore, 'store').store!;
    const dir = tmpStore({}, gitopsStore);
    const app = path.join(dir, 'store/apps/notes/app.yaml');
    writeFileSync(app, `${readFileSync(app, 'utf8')}locked: true\npins:\n  stable: 1.0.0\n`);
    const head = snapshotStore(path.join(dir, 'store'), 'store').store!;
    const md = renderSummary({
      base,
      head,
      baseLabel: 'main (abc1234)',
      changed: ['apps/notes/app.yaml'],
      policy: [],
      diagnostics: [],
      bands: resolveBands,
    });
    expect(md).toContain(
      '- **Locked**: accepts no new releases.\n- **Pin** stable → 1.0.0: the channel serves 1.0.0 even when newer releases exist.',
    );
    expect(md).toContain('| stable / linux x86-64 | 0–99 → 1.0.0 (was 1.1.0) |');
    expect(md).toContain('| stable / windows x86-64 | 0–99 → 1.0.0 (was 1.1.0) |');
  });
});
