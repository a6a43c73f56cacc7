import { revokeCertificate, writeEdits } from '../../author/index.js';
import { UsageError } from '../../errors/index.js';
import type { Command } from '../command.js';
import { str, storeConfig } from '../command.js';

export const command: Command = {
  name: 'ca revoke',
  usage: `Usage: appshelf ca revoke CERT|SERIAL --reason TEXT [--store DIR] [--app APP] [--date YYYY-MM-DD]

For the store admin. Appends the certificate to the store's revocation list
(trust.revoked of store.yaml, default store/trust/revoked.yaml) as a reviewable entry:
  - serial: 5f461ad8e222c513b6a2ed549a7bc022
    app: news
    reason: key leaked
    date: 2026-03-01
From then on \`appshelf check\` refuses the certificate and every release signed with it.

CERT is a certificate file; SERIAL is its serial in hex (as \`openssl x509 -noout -serial\`
prints it; colons and case do not matter), looked up among the store's app certificates.

Options:
  --reason TEXT       why (key leaked, key lost, replaced …); required
  --store DIR         the store folder (default: store)
  --app APP           the app, when SERIAL is not among the store's certificates
  --date YYYY-MM-DD   date of the revocation (default: today)
  -h, --help          show this help`,
  options: { reason: { type: 'string' }, store: { type: 'string' }, app: { type: 'string' }, date: { type: 'string' } },
  positionals: [1, 1],
  async run(args) {
    const target = args.positionals[0]!;
    const reason = str(args, 'reason')?.trim();
    if (!reason) throw new UsageError('--reason TEXT is required: reviewers and app users need to know why.');
    const date = str(args, 'date') ?? new Date().toISOString().slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date)))
      throw new UsageError(`--date must be YYYY-MM-DD (got "${date}").`);
    const { edits, result } = revokeCertificate(storeConfig(args), { target, reason, date, app: str(args, 'app') });
    writeEdits(edits);
    args.io.out(
      edits.length
        ? `revoked: serial ${result.serial}${result.app ? ` (${result.app})` : ''} in ${result.list}; commit it.\n`
        : `serial ${result.serial} is already in ${result.list}; nothing changed.\n`,
    );
    return 0;
  },
};
