import { diag, Errors, StoreError } from '../../errors/index.js';
import { MeterDiskError, MeterExceeded, writeMetered } from '../../util/metered-write.js';

/** Limits of a request. */
export interface FetchLimits {
  /** Abort after this many milliseconds. */
  timeoutMs: number;
}

/** Largest JSON document the client reads (the API of a big store stays well below). */
const MAX_DOCUMENT = 32 * 1024 * 1024;

/** Manifests and API documents: short-lived and small. */
const documentLimits: FetchLimits = { timeoutMs: 30_000 };

/** Archives: long transfers are fine, stalled ones are not. */
const downloadLimits: FetchLimits = { timeoutMs: 15 * 60_000 };

/**
 * GETs a JSON document's bytes; `undefined` for 404 (the store does not publish it). Any other
 * failure is a {@link StoreError}: the network (E_INSTALL_NETWORK) or another status.
 */
export async function fetchDocument(url: string, limits: FetchLimits = documentLimits): Promise<Uint8Array | undefined> {
  const res = await request(url, limits);
  if (res.status === 404) {
    await res.body?.cancel();
    return undefined;
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new StoreError(diag(Errors.InstallHttpStatus, [url, res.status]));
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of res.body ?? []) {
      total += chunk.byteLength;
      if (total > MAX_DOCUMENT) throw new StoreError(diag(Errors.InstallBadResponse, [url, `larger than ${MAX_DOCUMENT} bytes`]));
      chunks.push(chunk);
    }
  } catch (e) {
    throw asNetworkError(url, e);
  }
  return Buffer.concat(chunks);
}

/** What a download must be. */
export interface ExpectedFile {
  size: number;
  sha256: string;
}

/**
 * Streams `url` into `dest` (a new file), never past `expected.size` bytes, then checks the size
 * and the SHA-256. On any failure the partial file may remain; the caller owns `dest`'s folder
 * and throws it away.
 */
export async function downloadFile(
  url: string,
  dest: string,
  expected: ExpectedFile,
  limits: FetchLimits = downloadLimits,
  onBytes?: (received: number) => void,
): Promise<void> {
  const res = await request(url, limits);
  if (!res.ok) {
    await res.body?.cancel();
    throw new StoreError(diag(Errors.InstallHttpStatus, [url, res.status]));
  }
  const announced = Number(res.headers.get('content-length') ?? NaN);
  if (announced > expected.size) {
    await res.body?.cancel();
    throw new StoreError(diag(Errors.InstallDownloadTooLarge, [url, expected.size]));
  }
  let got: { size: number; sha256: string };
  try {
    got = await writeMetered(res.body ?? [], dest, { expectedSize: expected.size, onBytes });
  } catch (e) {
    if (e instanceof MeterExceeded) throw new StoreError(diag(Errors.InstallDownloadTooLarge, [url, expected.size]));
    if (e instanceof MeterDiskError) return diskOp(e.action, e.file, () => Promise.reject(e.cause));
    throw asNetworkError(url, e);
  }
  if (got.size !== expected.size) throw new StoreError(diag(Errors.InstallSizeMismatch, [url, expected.size, got.size]));
  if (got.sha256 !== expected.sha256.toLowerCase())
    throw new StoreError(diag(Errors.InstallSha256Mismatch, [url, expected.sha256, got.sha256]));
}

/** Runs a file-system step; turns its failure into E_INSTALL_DISK naming the file and the reason. */
export async function diskOp<T>(action: string, file: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof StoreError) throw e;
    throw new StoreError(diag(Errors.InstallDisk, [action, file, reasonOf(e)]), { cause: e });
  }
}

// --- internal ---

async function request(url: string, limits: FetchLimits): Promise<Response> {
  try {
    return await fetch(url, {
      signal: AbortSignal.timeout(limits.timeoutMs),
      redirect: 'follow',
      headers: { accept: 'application/json, */*' },
    });
  } catch (e) {
    throw asNetworkError(url, e);
  }
}

function asNetworkError(url: string, e: unknown): StoreError {
  if (e instanceof StoreError) return e;
  return new StoreError(diag(Errors.InstallNetwork, [url, reasonOf(e)]), { cause: e });
}

/** The most telling part of an error: fetch hides the system error (ECONNREFUSED …) in `cause`. */
function reasonOf(e: unknown): string {
  const err = e as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError') return 'the request timed out';
  const cause = err?.cause;
  if (cause?.code) return `${cause.code}${cause.message && !cause.message.includes(cause.code) ? ` (${cause.message})` : ''}`;
  if (cause?.message) return cause.message;
  if (err?.code && err.message) return err.message.includes(err.code) ? err.message : `${err.code}: ${err.message}`;
  return err?.message ?? String(e);
}
