// The files `appshelf init` writes: a store repository that checks pull requests with the base
// branch's appshelf and publishes a signed site. Pure: text in, text out.

/** What `appshelf init` is told. */
export interface InitInput {
  /** Store name (store.yaml `name`). */
  name: string;
  /** npm package name of the repository (package.json `name`). */
  packageName: string;
  /** Public URL of the published site. */
  baseUrl: string;
  /**
   * The dependency spec of appshelf in package.json: a tarball URL or path, a git URL, a version.
   * Undefined: keep the one `existingPackageJson` has.
   */
  appshelf?: string;
  /** The package.json already there (e.g. written by `npm install --save-dev <tarball>`): merged, not replaced. */
  existingPackageJson?: string;
  /** Store admins (git host user names): store.yaml `admins` and CODEOWNERS. */
  admins: readonly string[];
  /** Where publish.yml puts the site: GitHub Pages (default) or an S3 bucket (`appshelf deploy`). */
  deploy?: 'pages' | 's3';
}

/** Actions pinned to full commit SHAs (a moved tag cannot change what runs); the comment names the release. */
export const ACTIONS = {
  checkout: 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2',
  setupNode: 'actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020 # v4.4.0',
  cache: 'actions/cache@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3',
  cacheRestore: 'actions/cache/restore@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3',
  githubScript: 'actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1',
  uploadPages: 'actions/upload-pages-artifact@56afc609e74202658d3ffba0e8f6dda462b719fa # v3.0.1',
  deployPages: 'actions/deploy-pages@d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e # v4.0.5',
  awsCredentials: 'aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c # v6.2.3',
} as const;

/** The Node.js line the workflows run on: an LTS line with maintenance (Node 20 ended in April 2026). */
export const WORKFLOW_NODE = 24;

/** Options of the workflow texts: this repository's own or a store repository's. */
export interface WorkflowOptions {
  /** `check --repo`: every file outside the store folder is admin-only (store repositories). */
  repo: boolean;
  /** The published site's URL for `build --published` (omitted when undefined). */
  published?: string;
}

/** `.github/workflows/check.yml`. */
export function checkWorkflow(o: WorkflowOptions): string {
  return `# The release-candidate check of every pull request.
# The pull request's files are DATA: the checker is the base branch's appshelf (installed from the
# base commit), so a pull request cannot change the rules it is judged by; it compares against the
# commit it will be merged onto (the merge commit's first parent). No secrets are reachable here.
name: check

on:
  pull_request:

permissions:
  contents: read
  pull-requests: write # only to post or update the one summary comment

concurrency:
  group: check-\${{ github.event.pull_request.number }}
  cancel-in-progress: true

jobs:
  check:
    runs-on: ubuntu-24.04
    timeout-minutes: 15
    steps:
      - name: The checker, from the base commit
        uses: ${ACTIONS.checkout}
        with:
          ref: \${{ github.event.pull_request.base.sha }}
          path: base
          persist-credentials: false

      - name: The candidate (the pull request merged onto its base), as data only
        uses: ${ACTIONS.checkout}
        with:
          path: candidate
          fetch-depth: 2 # HEAD^1 is the commit the pull request is merged onto
          persist-credentials: false

      - uses: ${ACTIONS.setupNode}
        with:
          node-version: ${WORKFLOW_NODE}
          cache: npm
          cache-dependency-path: base/package-lock.json

      - name: Install the base branch's appshelf
        working-directory: base
        run: npm ci --no-audit --no-fund

      # The parse and verify caches of the last publish, read only: a pull request never writes a
      # cache that a publish run would then trust.
      - uses: ${ACTIONS.cacheRestore}
        with:
          path: candidate/.appshelf-cache
          key: appshelf-cache-\${{ github.event.pull_request.base.sha }}
          restore-keys: appshelf-cache-

      # Run in the candidate (annotations name its files), with the base's appshelf (--prefix).
      - name: Check the release candidate
        working-directory: candidate
        env:
          ACTOR: \${{ github.event.pull_request.user.login }}
        # Values come in through env, never spliced into the script (names can hold shell syntax).
        run: npx --prefix ../base appshelf check --base HEAD^1${o.repo ? ' --repo' : ''} --actor "$ACTOR" --format github --summary ../summary.md

      - name: Summary for the run page
        if: \${{ !cancelled() && hashFiles('summary.md') != '' }}
        run: cat summary.md >> "$GITHUB_STEP_SUMMARY"

      - name: Summary as the pull-request comment
        if: \${{ !cancelled() && hashFiles('summary.md') != '' }}
        # Pull requests from forks get a read-only token: they keep the run-page summary only.
        continue-on-error: true
        uses: ${ACTIONS.githubScript}
        with:
          script: |
            const fs = require('fs');
            const marker = '<!-- appshelf-check-summary -->';
            let body = fs.readFileSync('summary.md', 'utf8');
            if (body.length > 65000) body = body.slice(0, 65000) + '\\n\\n… (truncated; the full report is on the run page)';
            const { owner, repo } = context.repo;
            const issue_number = context.payload.pull_request.number;
            const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
            const mine = comments.find((c) => c.user?.type === 'Bot' && c.body?.includes(marker));
            if (mine) await github.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
            else await github.rest.issues.createComment({ owner, repo, issue_number, body });
`;
}

/** When both publish workflows run: every push to main, daily (the fresh documents), by hand. */
const PUBLISH_TRIGGERS = `on:
  push:
    branches: [main]
  # Fresh documents expire (signing.expiresDays): a daily build re-signs them (one small file per app). GitHub disables
  # the schedule of a repository without activity for 60 days: the keepalive job below prevents it.
  schedule:
    - cron: '17 3 * * *'
  workflow_dispatch:

permissions:
  contents: read
`;

/** The job both publish workflows end with: it keeps their daily schedule alive. */
const KEEPALIVE_JOB = `  # Re-enabling the workflow counts as activity: the daily schedule never reaches GitHub's
  # 60-day limit. If it stops anyway, \`build --published\` warns as the feed nears expiry.
  keepalive:
    if: \${{ github.event_name == 'schedule' }}
    runs-on: ubuntu-24.04
    permissions:
      actions: write
    steps:
      - env:
          GH_TOKEN: \${{ github.token }}
        run: gh api -X PUT "repos/$GITHUB_REPOSITORY/actions/workflows/publish.yml/enable"
`;

/**
 * The steps both publish workflows share: checkout with history, Node, npm ci, the pull-request
 * rules for a push, the cache, and the signed build into dist/.
 */
function publishBuildSteps(o: Pick<WorkflowOptions, 'repo' | 'published'>): string {
  return `      - uses: ${ACTIONS.checkout}
        with:
          fetch-depth: 0 # release numbers, dates, the release log and serials come from git history
          persist-credentials: false

      - uses: ${ACTIONS.setupNode}
        with:
          node-version: ${WORKFLOW_NODE}
          cache: npm

      - run: npm ci --no-audit --no-fund

      # A push straight to main gets the pull-request rules too: released versions are never
      # deleted or changed. A push that breaks them is not deployed.
      - name: The pull-request rules against the commit before the push
        if: \${{ github.event_name == 'push' && github.event.before != '0000000000000000000000000000000000000000' }}
        env:
          BEFORE: \${{ github.event.before }}
        run: npx appshelf check --base "$BEFORE"${o.repo ? ' --repo' : ''} --format github

      # Parsed files, verified archives and the git history of earlier runs.
      - uses: ${ACTIONS.cache}
        with:
          path: .appshelf-cache
          key: appshelf-cache-\${{ github.sha }}
          restore-keys: appshelf-cache-

      - name: Build the signed site
        env:
          APPSHELF_SIGNING_KEY: \${{ secrets.APPSHELF_SIGNING_KEY }}
        run: npx appshelf build --out dist${o.published ? ` --published ${o.published}` : ''}
`;
}

/** `.github/workflows/publish.yml`. */
export function publishWorkflow(o: WorkflowOptions): string {
  return `# Publish: every push to main (a merged pull request) is checked against the commit before it,
# built with the signing key and deployed to GitHub Pages; a daily run re-signs the per-app fresh documents.
name: publish

${PUBLISH_TRIGGERS}
# One publish at a time, in order: a newer merge waits instead of racing an older deploy.
concurrency:
  group: publish-pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-24.04
    timeout-minutes: 30
    # The signing key is a secret of this environment only; limit the environment to the main
    # branch (Settings → Environments → publish → Deployment branches), so no pull-request or
    # branch run can reach it.
    environment: publish
    steps:
${publishBuildSteps(o)}
      - uses: ${ACTIONS.uploadPages}
        with:
          path: dist

  deploy:
    needs: build
    runs-on: ubuntu-24.04
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: \${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: ${ACTIONS.deployPages}

${KEEPALIVE_JOB}`;
}

/**
 * `.github/workflows/publish.yml` for a store that outgrew GitHub Pages: the same checked, signed
 * build, then `appshelf deploy` to an S3 bucket with short-lived credentials (GitHub's OIDC token
 * exchanged for an IAM role; no access key is stored anywhere). Settings are repository variables.
 */
function publishS3Workflow(o: WorkflowOptions): string {
  return `# Publish: every push to main (a merged pull request) is checked against the commit before it,
# built with the signing key and deployed to an S3 bucket (appshelf deploy: only what changed);
# a daily run re-signs the per-app fresh documents. Repository variables (Settings → Secrets and variables →
# Actions → Variables): APPSHELF_S3_TARGET (s3://BUCKET/PREFIX), APPSHELF_AWS_ROLE_ARN (the IAM role
# GitHub's OIDC provider may assume, limited to this repository's publish environment) and
# APPSHELF_AWS_REGION. No AWS key is stored: the job's OIDC token is exchanged for a one-hour session.
name: publish

${PUBLISH_TRIGGERS}
# One publish at a time, in order: two deploys must not write the bucket's inventory at once.
concurrency:
  group: publish-s3
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-24.04
    timeout-minutes: 60
    # The signing key and the role's trust are bound to this environment; limit it to the main
    # branch (Settings → Environments → publish → Deployment branches).
    environment: publish
    permissions:
      contents: read
      id-token: write # the OIDC token the role is assumed with
    steps:
${publishBuildSteps(o)}
      - uses: ${ACTIONS.awsCredentials}
        with:
          role-to-assume: \${{ vars.APPSHELF_AWS_ROLE_ARN }}
          aws-region: \${{ vars.APPSHELF_AWS_REGION }}
          role-session-name: appshelf-publish

      - name: Deploy what changed
        env:
          TARGET: \${{ vars.APPSHELF_S3_TARGET }}
        run: npx appshelf deploy --dir dist --to "$TARGET"

${KEEPALIVE_JOB}`;
}

/** Every file of a new store repository (path relative to its root → text). */
export function initFiles(input: InitInput): Map<string, string> {
  const owners = input.admins.length ? input.admins.map((a) => `@${a}`).join(' ') : '@ADMIN-GITHUB-NAME';
  const files = new Map<string, string>();
  files.set(
    'store/store.yaml',
    `# yaml-language-server: $schema=../node_modules/appshelf/public/schemas/store.schema.json
# The store's settings: only store admins change this file (CODEOWNERS). Every field: the
# store-format page of appshelf's documentation.
name: ${JSON.stringify(input.name)}
baseUrl: ${input.baseUrl}
admins: [${input.admins.join(', ')}]

# Most mature first: a beta client also gets newer stable releases (includeMoreMature).
channels:
  - name: stable
    maturity: stable
  - name: beta
    maturity: beta
  - name: nightly
    maturity: nightly
    nightly: true

trust:
  ca: trust/ca.crt
  revoked: trust/revoked.yaml
  signatures: required
`,
  );
  files.set('store/apps/.gitkeep', '');
  files.set('package.json', packageJson(input));
  files.set(
    '.gitignore',
    `node_modules/
.appshelf-cache/
dist*
# Private keys live outside the repository (~/.appshelf/); this is a second guard.
*.key
`,
  );
  files.set('.github/workflows/check.yml', checkWorkflow({ repo: true }));
  const publish = input.deploy === 's3' ? publishS3Workflow : publishWorkflow;
  files.set('.github/workflows/publish.yml', publish({ repo: true, published: input.baseUrl }));
  files.set(
    '.github/CODEOWNERS',
    `# Admin-only files: a pull request that changes them needs a store admin's review
# (turn on "Require review from Code Owners" for main). The check reports them as admin-only.
/.github/ ${owners}
/package.json ${owners}
/package-lock.json ${owners}
/.gitignore ${owners}
/store/store.yaml ${owners}
/store/trust/ ${owners}
`,
  );
  files.set('README.md', readme(input));
  return files;
}

/** Where package.json says appshelf comes from (dependencies or devDependencies), if anywhere. */
export function appshelfSpecOf(packageJsonText: string): string | undefined {
  const pkg = JSON.parse(packageJsonText) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  return pkg.devDependencies?.appshelf ?? pkg.dependencies?.appshelf;
}

// --- internal ---

/** A new package.json, or the existing one with the store's scripts added and appshelf pinned (its other fields kept). */
function packageJson(input: InitInput): string {
  const pkg = (
    input.existingPackageJson
      ? JSON.parse(input.existingPackageJson)
      : { name: input.packageName, private: true, description: `The ${input.name} app store (appshelf).` }
  ) as Record<string, unknown> & {
    scripts?: Record<string, string>;
    devDependencies?: Record<string, string>;
    dependencies?: Record<string, string>;
  };
  pkg.scripts = { check: 'appshelf check', build: 'appshelf build', start: 'appshelf build --unsigned && appshelf serve', ...pkg.scripts };
  if (input.appshelf) {
    if (pkg.dependencies?.appshelf) pkg.dependencies.appshelf = input.appshelf;
    else pkg.devDependencies = { ...pkg.devDependencies, appshelf: input.appshelf };
  }
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

function readme(input: InitInput): string {
  return `# ${input.name}

An app store kept in git with [appshelf](https://www.npmjs.com/package/appshelf): apps, channels and
releases are files under \`store/\`; a pull request that adds a release is a release candidate and
merging it is the approval. The site is published at ${input.baseUrl}.

## For store admins

Once, after \`appshelf init\`:

1. Keep the CA key that \`init\` wrote outside this repository (it was printed; default
   \`~/.appshelf/\`) secret and backed up: it issues every app certificate.
2. Make the manifest-signing key and put its public key into \`store/store.yaml\`:
   \`npx appshelf keygen --print\`, and store the printed private key as the secret
   \`APPSHELF_SIGNING_KEY\` of a deployment environment named \`publish\` (Settings → Environments),
   limited to the \`main\` branch. From then on every build must be signed.
3. Settings → Pages → Source: GitHub Actions. Settings → Branches: protect \`main\`, require the
   \`check\` status and review from Code Owners (\`.github/CODEOWNERS\`).
4. Commit and push: \`git add -A && git commit -m "A new store" && git push\`.

Day to day: \`npx appshelf ca sign APP.csr --key ~/.appshelf/ca.key\` issues an app developer's
certificate; \`npx appshelf yank APP VERSION --reason TEXT\` withdraws a version; \`lock\`, \`pin\`,
\`rollout\` and \`promote\` edit the store files (\`npx appshelf --help\`).

Preview locally: \`npm start\` (an unsigned preview on http://127.0.0.1:8080), or a signed one with
\`APPSHELF_SIGNING_KEY_FILE=~/.appshelf/manifest-signing.key npx appshelf build --base-url http://127.0.0.1:8080/ && npx appshelf serve\`.

The workflows: \`check\` runs on every pull request with the base branch's appshelf (the pull
request's files are only data), against the commit it will be merged onto; changes to
\`.github/\`, \`package*.json\`, \`store.yaml\` or \`trust/\` are reported as admin-only.
\`publish\` checks a push against the commit before it, builds with the signing key and deploys to
GitHub Pages; it runs daily to re-sign the fresh documents before they expire.

## For app developers

1. \`npx appshelf cert request APP\` makes your key and \`APP.csr\`; send the CSR to a store admin and
   keep the key. You get \`APP.crt\` back.
2. \`npx appshelf app register APP --cert APP.crt --key APP.key\` writes \`store/apps/APP/app.yaml\`.
3. \`npx appshelf release add APP 1.0.0 --file FILE --os linux --arch x86-64 --channel stable --key APP.key\`
   adds a release (size, hash and signature computed for you).
4. \`npx appshelf check\`, then open a pull request. The check comments what your release changes for
   users; a store admin merges it.
`;
}
