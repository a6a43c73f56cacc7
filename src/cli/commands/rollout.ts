import { setReleaseRollout, writeEdits } from '../../author/index.js';
import { UsageError } from '../../errors/index.js';
import { overrideLabel } from '../../resolve/rollout.js';
import type { Command } from '../command.js';
import { str, storeConfig } from '../command.js';

/** Reads `--percent`: a whole number 0–100. */
export function parsePercent(value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !/^\d+$/.test(value.trim()) || n > 100)
    throw new UsageError(`--percent must be a whole number from 0 to 100 (got "${value ?? ''}").`);
  return n;
}

export const command: Command = {
  name: 'rollout',
  usage: `Usage: appshelf rollout APP VERSION --channel CHANNEL --percent N [--os OS [--arch ARCH] [--archive-format F]
                        [--os-version RANGE] [--app-version RANGE]] [--store DIR]

Sets how many clients of CHANNEL get VERSION, in its release file (\`rollout:\`).
A client at percentile p (0–99) gets the release iff p < N; the others keep the
newest fully rolled-out release. 0 halts the rollout at once; 100 (the default)
removes the entry, so everybody gets the release.

With --os (and --arch, --archive-format) it sets the rollout on that platform only
(\`platformRollout:\`), e.g. halts Windows while macOS continues. With
--os-version / --app-version it sets the rollout of the one file whose range is
exactly that text (several files of one format told apart by range). The most
specific override wins (the file by its ranges, os+arch+format, os+arch,
os+format, os, then the channel's rollout); setting the value that would apply
without the override removes it, and the command names the more specific
overrides that still apply.

Options:
  --channel CHANNEL   the channel (the release must be in it: see \`appshelf promote\`)
  --percent N         0–100
  --os OS             only clients on this os (the release needs a file for it)
  --arch ARCH         only this architecture of --os
  --archive-format F  only files of this format (zip, msi, dmg …) on --os
  --os-version RANGE  only the file of --os whose osversion range is RANGE (as written, "*" if none)
  --app-version RANGE only the file of --os whose appversion range is RANGE
  --store DIR         the store folder (default: store)
  -h, --help          show this help

Examples:
  appshelf rollout shelfnotes 1.6.0 --channel stable --percent 10
  appshelf rollout shelfnotes 1.6.0 --channel stable --percent 0     # halt
  appshelf rollout shelfnotes 1.6.0 --channel stable --percent 100   # everyone
  appshelf rollout shelfnotes 1.6.0 --channel stable --percent 0 --os windows   # halt Windows only
  appshelf rollout shelfnotes 1.6.0 --channel stable --percent 10 --os windows --os-version '<6.2'`,
  options: {
    channel: { type: 'string' },
    percent: { type: 'string' },
    os: { type: 'string' },
    arch: { type: 'string' },
    'archive-format': { type: 'string' },
    'os-version': { type: 'string' },
    'app-version': { type: 'string' },
    store: { type: 'string' },
  },
  positionals: [2, 2],
  async run(args) {
    const [app, version] = args.positionals as [string, string];
    const channel = str(args, 'channel');
    if (!channel) throw new UsageError('--channel is required.');
    const percent = parsePercent(str(args, 'percent'));
    const os = str(args, 'os');
    const arch = str(args, 'arch');
    const format = str(args, 'archive-format');
    const osversion = str(args, 'os-version');
    const appversion = str(args, 'app-version');
    if ((arch !== undefined || format !== undefined || osversion !== undefined || appversion !== undefined) && os === undefined)
      throw new UsageError('--arch, --archive-format, --os-version and --app-version need --os.');
    const platform = os !== undefined ? { os, arch, format, osversion, appversion } : undefined;
    const { edits, result } = setReleaseRollout(storeConfig(args), { app, version, channel, percent, platform });
    writeEdits(edits);
    const share = percent === 0 ? 'rollout halted (0%)' : `${percent}% of clients`;
    const where = platform ? `, ${overrideLabel(platform)}` : '';
    const was = result.was !== undefined && result.was !== percent ? ` (was ${result.was}%)` : '';
    args.io.out(`✓ ${app} ${result.version} on ${channel}${where}: ${share}${was} in ${result.file}\n`);
    if (result.stillApply.length) {
      args.io.out(
        `  note: more specific overrides still apply: ${result.stillApply.map((o) => `${o.label} (${o.percent}%)`).join(', ')}; set them too to change those files.\n`,
      );
    }
    return 0;
  },
};
