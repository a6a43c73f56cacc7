import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { appshelfSpecOf, initFiles } from '../../author/index.js';
import { diag, Errors, StoreError, UsageError } from '../../errors/index.js';
import { displayPath, isInside } from '../../util/paths.js';
import type { Command } from '../command.js';
import { appshelfVersion, parseBaseUrl } from '../../config/index.js';
import { str, storeConfig } from '../command.js';

export const command: Command = {
  name: 'init',
  usage: `Usage: appshelf init [DIR] [--name NAME] [--base-url URL] [--admin USER]... [--appshelf SPEC] [--ca-key-out PATH] [--ca-bits N] [--deploy pages|s3]

Starts a store repository in DIR (default: the current folder), which must not hold a
store yet (nothing is overwritten):
  store/store.yaml       name, baseUrl, channels stable → beta → nightly, trust settings
  store/trust/           a new store CA (\`appshelf ca init\`): ca.crt and revoked.yaml;
                         the CA private key goes OUTSIDE the repository
  package.json           appshelf pinned as a dev dependency, scripts check/build/start (an
                         existing package.json, e.g. from \`npm install --save-dev TARBALL\`, is
                         kept and completed)
  .gitignore             node_modules/, .appshelf-cache/, dist*, *.key
  .github/workflows/     check.yml (pull requests) and publish.yml (signed site on Pages)
  .github/CODEOWNERS     admins guard .github/, package*.json, store.yaml and trust/
  README.md              what store admins and app developers do
Then \`npm install\`, \`appshelf keygen\`, commit, push (the README says each step).

Options:
  --name NAME         store name (default: the folder's name)
  --base-url URL      where the site will be published, e.g. https://OWNER.github.io/REPO/
                      (asked when a terminal is attached; default http://127.0.0.1:8080/)
  --admin USER        a store admin's git host user name (repeatable)
  --appshelf SPEC     how package.json names appshelf: a tarball URL or path, a git URL, a
                      version in your registry (default: what package.json already has)
  --ca-key-out PATH   where the CA key goes (default: ~/.appshelf/keys/<folder>/ca.key)
  --ca-bits N         RSA size of the CA key (default: 4096)
  --deploy pages|s3   where publish.yml puts the site: GitHub Pages (default), or an S3
                      bucket with \`appshelf deploy\` and an OIDC-assumed role (docs/deploy.md)
  -h, --help          show this help

Example:
  mkdir my-store && cd my-store && git init -b main
  npm install --save-dev ../appshelf-${appshelfVersion()}.tgz
  npx appshelf init --base-url https://me.github.io/my-store/ --admin me`,
  options: {
    name: { type: 'string' },
    'base-url': { type: 'string' },
    admin: { type: 'string', multiple: true },
    appshelf: { type: 'string' },
    'ca-key-out': { type: 'string' },
    'ca-bits': { type: 'string' },
    deploy: { type: 'string' },
  },
  positionals: [0, 1],
  async run(args) {
    const dir = path.resolve(args.positionals[0] ?? '.');
    const folder = path.basename(dir);
    const packageName =
      folder
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-')
        .replace(/^[._-]+/, '') || 'app-store';
    const admins = ((args.values.admin as string[] | undefined) ?? []).map((a) => a.replace(/^@/, ''));
    const baseUrl = storeConfig(args).baseUrl ?? (await askBaseUrl(args.io)) ?? 'http://127.0.0.1:8080/';
    const pkgFile = path.join(dir, 'package.json');
    const existingPackageJson = existsSync(pkgFile) ? readFileSync(pkgFile, 'utf8') : undefined;
    let kept: string | undefined;
    try {
      kept = existingPackageJson === undefined ? undefined : appshelfSpecOf(existingPackageJson);
    } catch {
      throw new UsageError(`${displayPath(pkgFile)} is not valid JSON; fix or remove it first.`);
    }
    const appshelf = str(args, 'appshelf');
    // Never a bare name: "appshelf" on a public registry need not be this package.
    if (!appshelf && !kept) {
      throw new UsageError(
        `package.json must say where appshelf comes from: run \`npm install --save-dev <appshelf tarball or git URL>\` first, or pass --appshelf SPEC (e.g. --appshelf https://…/appshelf-${appshelfVersion()}.tgz).`,
      );
    }
    const deploy = str(args, 'deploy', 'pages');
    if (deploy !== 'pages' && deploy !== 's3') throw new UsageError(`--deploy must be pages or s3 (got "${deploy}").`);
    const files = initFiles({ name: str(args, 'name') ?? folder, packageName, baseUrl, appshelf, existingPackageJson, admins, deploy });
    const clash = [...files.keys(), 'store/trust/ca.crt', 'store/trust/revoked.yaml'].filter(
      (rel) => rel !== 'package.json' && existsSync(path.join(dir, rel)),
    );
    if (existsSync(path.join(dir, 'store')) && readdirSync(path.join(dir, 'store')).length) clash.unshift('store/');
    if (clash.length)
      throw new StoreError(diag(Errors.InitExists, [[...new Set(clash)].map((rel) => displayPath(path.join(dir, rel))).join(', ')]));
    for (const [rel, text] of files) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), text, { flag: rel === 'package.json' ? 'w' : 'wx' });
    }
    const caKey = path.resolve(str(args, 'ca-key-out') ?? path.join(storeConfig(args).keysDir, packageName, 'ca.key'));
    if (isInside(dir, caKey)) throw new StoreError(diag(Errors.KeygenInsideStore, [displayPath(caKey)]));
    // The CA is made by `ca init` itself: one place decides how a store CA looks.
    const { command: caInit } = await import('./ca-init.js');
    const values = { store: path.join(dir, 'store'), 'key-out': caKey, ...(str(args, 'ca-bits') ? { bits: str(args, 'ca-bits') } : {}) };
    const code = await caInit.run({ values, positionals: [], io: args.io });
    if (code !== 0) return code;
    args.io.out(
      `\n✓ a store repository in ${displayPath(dir)}: ${[...files.keys()].filter((f) => !f.endsWith('.gitkeep')).join(', ')}\n` +
        `\nNext:\n` +
        `  npm install                                  # installs and pins appshelf (package-lock.json)\n` +
        `  npx appshelf keygen --print                  # the manifest-signing key (a CI secret)\n` +
        `  npx appshelf check && npx appshelf build --unsigned && npx appshelf serve\n` +
        `  git add -A && git commit -m "A new store"    # then push; README.md says the GitHub settings\n`,
    );
    return 0;
  },
};

// --- internal ---

/** The version of this appshelf (its package.json), pinned exactly. */
/** Asks for the base URL when a person is at a terminal; undefined otherwise (or on an empty answer). */
async function askBaseUrl(io: { out: (t: string) => void }): Promise<string | undefined> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) return undefined;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    for (;;) {
      const answer = (
        await rl.question('Where will the site be published (e.g. https://OWNER.github.io/REPO/)? [http://127.0.0.1:8080/] ')
      ).trim();
      if (!answer) return undefined;
      try {
        return parseBaseUrl(answer);
      } catch (e) {
        io.out(`${(e as Error).message}\n`);
      }
    }
  } finally {
    rl.close();
  }
}
