import type { ErrorSpec } from './diagnostic.js';

/** `appshelf deploy`: publishing a built site to S3-compatible object storage, and the Pages-size warning of `build`. */
export const deployErrors = {
  DeployBadTarget: {
    code: 'E_DEPLOY_BAD_TARGET',
    message: (to: string) => `--to ${to} is not an S3 location.`,
    hint: 'Write it as s3://BUCKET or s3://BUCKET/PREFIX (e.g. s3://my-store/site); for R2, MinIO or GCS add --endpoint URL.',
  },
  DeployNotASite: {
    code: 'E_DEPLOY_NOT_A_SITE',
    message: (dir: string, why: string) => `${dir} is not a built appshelf site: ${why}.`,
    hint: 'Run `appshelf build --out DIR` first and deploy that folder (keep DIR.objects beside it).',
  },
  DeployLinkOutside: {
    code: 'E_DEPLOY_LINK_OUTSIDE',
    message: (link: string) => `${link} is a link that leads out of the site and its objects folder; nothing was uploaded.`,
    hint: 'Deploy the folder exactly as `appshelf build` wrote it.',
  },
  DeployNoCredentials: {
    code: 'E_DEPLOY_NO_CREDENTIALS',
    message: (why: string) => `No credentials for the bucket were found (${why}).`,
    hint: 'Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE (shared config/credentials files, SSO), or a web identity (AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE; in GitHub Actions, aws-actions/configure-aws-credentials with role-to-assume).',
  },
  DeployBucketMissing: {
    code: 'E_DEPLOY_BUCKET_MISSING',
    message: (bucket: string) => `The bucket "${bucket}" does not exist (at this endpoint and region).`,
    hint: 'Create the bucket first, or check --to, --endpoint and --region.',
  },
  DeployAccessDenied: {
    code: 'E_DEPLOY_ACCESS_DENIED',
    message: (bucket: string, action: string) => `Access to the bucket "${bucket}" was denied (${action}).`,
    hint: 'The credentials need s3:ListBucket on the bucket and s3:GetObject, s3:PutObject and s3:DeleteObject on PREFIX/*; check the role or key policy and the region.',
  },
  DeployFailed: {
    code: 'E_DEPLOY_FAILED',
    message: (what: string, why: string) =>
      `Could not ${what}: ${why}. The deploy stopped; what it uploaded so far leaves the published site usable.`,
    hint: 'Run the same command again: it goes on from the last step it finished.',
  },
  DeployObjectTooLarge: {
    code: 'E_DEPLOY_OBJECT_TOO_LARGE',
    message: (file: string, size: number) => `${file} is ${size} bytes, more than one S3 upload takes (5 GiB).`,
    hint: 'Publish such an archive elsewhere and give its https URL in the release file.',
  },
  // --- build ---
  PagesLimit: {
    code: 'W_SITE_EXCEEDS_PAGES',
    severity: 'warning',
    message: (size: string | null, files: number) =>
      size === null
        ? `The site has ${files} files: far more than a GitHub Pages artifact (one archive, unpacked on every deploy) carries well, and likely past Pages' 1 GB a site.`
        : `The site is ${size} in ${files} files: more than GitHub Pages publishes (1 GB a site).`,
    hint: 'Publish it to object storage behind a CDN instead: `appshelf deploy --to s3://BUCKET/PREFIX` (docs/deploy.md).',
  },
} as const satisfies Record<string, ErrorSpec>;
