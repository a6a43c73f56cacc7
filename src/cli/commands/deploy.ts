import { deploySite, type DeployProgress } from '../../deploy/index.js';
import { UsageError } from '../../errors/index.js';
import type { Command } from '../command.js';
import { str, storeConfig } from '../command.js';
import { displayPath } from '../../util/paths.js';
import { progress } from '../progress.js';

export const command: Command = {
  name: 'deploy',
  usage: `Usage: appshelf deploy --to s3://BUCKET[/PREFIX] [--dir DIR] [--endpoint URL] [--region R]
                       [--dry-run] [--grace-hours N] [--concurrency N] [--quiet]

Publishes a built site to S3-compatible object storage (AWS S3, Cloudflare R2, Google Cloud
Storage, MinIO), uploading only what the bucket lacks: a small inventory kept under the prefix
(.appshelf/inventory.json) says what is there. Archives go first, then manifests and pages,
then the indexes naming them, then the API, so a reader never meets a name of a missing object.
An interrupted deploy is finished by running it again. Objects the site no longer names are
deleted after a grace period (clients in the middle of an update still fetch them).

Options:
  --to URL            where: s3://BUCKET or s3://BUCKET/PREFIX (required)
  --dir DIR           the built site (default: dist; DIR.objects beside it)
  --endpoint URL      an S3-compatible endpoint (R2, MinIO, GCS), addressed path-style
  --region R          the bucket's region (default: AWS_REGION, the profile's, or
                      us-east-1 with --endpoint)
  --dry-run           print what would be uploaded and deleted (objects, bytes); change nothing
  --grace-hours N     keep objects no longer named this long before deleting them (default 24)
  --concurrency N     requests in flight (default 16)
  --quiet             no progress line on a terminal (none is drawn in CI or a pipe anyway)
  -h, --help          show this help

Credentials come from the AWS SDK's default chain: AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY, AWS_PROFILE with the shared config and credentials files (SSO
included), or a web identity (AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE; in GitHub
Actions, aws-actions/configure-aws-credentials with role-to-assume). See docs/deploy.md.`,
  options: {
    to: { type: 'string' },
    dir: { type: 'string' },
    endpoint: { type: 'string' },
    region: { type: 'string' },
    'dry-run': { type: 'boolean' },
    'grace-hours': { type: 'string' },
    concurrency: { type: 'string' },
    quiet: { type: 'boolean' },
  },
  async run(args) {
    const config = storeConfig(args, {
      outDir: str(args, 'dir') || undefined,
      deploy: {
        to: str(args, 'to'),
        endpoint: str(args, 'endpoint'),
        region: str(args, 'region'),
        graceHours: str(args, 'grace-hours'),
        concurrency: str(args, 'concurrency'),
      },
    });
    const { to } = config.deploy;
    if (!to) throw new UsageError('--to s3://BUCKET/PREFIX is required.');
    const dryRun = args.values['dry-run'] === true;
    const dir = displayPath(config.outDir);
    const shown = progress(args.io, 'deploy', { quiet: args.values.quiet === true });
    let drawn = 0;
    const onProgress = (p: DeployProgress) => {
      // Redrawing on every upload would cost more than the upload on a fast link.
      const t = performance.now();
      if (t - drawn < 100 && p.uploaded !== p.total) return;
      drawn = t;
      shown.stage(p.total ? `${p.step} ${p.uploaded}/${p.total} objects, ${bytes(p.bytesUploaded)} of ${bytes(p.bytesTotal)}` : p.step);
    };
    const r = await deploySite({ ...config.deploy, to, dir: config.outDir, dryRun, onProgress });
    const took = shown.done();
    const steps = Object.entries(r.steps)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ');
    const up = `${r.uploaded.objects} object${r.uploaded.objects === 1 ? '' : 's'} (${bytes(r.uploaded.bytes)})${steps ? ` [${steps}]` : ''}`;
    const kept = `${r.unchanged.files + r.unchanged.links + r.alreadyThere} unchanged`;
    const del = `${r.deleted} deleted, ${r.waiting} waiting for the grace period`;
    if (dryRun)
      args.io.err(
        `dry run: would upload ${up}; ${kept}; ${r.unreferenced} newly unreferenced; would delete ${r.deleted}, ${r.waiting} waiting${took}\n`,
      );
    else args.io.err(`✓ deployed ${dir}/ to ${to}: uploaded ${up}; ${kept}; ${del}${took}\n`);
    return 0;
  },
};

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
