import { createInterface } from 'node:readline/promises';
import { CA_DEFAULTS, createStoreCa, initRepository, writeEdits } from '../../author/index.js';
import { caInitReport } from './ca-init.js';
import path from 'node:path';
import { appshelfVersion, parseBaseUrl } from '../../config/index.js';
import { UsageError } from '../../errors/index.js';
import { displayPath } from '../../util/paths.js';
import type { Command } from '../command.js';
import { str, storeConfig } from '../command.js';
import { positiveInt } from './sign.js';

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
    const config = storeConfig(args, { storeDir: path.join(dir, 'store') });
    const baseUrl = config.baseUrl ?? (await askBaseUrl(args.io)) ?? 'http://127.0.0.1:8080/';
    const deploy = str(args, 'deploy') ?? 'pages';
    if (deploy !== 'pages' && deploy !== 's3') throw new UsageError(`--deploy must be pages or s3 (got "${deploy}").`);
    const repo = initRepository({
      dir,
      name: str(args, 'name'),
      baseUrl,
      appshelf: str(args, 'appshelf'),
      admins: ((args.values.admin as string[] | undefined) ?? []).map((a) => a.replace(/^@/, '')),
      deploy,
      caKeyOut: str(args, 'ca-key-out'),
      keysDir: config.keysDir,
    });
    writeEdits(repo.edits);
    // The CA is made by the `ca init` verb itself, once store.yaml is there: one place decides how a store CA looks.
    const ca = createStoreCa(config, {
      keyOut: repo.result.caKey,
      days: CA_DEFAULTS.days,
      bits: positiveInt(args, 'ca-bits', CA_DEFAULTS.bits),
    });
    writeEdits(ca.edits);
    args.io.out(caInitReport(ca.result, CA_DEFAULTS.days));
    args.io.out(
      `\n✓ a store repository in ${displayPath(dir)}: ${repo.result.files.filter((f) => !f.endsWith('.gitkeep')).join(', ')}\n` +
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
