import { clientPercentile, listAvailable, listInstalled, resolveClientConfig } from '../../client/installer/index.js';
import { printJson, runClient } from '../client-support.js';
import type { Command } from '../command.js';
import { str } from '../command.js';

const table = (rows: readonly string[][]): string => {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map(
      (r) =>
        r
          .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd() + '\n',
    )
    .join('');
};

export const command: Command = {
  name: 'list',
  usage: `Usage: appshelf list [--available] [--dir DIR] [--store-url URL] [--json]

Lists the installed apps with their version, channel and uid, this install root's
rollout percentile (from DIR/state.json, no network; \`install --percentile N\` sets it),
and an app whose version came from a rollback (its channel pinned back). With
--available, lists the apps of the store instead (its api/v1/apps.json): id, the
version each channel serves everyone, and the summary.

Options:
  --available        the store's apps instead of the installed ones
  --store-url URL    the store for --available (default: $APPSHELF_STORE_URL, or the
                     store the installed apps came from)
  --dir DIR          install root (default: $APPSHELF_HOME, else ~/.appshelf/apps)
  --json             print {code, message, data: {apps}} instead of a table
  -h, --help         show this help`,
  options: { available: { type: 'boolean' }, 'store-url': { type: 'string' }, dir: { type: 'string' }, json: { type: 'boolean' } },
  run: (args) =>
    runClient(args, async () => {
      const config = resolveClientConfig({ dir: str(args, 'dir'), storeUrl: str(args, 'store-url') }, args.io.env);
      if (args.values.available) {
        const { storeUrl, catalog } = await listAvailable({ config });
        const channels = [...catalog.channels].sort((a, b) => (a.order ?? 0) - (b.order ?? 0)).map((c) => c.name);
        if (args.values.json) {
          const apps = catalog.apps.map((a) => ({ id: a.id, name: a.name, summary: a.summary, latest: a.latest, live: a.live }));
          printJson(args, { code: 0, message: `${apps.length} apps in ${storeUrl}`, data: { store: storeUrl, channels, apps } });
        } else {
          const rows = catalog.apps.map((a) => [a.id, ...channels.map((c) => a.live?.[c] ?? '-'), a.summary ?? '']);
          args.io.out(table([['APP', ...channels.map((c) => c.toUpperCase()), 'SUMMARY'], ...rows]));
        }
        return 0;
      }
      const apps = await listInstalled(config.root);
      const percentile = await clientPercentile(config.root);
      if (args.values.json) {
        const data = apps.map((a) => ({
          app: a.app,
          version: a.version,
          channel: a.channel,
          uid: a.uid,
          store: a.store,
          os: a.os,
          arch: a.arch,
          format: a.format,
          path: a.path,
          installedAt: a.installedAt,
          updatedAt: a.updatedAt,
          previous: a.previous,
          rolledBackFrom: a.rolledBackFrom,
        }));
        printJson(args, {
          code: 0,
          message: `${apps.length} apps installed in ${config.root}`,
          data: { apps: data, percentile: percentile ?? null },
        });
      } else {
        if (!apps.length) args.io.out(`no apps installed in ${config.root}\n`);
        else args.io.out(table([['APP', 'VERSION', 'CHANNEL', 'UID'], ...apps.map((a) => [a.app, a.version, a.channel, a.uid])]));
        // On stderr, so the table stays a table for scripts.
        for (const a of apps)
          if (a.rolledBackFrom)
            args.io.err(`${a.app} ${a.version} is a rollback from ${a.rolledBackFrom} (${a.channel} was pinned back)\n`);
        if (percentile !== undefined)
          args.io.err(`rollout percentile ${percentile}: a release rolled out to P% reaches this root when ${percentile} < P\n`);
      }
      return 0;
    }),
};
