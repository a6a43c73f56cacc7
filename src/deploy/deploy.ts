// `appshelf deploy`: makes a bucket prefix hold a built site, uploading only what it lacks, in an
// order that never lets a reader see an index naming a missing object, and deleting what the site
// no longer names only after a grace period.
import { DEPLOY_DEFAULTS } from '../config/index.js';
import { diag, Errors, StoreError } from '../errors/index.js';
import { archiveTypeOf, cacheControlFor, contentTypeOf } from '../util/site-headers.js';
import { Bucket, parseS3Url, type Listed, type Upload } from './_s3.js';
import { hashFile, linkFiles, scanSite, siteRoots, type ScannedSite, type SiteFile, type SiteLink } from './_site.js';
import { INVENTORY_KEY, parseInventory, serializeInventory, type Inventory } from './inventory.js';

/** What `deploySite` is asked to do. */
export interface DeployOptions {
  /** The built site (`appshelf build --out DIR`), with `DIR.objects` beside it. */
  dir: string;
  /** `s3://BUCKET` or `s3://BUCKET/PREFIX`. */
  to: string;
  /** An S3-compatible endpoint (R2, MinIO, GCS); addressed path-style. */
  endpoint?: string;
  /** The bucket's region (else AWS_REGION, the profile's, or us-east-1 with an endpoint). */
  region?: string;
  /** Plan only: count what would be uploaded and deleted; change nothing. */
  dryRun?: boolean;
  /** Hours an object no file names is kept before it is deleted. @default 24 */
  graceHours?: number;
  /** Requests in flight at most. @default 16 */
  concurrency?: number;
  /** Attempts per request. @default 5 */
  attempts?: number;
  /** Wait before the first retry, in ms, doubled each time. @default 250 */
  backoffMs?: number;
  /** The clock (tests). */
  now?: () => Date;
  /** Called as the deploy goes on (after each upload, and when a step starts). */
  onProgress?: (p: DeployProgress) => void;
}

/** Where a deploy is. */
export interface DeployProgress {
  /** `planning`, one of {@link STEP_NAMES}, or `deleting`. */
  step: string;
  uploaded: number;
  total: number;
  bytesUploaded: number;
  bytesTotal: number;
}

/** What a deploy did (or, with `dryRun`, would do). */
export interface DeployResult {
  dryRun: boolean;
  /** Objects and bytes uploaded (to upload). */
  uploaded: { objects: number; bytes: number };
  /** Per step, objects uploaded (to upload): archives, content, indexes, API. */
  steps: Record<(typeof STEP_NAMES)[number], number>;
  /** Site files and links the inventory already had unchanged (not even compared with the bucket). */
  unchanged: { files: number; links: number };
  /** Files under changed links the bucket already held with the same bytes (a resumed deploy). */
  alreadyThere: number;
  /** Objects no file names any more, newly recorded for deletion after the grace period. */
  unreferenced: number;
  /** Objects deleted (to delete): unreferenced for longer than the grace period, and stale precompressed copies. */
  deleted: number;
  /** Objects waiting for their grace period to end. */
  waiting: number;
  /** Milliseconds the whole deploy took. */
  ms: number;
}

/** The upload steps, in order: what a later step names is complete before it starts. */
const STEP_NAMES = ['archives', 'content', 'indexes', 'api'] as const;

/**
 * Publishes a built site to `s3://BUCKET/PREFIX`. Every path a client requests becomes an object
 * (a link's files are uploaded at the link's path); real site files are compared by sha256 with
 * the remote inventory, links by target, and a changed link's files with the bucket's listing of
 * that link only (size and MD5 ETag), so a resumed deploy does not upload a file twice.
 */
export async function deploySite(opts: DeployOptions): Promise<DeployResult> {
  const started = performance.now();
  const target = parseS3Url(opts.to);
  const now = opts.now ?? (() => new Date());
  const concurrency = Math.max(1, opts.concurrency ?? DEPLOY_DEFAULTS.concurrency);
  const graceMs = (opts.graceHours ?? DEPLOY_DEFAULTS.graceHours) * 3600_000;
  const attempts = Math.max(1, opts.attempts ?? DEPLOY_DEFAULTS.attempts);
  const bucket = new Bucket(target, {
    endpoint: opts.endpoint,
    region: opts.region,
    concurrency,
    attempts,
    backoffMs: opts.backoffMs ?? DEPLOY_DEFAULTS.backoffMs,
  });
  const report = (p: Omit<DeployProgress, 'bytesTotal' | 'total'> & Partial<DeployProgress>) =>
    opts.onProgress?.({ total: 0, bytesTotal: 0, ...p });
  try {
    report({ step: 'planning', uploaded: 0, bytesUploaded: 0 });
    // The folder first: a wrong --dir is said before any request.
    const site = await scanSite(opts.dir);
    const inventory = parseInventory(await bucket.getText(target.prefix + INVENTORY_KEY));
    const plan = await planDeploy(opts.dir, site, inventory, bucket, concurrency);
    const at = now();
    const due = Object.entries(plan.inventory.unreferenced)
      .filter(([, since]) => at.getTime() - Date.parse(since) >= graceMs)
      .map(([k]) => k);
    const result: DeployResult = {
      dryRun: opts.dryRun === true,
      uploaded: { objects: plan.uploads.length, bytes: plan.uploads.reduce((n, u) => n + u.size, 0) },
      steps: Object.fromEntries(STEP_NAMES.map((s, i) => [s, plan.uploads.filter((u) => u.step === i).length])) as DeployResult['steps'],
      unchanged: plan.unchanged,
      alreadyThere: plan.alreadyThere,
      unreferenced: plan.entries.reduce((n, e) => n + e.unreference.length, 0),
      deleted: due.length + plan.staleCopies.length,
      waiting: Object.keys(plan.inventory.unreferenced).length + plan.entries.reduce((n, e) => n + e.unreference.length, 0) - due.length,
      ms: 0,
    };
    if (!opts.dryRun) await execute(plan, bucket, { concurrency, at, due, report });
    result.ms = Math.round(performance.now() - started);
    return result;
  } finally {
    bucket.close();
  }
}

// --- internal ---

/** A site file or link: recorded in the inventory once all its uploads are done. */
interface Entry {
  kind: 'file' | 'link' | 'gone';
  path: string;
  /** sha256 (file) or target (link). */
  id: string;
  /** Uploads not yet done. */
  remaining: number;
  /** Keys this entry stops naming: recorded as unreferenced when it is recorded. */
  unreference: string[];
  /** Site paths of links and files no longer in the site (the `gone` entry). */
  gone?: string[];
}

interface PlannedUpload extends Upload {
  step: number;
  entry: Entry;
}

interface Plan {
  inventory: Inventory;
  uploads: PlannedUpload[];
  entries: Entry[];
  unchanged: { files: number; links: number };
  alreadyThere: number;
  prefix: string;
  /** Precompressed copies whose file is still published but that are no longer made. */
  staleCopies: string[];
}

function isCopyOf(key: string, published: ReadonlySet<string>): boolean {
  const m = /^(.*)\.(br|gz)$/.exec(key);
  return m !== null && !key.startsWith('files/') && published.has(m[1]!);
}

/** The largest object one PUT may carry (5 GiB). */
const MAX_PUT = 5 * 1024 ** 3;

/** Which step a site path is uploaded in: archives, then manifests and pages, then the indexes naming them, then the API. */
function stepOf(sitePath: string): number {
  if (sitePath.startsWith('files/')) return 0;
  if (sitePath.startsWith('fresh/') || (sitePath.startsWith('update/') && /\/index\.json(\.br|\.gz)?$/.test(sitePath))) return 2;
  if (/^(update|apps|feeds|assets|schemas)\//.test(sitePath)) return 1;
  return 3;
}

/**
 * The headers an object is stored with, as `appshelf serve` sends them. A `.br`/`.gz` beside the
 * file it compresses is that file's precompressed copy: stored with its type and Content-Encoding,
 * under its own key, for a CDN rule to pick. Archives are never such copies.
 */
function headersOf(sitePath: string, siblings: ReadonlySet<string>): Pick<Upload, 'contentType' | 'cacheControl' | 'contentEncoding'> {
  const m = /^(.*)\.(br|gz)$/.exec(sitePath);
  const url = `/${sitePath}`;
  if (m && !sitePath.startsWith('files/') && siblings.has(m[1]!)) {
    return { contentType: contentTypeOf(m[1]!), cacheControl: cacheControlFor(`/${m[1]}`), contentEncoding: m[2] === 'br' ? 'br' : 'gzip' };
  }
  return { contentType: m ? archiveTypeOf(sitePath) : contentTypeOf(sitePath), cacheControl: cacheControlFor(url) };
}

async function planDeploy(dir: string, site: ScannedSite, previous: Inventory, bucket: Bucket, concurrency: number): Promise<Plan> {
  const prefix = bucket.target.prefix;
  const roots = await siteRoots(dir);
  const inventory: Inventory = {
    format: 1,
    files: { ...previous.files },
    links: { ...previous.links },
    unreferenced: { ...previous.unreferenced },
  };
  const plan: Plan = { inventory, uploads: [], entries: [], unchanged: { files: 0, links: 0 }, alreadyThere: 0, prefix, staleCopies: [] };
  const referenced = new Set<string>();
  const siteFiles = new Set(site.files.map((f) => f.path));
  const add = (entry: Entry, f: SiteFile, siblings: ReadonlySet<string>) => {
    if (f.size > MAX_PUT) throw new StoreError(diag(Errors.DeployObjectTooLarge, [f.path, f.size]));
    entry.remaining++;
    plan.uploads.push({ key: prefix + f.path, abs: f.abs, size: f.size, step: stepOf(f.path), entry, ...headersOf(f.path, siblings) });
  };

  const hashes = await mapLimit(site.files, concurrency, (f) => hashFile(f.abs, f.size, 'sha256'));
  site.files.forEach((f, i) => {
    referenced.add(f.path);
    const entry: Entry = { kind: 'file', path: f.path, id: hashes[i]!, remaining: 0, unreference: [] };
    if (previous.files[f.path] === entry.id) plan.unchanged.files++;
    else {
      plan.entries.push(entry);
      add(entry, f, siteFiles);
    }
  });

  const changed = site.links.filter((l) => {
    const same = previous.links[l.path] === l.target && !l.target.startsWith('site:');
    if (same) plan.unchanged.links++;
    return !same;
  });
  await mapLimit(changed, concurrency, async (l: SiteLink) => {
    const files = await linkFiles(l, roots);
    const names = new Set(files.map((f) => f.path));
    const listed = await listUnder(bucket, prefix + l.path, l.dir);
    const entry: Entry = { kind: 'link', path: l.path, id: l.target, remaining: 0, unreference: [] };
    for (const f of files) {
      referenced.add(f.path);
      const have = listed.get(prefix + f.path);
      // Same size and MD5 ETag: put there by an interrupted deploy, or unchanged bytes in a new object.
      if (have && have.size === f.size && have.etag === (await hashFile(f.abs, f.size, 'md5'))) plan.alreadyThere++;
      else add(entry, f, names);
    }
    for (const key of listed.keys()) if (!names.has(key.slice(prefix.length))) entry.unreference.push(key.slice(prefix.length));
    plan.entries.push(entry);
  });

  // Links and files that are gone: what they put in the bucket waits for the grace period.
  const links = new Set(site.links.map((l) => l.path));
  const gone: Entry = { kind: 'gone', path: '', id: '', remaining: 0, unreference: [], gone: [] };
  for (const p of Object.keys(previous.links)) {
    if (links.has(p)) continue;
    gone.gone!.push(p);
    for (const key of (await listUnder(bucket, prefix + p, true)).keys()) gone.unreference.push(key.slice(prefix.length));
    for (const key of (await listUnder(bucket, prefix + p, false)).keys()) gone.unreference.push(key.slice(prefix.length));
  }
  for (const p of Object.keys(previous.files)) {
    if (siteFiles.has(p)) continue;
    gone.gone!.push(p);
    gone.unreference.push(p);
  }
  gone.unreference = [...new Set(gone.unreference)];
  plan.entries.push(gone);
  for (const e of plan.entries) {
    e.unreference = e.unreference.filter((k) => !referenced.has(k) && !(k in previous.unreferenced));
    // A .br/.gz copy of a file that is still published (it fell below the size worth compressing)
    // would be served for it by a CDN rule with stale bytes: deleted at the end of this deploy, not after the grace period.
    plan.staleCopies.push(...e.unreference.filter((k) => isCopyOf(k, referenced)));
    e.unreference = e.unreference.filter((k) => !isCopyOf(k, referenced));
  }
  // A key named again is no longer waiting to be deleted.
  for (const k of Object.keys(inventory.unreferenced)) if (referenced.has(k)) delete inventory.unreferenced[k];
  plan.uploads.sort((a, b) => a.step - b.step);
  return plan;
}

/** The objects at a link's path: below it for a folder, the one key for a file. */
async function listUnder(bucket: Bucket, key: string, dir: boolean): Promise<Map<string, Listed>> {
  const listed = await bucket.list(dir ? `${key}/` : key);
  return new Map(listed.filter((o) => dir || o.key === key).map((o) => [o.key, o]));
}

async function execute(
  plan: Plan,
  bucket: Bucket,
  ctx: { concurrency: number; at: Date; due: string[]; report: (p: DeployProgress) => void },
): Promise<void> {
  const { inventory, prefix } = plan;
  const since = ctx.at.toISOString();
  const record = (e: Entry) => {
    if (e.kind === 'file') inventory.files[e.path] = e.id;
    if (e.kind === 'link') inventory.links[e.path] = e.id;
    for (const p of e.gone ?? []) {
      delete inventory.links[p];
      delete inventory.files[p];
    }
    for (const k of e.unreference) inventory.unreferenced[k] ??= since;
  };
  let written = serializeInventory(inventory);
  let lastFlush = performance.now();
  const flush = async () => {
    const text = serializeInventory(inventory);
    if (text === written) return;
    await bucket.putText(prefix + INVENTORY_KEY, text, 'application/json; charset=utf-8');
    written = text;
    lastFlush = performance.now();
  };

  const total = plan.uploads.length;
  const bytesTotal = plan.uploads.reduce((n, u) => n + u.size, 0);
  let uploaded = 0;
  let bytesUploaded = 0;
  for (const e of plan.entries) if (e.remaining === 0 && e.kind !== 'gone') record(e);
  for (let step = 0; step < STEP_NAMES.length; step++) {
    const name = STEP_NAMES[step]!;
    const todo = plan.uploads.filter((u) => u.step === step);
    ctx.report({ step: name, uploaded, total, bytesUploaded, bytesTotal });
    let flushing: Promise<void> | undefined;
    await mapLimit(todo, ctx.concurrency, async (u) => {
      await bucket.upload(u);
      uploaded++;
      bytesUploaded += u.size;
      if (--u.entry.remaining === 0) record(u.entry);
      ctx.report({ step: name, uploaded, total, bytesUploaded, bytesTotal });
      // A long step checkpoints now and then, so a killed deploy redoes little of it.
      if (!flushing && performance.now() - lastFlush > 30_000) flushing = flush().finally(() => (flushing = undefined));
    });
    await flushing;
    await flush();
  }
  // Links and files that are gone are forgotten only now that the new API and indexes are up.
  for (const e of plan.entries) if (e.kind === 'gone') record(e);
  await flush();
  if (ctx.due.length || plan.staleCopies.length) {
    ctx.report({ step: 'deleting', uploaded, total, bytesUploaded, bytesTotal });
    await bucket.delete([...ctx.due, ...plan.staleCopies].map((k) => prefix + k));
    for (const k of ctx.due) delete inventory.unreferenced[k];
    await flush();
  }
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the order of `items`. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
