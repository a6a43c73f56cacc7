import { writeFileSync } from 'node:fs';
import { checkStore } from '../../index.js';
import { sortDiagnostics, StoreError, UsageError, hasErrors, type Diagnostic } from '../../errors/index.js';
import { renderSummary, runPolicy, type PolicyResult } from '../../policy/index.js';
import { resolveBands } from '../../resolve/index.js';
import type { Command } from '../command.js';
import { progress } from '../progress.js';
import { str, storeConfig } from '../command.js';
import { parseFormat, plural, printDiagnostics, summaryLine } from '../output.js';

export const command: Command = {
  name: 'check',
  usage: `Usage: appshelf check [--store DIR] [--format text|json|github] [--fetch]
                      [--base REF [--actor NAME] [--repo]] [--summary FILE]

Validates every file of the store and reports every problem found, each as
  FILE:LINE:COL: error CODE: message

With --base, the working tree is a release candidate (a pull request) and is also
compared with the store at the git ref REF (the branch it will be merged into):
  - released versions are immutable: no deletion, and no change of version, date,
    files, sizes, hashes, signatures or docker tag (changelog, channels, rollout,
    osversion/appversion ranges and yanked/yankReason stay editable);
  - an app that is locked at REF accepts no new release;
  - a version that exists at REF cannot be added again;
  - a new app certificate must come with every release re-signed;
  - with --actor: apps change only by their owners, store files only by admins.

Options:
  --store DIR      the store folder (default: store)
  --format FMT     text (default), json, or github (workflow annotations)
  --fetch          also download and verify remote (https) archives
  --quiet          no progress line on a terminal (none is drawn in CI or a pipe anyway)
  --base REF       git ref to compare with, e.g. origin/main
  --actor NAME     user name of the pull-request author (checks owners and admins)
  --repo           with --base: the repository holds only the store, so every file changed
                   outside the store folder is admin-only (always: .github/, package*.json,
                   CODEOWNERS, .npmrc)
  --summary FILE   write a markdown release-candidate report for reviewers
  -h, --help       show this help

Examples:
  appshelf check
  appshelf check --base origin/main --actor octocat --summary summary.md

Exit codes: 0 the store is valid, 1 it has errors, 2 wrong usage, 3 internal error.`,
  options: {
    store: { type: 'string' },
    format: { type: 'string' },
    fetch: { type: 'boolean' },
    quiet: { type: 'boolean' },
    base: { type: 'string' },
    actor: { type: 'string' },
    repo: { type: 'boolean' },
    summary: { type: 'string' },
  },
  async run(args) {
    const format = parseFormat(str(args, 'format'));
    const config = storeConfig(args);
    const base = str(args, 'base');
    const actor = str(args, 'actor');
    if (actor !== undefined && base === undefined) throw new UsageError('--actor needs --base: ownership is checked against the base.');
    if (base !== undefined && !base.trim()) throw new UsageError('--base needs a git ref, e.g. origin/main.');
    const shown = progress(args.io, 'check', { quiet: args.values.quiet === true || format !== 'text' });
    const result = await checkStore({ config, onStage: shown.stage, onProgress: (done, total) => shown.count(done, total) });
    let policy: PolicyResult | undefined;
    let policyDiagnostics: Diagnostic[] = [];
    if (base !== undefined && result.store) {
      try {
        policy = await runPolicy({ config, base, actor: actor || undefined, repo: args.values.repo === true });
        policyDiagnostics = policy.diagnostics;
      } catch (e) {
        if (!(e instanceof StoreError)) throw e;
        policyDiagnostics = [...e.diagnostics];
      }
    }
    const took = shown.done();
    const all = sortDiagnostics([...result.diagnostics, ...policyDiagnostics]);
    printDiagnostics(all, format, args.io);
    const summaryFile = str(args, 'summary');
    if (summaryFile) {
      writeFileSync(
        summaryFile,
        renderSummary({
          base: policy?.base.store,
          head: result.store,
          baseLabel: policy
            ? policy.baseCommit.startsWith(base!)
              ? base
              : `${base} (${policy.baseCommit.slice(0, 7)})`
            : base !== undefined
              ? `${base} (not readable; see the problems)`
              : undefined,
          changed: policy?.changed ?? [],
          policy: sortDiagnostics(policyDiagnostics),
          diagnostics: result.diagnostics,
          signed: result.trust?.signed,
          facts: result.inspect?.facts,
          bands: resolveBands,
        }),
      );
    }
    const ok = !hasErrors(all);
    if (format === 'text') {
      const apps = result.store?.apps.length ?? 0;
      const releases = result.store?.apps.reduce((n, a) => n + a.releases.length, 0) ?? 0;
      const what = policy ? `store is valid and the change against ${base} follows the policy` : 'store is valid';
      args.io.err(
        ok
          ? `✓ ${what}: ${plural(apps, 'app')}, ${plural(releases, 'release')} (${summaryLine(all)})${took}\n`
          : `✗ ${summaryLine(all)}${took}\n`,
      );
    }
    return ok ? 0 : 1;
  },
};
