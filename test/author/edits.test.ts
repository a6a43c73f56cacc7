import { describe, expect, it } from 'vitest';
import {
  addToRelease,
  changelogSection,
  createRelease,
  pinChannel,
  promoteRelease,
  registerApp,
  setLocked,
  setRollout,
  unpinChannel,
} from '../../src/author/index.js';
import { StoreError } from '../../src/errors/index.js';

const appYaml = `# yaml-language-server: $schema=../../../public/schemas/app.schema.json
# A docker-image app: releases carry a docker tag.
id: cockpit
name: Cockpit # shown in the catalog
owners: [sicon]
docker:
  image: sicon/cockpit
# 2.1.0 broke device parameters: stable is restored to 2.0.1 until a fix lands.
pins:
  stable: 2.0.1
`;

const releaseYaml = `# yaml-language-server: $schema=../../../../public/schemas/release.schema.json
version: 1.5.0
channels: [stable, beta]
date: 2026-03-10T10:00:00Z
# Staged rollout: stable 25% of clients get this release.
rollout:
  stable: 25
changelog: |
  ## Features
  * Full-text search
entries:
  - os: osx
    architectures: [x86-64, arm64]
    osversion: ">=10.13"
    format: gz
    file: files/shelfnotes-1.5.0-osx.tar.gz
    size: 277
    sha256: b77b2412f48c6fd9d0e8beb9280766e76d6561c64a97cc4ff542a7ab7c272d8d
`;

const app = { file: 'store/apps/cockpit/app.yaml', text: appYaml };
const rel = { file: 'store/apps/shelfnotes/releases/1.5.0.yaml', text: releaseYaml };

function storeError(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof StoreError) return e.diagnostics.map((d) => ({ code: d.code, file: d.file, line: d.line, message: d.message }));
  }
  throw new Error('expected a StoreError');
}

describe('app.yaml edits keep comments and layout', () => {
  it('pins, re-pins and unpins (an emptied pins: goes with its comment)', () => {
    const pinned = pinChannel(app, 'beta', '2.1.0');
    expect(pinned).toBe(appYaml.replace('  stable: 2.0.1\n', '  stable: 2.0.1\n  beta: 2.1.0\n'));
    expect(pinChannel(app, 'stable', '2.0.0')).toBe(appYaml.replace('stable: 2.0.1', 'stable: 2.0.0'));
    expect(unpinChannel({ ...app, text: pinned }, 'beta')).toBe(appYaml);
    expect(unpinChannel(app, 'stable')).toBe(appYaml.replace(/# 2\.1\.0 broke[\s\S]*$/, ''));
    expect(unpinChannel(app, 'nightly')).toBe(appYaml);
  });

  it('locks and unlocks', () => {
    const locked = setLocked(app, true);
    expect(locked).toBe(`${appYaml}locked: true\n`);
    expect(setLocked({ ...app, text: locked }, true)).toBe(locked);
    expect(setLocked({ ...app, text: locked }, false)).toBe(appYaml);
  });

  it('registers a new app, and re-registers an existing one in place', () => {
    expect(
      registerApp(undefined, {
        id: 'notes',
        certificate: 'notes.crt',
        signature: 'c2ln',
        owners: ['octocat'],
        header: ' yaml-language-server: $schema=x',
      }),
    ).toBe('# yaml-language-server: $schema=x\nid: notes\nname: notes\nowners: [octocat]\ncertificate: notes.crt\nsignature: c2ln\n');
    expect(registerApp(app, { id: 'cockpit', certificate: 'cockpit.crt', signature: 'bmV3', owners: ['sicon', 'ops'] })).toBe(
      appYaml.replace('owners: [sicon]', 'owners: [sicon, ops]') + 'certificate: cockpit.crt\nsignature: bmV3\n',
    );
    expect(storeError(() => registerApp(app, { id: 'other', certificate: 'other.crt', signature: 'c2ln' }))).toEqual([
      {
        code: 'E_APP_ID_FOLDER',
        file: 'store/apps/cockpit/app.yaml',
        line: 3,
        message: 'App id "cockpit" does not match its folder name "other".',
      },
    ]);
  });
});

describe('release file edits', () => {
  it('sets, changes and clears a rollout', () => {
    expect(setRollout(rel, '1.5.0', 'stable', 50)).toBe(releaseYaml.replace('stable: 25', 'stable: 50'));
    expect(setRollout(rel, '1.5.0', 'beta', 0)).toBe(releaseYaml.replace('  stable: 25\n', '  stable: 25\n  beta: 0\n'));
    expect(setRollout(rel, '1.5.0', 'stable', 100)).toBe(releaseYaml.replace(/# Staged rollout[^\n]*\nrollout:\n {2}stable: 25\n/, ''));
    const plain = { file: rel.file, text: setRollout(rel, '1.5.0', 'stable', 100) };
    expect(setRollout(plain, '1.5.0', 'beta', 10)).toBe(plain.text.replace('changelog: |', 'rollout:\n  beta: 10\nchangelog: |'));
    expect(storeError(() => setRollout(rel, '1.5.0', 'nightly', 10))).toEqual([
      {
        code: 'E_AUTHOR_CHANNEL_NOT_IN_RELEASE',
        file: rel.file,
        line: 3,
        message: 'Release 1.5.0 is not in channel "nightly" (its channels: stable, beta).',
      },
    ]);
  });

  it('promotes into a channel, optionally as a staged rollout', () => {
    expect(promoteRelease(rel, 'nightly')).toBe(releaseYaml.replace('[stable, beta]', '[stable, beta, nightly]'));
    expect(promoteRelease(rel, 'nightly', 5)).toBe(
      releaseYaml.replace('[stable, beta]', '[stable, beta, nightly]').replace('  stable: 25\n', '  stable: 25\n  nightly: 5\n'),
    );
    expect(promoteRelease(rel, 'beta')).toBe(releaseYaml);
    const betaOnly = { file: 'r.yaml', text: releaseYaml.replace('[stable, beta]', '[beta]') };
    expect(promoteRelease(betaOnly, 'stable', undefined, ['stable', 'beta', 'nightly'])).toBe(releaseYaml);
  });

  const entry = { os: 'linux', architectures: ['x86-64'], file: 'files/x-1.6.0.tar.gz', size: 10, sha256: 'ab'.repeat(32) };

  it('writes a new release the way the hand-written ones look', () => {
    expect(
      createRelease(
        {
          version: '1.6.0',
          channels: ['beta'],
          changelog: '## Fixes\n* Crash on start',
          entry: { ...entry, osversion: '>=5.4', signature: 'c2ln' },
        },
        ' header',
      ),
    ).toBe(`# header
version: 1.6.0
channels: [beta]
changelog: |
  ## Fixes
  * Crash on start
entries:
  - os: linux
    architectures: [x86-64]
    osversion: ">=5.4"
    format: gz
    file: files/x-1.6.0.tar.gz
    size: 10
    sha256: ${'ab'.repeat(32)}
    signature: c2ln
`);
    expect(createRelease({ version: '2.2.0', channels: ['stable', 'beta'], dockerTag: 'v2.2.0', date: '2026-04-01' })).toBe(
      'version: 2.2.0\nchannels: [stable, beta]\ndate: 2026-04-01\ndocker:\n  tag: v2.2.0\n',
    );
  });

  it('adds one more platform to a release, but never a second file for the same platform and format', () => {
    const first = { file: 'r.yaml', text: createRelease({ version: '1.6.0', channels: ['beta'], entry }) };
    const both = addToRelease(first, { version: '1.6.0', channels: ['stable'], entry: { ...entry, os: 'windows', file: 'files/x.zip' } });
    expect(both).toBe(
      first.text.replace('[beta]', '[beta, stable]') +
        `  - os: windows
    architectures: [x86-64]
    format: zip
    file: files/x.zip
    size: 10
    sha256: ${'ab'.repeat(32)}
`,
    );
    expect(
      storeError(() =>
        addToRelease(
          { file: 'r.yaml', text: both },
          { version: '1.6.0', channels: [], entry: { ...entry, architectures: ['arm64', 'x86-64'] } },
        ),
      ),
    ).toEqual([
      { code: 'E_AUTHOR_ENTRY_EXISTS', file: 'r.yaml', line: 4, message: 'Release 1.6.0 already has a file for linux x86-64 (gz).' },
    ]);
    expect(
      addToRelease({ file: 'r.yaml', text: both }, { version: '1.6.0', channels: [], entry: { ...entry, format: 'AppImage' } }),
    ).toContain('format: AppImage');
  });

  it('refuses to edit a file that does not parse, with the position', () => {
    expect(
      storeError(() => setRollout({ file: 'bad.yaml', text: 'version: 1.0.0\nchannels: [stable\n' }, '1.0.0', 'stable', 5))[0],
    ).toMatchObject({ code: 'E_YAML_SYNTAX', file: 'bad.yaml', line: 3 });
  });
});

describe('release notes from a CHANGELOG.md', () => {
  const keepAChangelog = `# Changelog

## [Unreleased]
- Work in progress

## [1.6.0] - 2026-03-20
### Added
- Tags in the sidebar

## [1.6.0-beta.1] - 2026-03-01
- Preview

## [1.5.0] - 2026-02-01
- Search
`;
  const semanticRelease = `# [1.6.0](https://github.com/o/r/compare/v1.5.0...v1.6.0) (2026-03-20)


### Features

* **sync:** end-to-end encryption ([abc1234](https://github.com/o/r/commit/abc1234))

## [1.5.1](https://github.com/o/r/compare/v1.5.0...v1.5.1) (2026-03-02)

### Bug Fixes

* crash on start
`;

  it('takes the section of the version, up to the next heading of its level or of another version', () => {
    expect(changelogSection(keepAChangelog, '1.6.0')).toBe('### Added\n- Tags in the sidebar');
    expect(changelogSection(keepAChangelog, '1.6.0-beta.1')).toBe('- Preview');
    expect(changelogSection(semanticRelease, '1.6.0')).toBe(
      '### Features\n\n* **sync:** end-to-end encryption ([abc1234](https://github.com/o/r/commit/abc1234))',
    );
    expect(changelogSection(semanticRelease, '1.5.1')).toBe('### Bug Fixes\n\n* crash on start');
    expect(changelogSection('## v2.0.0\n\nBig one.\n', '2.0.0')).toBe('Big one.');
    expect(changelogSection(keepAChangelog, '1.4.0')).toBeUndefined();
  });
});
