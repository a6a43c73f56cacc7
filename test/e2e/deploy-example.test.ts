// The example store, built for a bucket, deployed to a local S3 server (s3rver) with the CLI, and
// installed from the bucket's HTTP endpoint by the client. ~3,000 objects: 10–20 s on two cores,
// so `npm test` skips it unless APPSHELF_E2E_S3=1 (.ci/run sets it).
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
// @ts-expect-error: s3rver ships no types
import S3rver from 's3rver';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleStore, repoRoot, runCli, tmpDir } from '../helpers.js';

describe.skipIf(process.env.APPSHELF_E2E_S3 !== '1')('the example store, deployed to S3 and installed from the bucket', () => {
  // The AWS SDK reads its credential chain from the process environment.
  const env = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };
  Object.assign(process.env, env);
  let server: { run: () => Promise<AddressInfo>; close: () => Promise<void> } | undefined;
  afterAll(async () => server?.close());

  it('deploys with appshelf deploy, re-deploys nothing, and the client installs from the bucket URL', { timeout: 180_000 }, async () => {
    server = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: tmpDir('appshelf-s3-'),
      configureBuckets: [{ name: 'shelf' }],
    });
    const { port } = await server!.run();
    const endpoint = `http://127.0.0.1:${port}`;
    const bucketUrl = `${endpoint}/shelf/store/`;
    const work = tmpDir('appshelf-example-');
    const dist = path.join(work, 'dist');
    const built = await runCli(['build', '--store', exampleStore, '--out', dist, '--base-url', bucketUrl], repoRoot, {
      APPSHELF_SIGNING_KEY_FILE: path.join(repoRoot, 'demo-keys/manifest-signing.key'),
    });
    expect(built.code, built.stderr).toBe(0);

    const first = await runCli(['deploy', '--dir', dist, '--to', 's3://shelf/store', '--endpoint', endpoint], repoRoot, env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/^✓ deployed .* uploaded \d{4} objects/);
    const again = await runCli(['deploy', '--dir', dist, '--to', 's3://shelf/store', '--endpoint', endpoint], repoRoot, env);
    expect(again.stderr).toMatch(/uploaded 0 objects \(0 B\); \d+ unchanged; 0 deleted/);

    const key = path.join(work, 'store.pub.pem');
    writeFileSync(
      key,
      (parse(readFileSync(path.join(exampleStore, 'store.yaml'), 'utf8')) as { signing: { publicKey: string } }).signing.publicKey,
    );
    const root = tmpDir('appshelf-root-');
    const r = await runCli([
      'install',
      'shelfnotes',
      '--store-url',
      bucketUrl,
      '--os',
      'linux',
      '--arch',
      'x86-64',
      '--os-version',
      '6.1',
      '--public-key',
      key,
      '--dir',
      root,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^installed shelfnotes \d+\.\d+\.\d+ \(stable\)( in [\d.]+ s)?\n$/);
  });
});
