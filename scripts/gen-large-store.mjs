#!/usr/bin/env node
// Generates a synthetic store for benchmarks: APPS apps × RELEASES releases × 4 platforms × 3 channels,
// with staged rollouts on some releases, tiny archives, signatures optional (archive signature
// verification is benchmarked by bench-verify). The store is committed to a fresh git repository so
// builds see a real history (release numbers, serials).
// Usage: node scripts/gen-large-store.mjs DIR [APPS=1000] [RELEASES=20]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [dir, apps = '1000', releases = '20'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node scripts/gen-large-store.mjs DIR [APPS] [RELEASES]');
  process.exit(2);
}
const APPS = Number(apps);
const RELEASES = Number(releases);
const PLATFORMS = [
  ['windows', 'x86-64', 'zip'],
  ['osx', 'arm64', 'gz'],
  ['linux', 'x86-64', 'gz'],
  ['linux', 'arm64', 'gz'],
];
const root = path.resolve(dir);
rmSync(root, { recursive: true, force: true });
const store = path.join(root, 'store');
mkdirSync(store, { recursive: true });
writeFileSync(
  path.join(store, 'store.yaml'),
  `name: synthetic bench store
baseUrl: https://apps.example.com/
channels:
  - name: stable
  - name: beta
  - name: nightly
    nightly: true
trust:
  signatures: optional
`,
);
const CATEGORIES = [
  'office',
  'productivity',
  'files',
  'multimedia',
  'monitoring',
  'security',
  'development',
  'games',
  'education',
  'graphics',
  'network',
  'utilities',
];
const WORDS = [
  'notes',
  'photos',
  'backups',
  'calendars',
  'contacts',
  'invoices',
  'recipes',
  'servers',
  'passwords',
  'bookmarks',
  'tasks',
  'feeds',
  'maps',
  'logs',
  'music',
];
const sha = (b) => createHash('sha256').update(b).digest('hex');
for (let a = 0; a < APPS; a++) {
  const id = `app_${String(a).padStart(4, '0')}`;
  const appDir = path.join(store, 'apps', id);
  mkdirSync(path.join(appDir, 'releases'), { recursive: true });
  mkdirSync(path.join(appDir, 'files'), { recursive: true });
  // A summary, a paragraph of description and two categories, as real listings have (the store front's page weight).
  const cats = [CATEGORIES[a % CATEGORIES.length], CATEGORIES[(a * 7 + 3) % CATEGORIES.length]].filter((c, i, all) => all.indexOf(c) === i);
  writeFileSync(
    path.join(appDir, 'app.yaml'),
    `id: ${id}\nname: App ${a}\nsummary: Synthetic app ${a}, a ${cats[0]} tool that keeps ${WORDS[a % WORDS.length]} in order\ndescription: |\n  App ${a} ${WORDS[(a * 3) % WORDS.length]} your ${WORDS[(a * 5) % WORDS.length]} and ${WORDS[(a * 11) % WORDS.length]}.\n\n  - **Fast**: works offline and syncs when it can.\n  - **Private**: nothing leaves your machine unless you say so.\n  - See the [guide](https://example.com/${id}) for details.\nowners: [team${a % 50}]\nlicense: MIT\ncategories: [${cats.join(', ')}]\n`,
  );
  for (let r = 0; r < RELEASES; r++) {
    const version = `1.${r}.0`;
    const last = r === RELEASES - 1;
    const beta = r === RELEASES - 2 || last;
    const channels = last && a % 3 === 0 ? ['beta'] : beta ? ['stable', 'beta'] : ['stable'];
    const rollout = last && a % 4 === 1 ? `rollout:\n  ${channels[0]}: ${((a * 7) % 90) + 5}\n` : '';
    const entries = PLATFORMS.map(([os, arch, format]) => {
      const name = `${id}-${version}-${os}-${arch}.${format === 'zip' ? 'zip' : 'tar.gz'}`;
      const bytes = Buffer.from(`${id} ${version} ${os} ${arch}\n`);
      writeFileSync(path.join(appDir, 'files', name), bytes);
      return `  - os: ${os}\n    architectures: [${arch}]\n    osversion: "*"\n    appversion: "*"\n    format: ${format}\n    file: files/${name}\n    size: ${bytes.length}\n    sha256: ${sha(bytes)}\n`;
    }).join('');
    writeFileSync(
      path.join(appDir, 'releases', `${version}.yaml`),
      `version: ${version}\nchannels: [${channels.join(', ')}]\ndate: 2026-01-${String((r % 28) + 1).padStart(2, '0')}T00:00:00Z\n${rollout}changelog: |\n  ## Changes\n  * Release ${version} of ${id}\nentries:\n${entries}`,
    );
  }
}
const git = (...args) =>
  execFileSync('git', args, {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'bench',
      GIT_AUTHOR_EMAIL: 'bench@example.com',
      GIT_COMMITTER_NAME: 'bench',
      GIT_COMMITTER_EMAIL: 'bench@example.com',
    },
  });
git('init', '-q', '-b', 'main');
git('add', '-A');
git('commit', '-q', '-m', 'Synthetic store');
console.log(`generated ${root}/store: ${APPS} apps × ${RELEASES} releases × ${PLATFORMS.length} platforms`);
