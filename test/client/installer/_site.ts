import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { create as createTar } from 'tar';
import { buildStore } from '../../../src/index.js';
import { atEndOfFile, tmpDir } from '../../helpers.js';

/** A store folder, the static site built from it and a plain node:http server in front of it. */
export interface TestStore {
  work: string;
  storeDir: string;
  dist: string;
  url: string;
  /** Ed25519 key pair of the store (PEM); the public key is in store.yaml when signed. */
  keys: { privatePem: string; publicPem: string };
  /** Requests the server answered, as "METHOD path status". */
  log: string[];
}

/**
 * Serves `dist` as a static host would: every request reads the file anew, so a rebuild (or a
 * tampered file) is seen by the next request. No dependency on appshelf's own server.
 */
function serveDir(dist: string, log: string[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    const file = path.join(dist, rel);
    let body: Buffer | undefined;
    try {
      if (!file.startsWith(dist + path.sep) || !statSync(file).isFile()) throw new Error('not a file');
      body = readFileSync(file);
    } catch {
      body = undefined;
    }
    log.push(`${req.method} /${rel} ${body ? 200 : 404}`);
    if (!body) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    else res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` })),
  );
}

/** Starts a server, then writes a store whose baseUrl is that server (one app, `hello`, no releases yet). */
export async function makeStore(opts: { signed: boolean }): Promise<TestStore> {
  const work = tmpDir('appshelf-client-');
  const storeDir = path.join(work, 'store');
  const dist = path.join(work, 'dist');
  const log: string[] = [];
  const { server, url } = await serveDir(dist, log);
  atEndOfFile(() => new Promise((r) => server.close(r)));
  const pair = generateKeyPairSync('ed25519');
  const keys = {
    privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
  const signing = opts.signed
    ? `signing:\n  publicKey: |\n${keys.publicPem
        .trim()
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n')}\n`
    : '';
  write(
    storeDir,
    'store.yaml',
    `name: Client test store\nbaseUrl: ${url}\nchannels:\n  - name: stable\n  - name: beta\ntrust:\n  signatures: optional\n${signing}`,
  );
  write(storeDir, 'apps/hello/app.yaml', 'id: hello\nname: Hello\nsummary: Says hello.\nowners: [hello-dev]\n');
  write(storeDir, 'apps/notes/app.yaml', 'id: notes\nname: Notes\nsummary: Takes notes.\nowners: [notes-dev]\n');
  return { work, storeDir, dist, url, keys, log };
}

/** One release to add to the store. */
export interface ReleaseSpec {
  app?: string;
  version: string;
  channels?: string[];
  rollout?: Record<string, number>;
  osversion?: string;
  appversion?: string;
  /** A tar.gz of these files (path → content; `../x` is archived as such) … */
  files?: Record<string, string>;
  /** … or an opaque archive with these bytes and this format. */
  opaque?: { format: string; name: string; bytes: string };
  /** Symbolic links to put into the tar.gz (path → target). */
  links?: Record<string, string>;
}

/** Writes a release file and its archive (size and sha256 computed from the bytes). */
export async function addRelease(s: TestStore, spec: ReleaseSpec): Promise<void> {
  const app = spec.app ?? 'hello';
  const appDir = path.join(s.storeDir, 'apps', app);
  let fileName: string;
  let format: string;
  if (spec.opaque) {
    fileName = spec.opaque.name;
    format = spec.opaque.format;
    write(appDir, `files/${fileName}`, spec.opaque.bytes);
  } else {
    fileName = `${app}-${spec.version}.tar.gz`;
    format = 'gz';
    // Files are written below root/, so a name like ../evil.txt can be archived as it is.
    const src = path.join(tmpDir('appshelf-tree-'), 'root');
    mkdirSync(src);
    for (const [rel, content] of Object.entries(spec.files ?? {})) write(src, rel, content);
    for (const [rel, target] of Object.entries(spec.links ?? {})) symlinkSync(target, path.join(src, rel));
    mkdirSync(path.join(appDir, 'files'), { recursive: true });
    const entries = [...Object.keys(spec.files ?? {}), ...Object.keys(spec.links ?? {})].sort();
    await createTar({ gzip: true, cwd: src, file: path.join(appDir, 'files', fileName), portable: true, preservePaths: true }, entries);
  }
  const bytes = readFileSync(path.join(appDir, 'files', fileName));
  const rollout = spec.rollout
    ? `rollout:\n${Object.entries(spec.rollout)
        .map(([c, p]) => `  ${c}: ${p}\n`)
        .join('')}`
    : '';
  write(
    appDir,
    `releases/${spec.version}.yaml`,
    `version: ${spec.version}
channels: [${(spec.channels ?? ['stable']).join(', ')}]
date: 2026-01-10T00:00:00Z
changelog: Release ${spec.version}.
${rollout}entries:
  - os: linux
    architectures: [x86-64]
    osversion: "${spec.osversion ?? '*'}"
    appversion: "${spec.appversion ?? '*'}"
    format: ${format}
    file: files/${fileName}
    size: ${bytes.length}
    sha256: ${createHash('sha256').update(bytes).digest('hex')}
`,
  );
}

/** Builds the site into `dist` (signed with the store key when `sign`), failing loudly on errors. */
export async function build(s: TestStore, opts: { sign?: boolean; now?: Date } = {}): Promise<void> {
  const env = opts.sign ? { APPSHELF_SIGNING_KEY: s.keys.privatePem } : {};
  // Unsigned builds of a store with a public key are previews (--unsigned): what the client must refuse.
  const r = await buildStore({
    storeDir: s.storeDir,
    outDir: s.dist,
    env,
    now: opts.now,
    cacheDir: path.join(s.work, 'cache'),
    unsigned: !opts.sign,
  });
  if (!r.ok) throw new Error(`build failed:\n${r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n')}`);
}

/** Writes a file below a folder, creating parents. */
export function write(dir: string, rel: string, content: string | Uint8Array): void {
  const abs = path.join(dir, rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, content);
}
