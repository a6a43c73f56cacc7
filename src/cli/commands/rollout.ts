import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { authorContext, requireApp, requireChannel, requireRelease, setRollout } from '../../author/index.js';
import { UsageError } from '../../errors/index.js';
import { loadStore } from '../../load/index.js';
import { displayPath } from '../../util/paths.js';
import type { Command } from '../command.js';
import { str } from '../command.js';

/** Reads `--percent`: a whole number 0–100. */
export function parsePercent(value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !/^\d+$/.test(value.trim()) || n > 100) throw new UsageError(`--percent must be a whole number from 0 to 100 (got "${value ?? ''}").`);
  return n;
}

export const command: Command = {
  name: 'rollout',
  usage: `Usage: appshelf rollout APP VERSION --channel CHANNEL --percent N [--store DIR]

Sets how many clients of CHANNEL get VERSION, in its release file (\`rollout:\`).
A client at percentile p (0–99) gets the release iff p < N; the others keep the
newest fully rolled-out release. 0 halts the rollout at once; 100 (the default)
removes the entry, so everybody gets the release.

Options:
  --channel CHANNEL   the channel (the release must be in it: see \`appshelf promote\`)
  --percent N         0–100
  --store DIR         the store folder (default: store)
  -h, --help          show this help

Examples:
  appshelf rollout shelfnotes 1.6.0 --channel stable --percent 10
  appshelf rollout shelfnotes 1.6.0 --channel stable --percent 0     # halt
  appshelf rollout shelfnotes 1.6.0 --channel stable --percent 100   # everyone`,
  options: { channel: { type: 'string' }, percent: { type: 'string' }, store: { type: 'string' } },
  positionals: [2, 2],
  async run(args) {
    const [id, version] = args.positionals as [string, string];
    const channel = str(args, 'channel');
    if (!channel) throw new UsageError('--channel is required.');
    const percent = parsePercent(str(args, 'percent'));
    const storeDir = str(args, 'store', 'store')!;
    const ctx = authorContext(loadStore(storeDir), displayPath(path.resolve(storeDir)));
    const app = requireApp(ctx, id);
    requireChannel(ctx, channel);
    const { release, source } = requireRelease(ctx, app, version);
    writeFileSync(source.abs, setRollout(source, release.version, channel, percent));
    const was = release.rollout[channel];
    args.io.out(`✓ ${id} ${release.version} on ${channel}: ${percent === 0 ? 'rollout halted (0%)' : `${percent}% of clients`}${was !== undefined && was !== percent ? ` (was ${was}%)` : ''} in ${source.file}\n`);
    return 0;
  },
};
