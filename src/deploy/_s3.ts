// The few S3 calls a deploy makes, with retries and our error codes. The SDK retries nothing
// itself (maxAttempts 1): a streamed body cannot be sent twice, so each attempt opens the file anew.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { diag, Errors, StoreError } from '../errors/index.js';
import { SMALL_FILE } from './_site.js';

/** Where a deploy goes: `s3://BUCKET/PREFIX`, parsed. */
export interface S3Target {
  bucket: string;
  /** Key prefix of the site, empty or ending in `/`. */
  prefix: string;
}

/** Parses `s3://BUCKET[/PREFIX]`. */
export function parseS3Url(to: string): S3Target {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(to);
  const prefix = (m?.[2] ?? '').replace(/\/+$/, '');
  if (!m || prefix.startsWith('/') || prefix.split('/').some((s) => s === '.' || s === '..') || prefix.includes('//')) {
    throw new StoreError(diag(Errors.DeployBadTarget, [to]));
  }
  return { bucket: m[1]!, prefix: prefix ? `${prefix}/` : '' };
}

/** How to reach the bucket. */
export interface S3Options {
  /** An S3-compatible endpoint (R2, MinIO, GCS); path-style addressing is used with it. */
  endpoint?: string;
  region?: string;
  /** Connections at most. */
  concurrency: number;
  /** Attempts per request (1 = no retry). */
  attempts: number;
  /** Wait before the first retry, doubled each time (with jitter). */
  backoffMs: number;
}

/** An object listed in the bucket. */
export interface Listed {
  key: string;
  size: number;
  /** The ETag without quotes (the MD5 of the bytes for a single-part upload). */
  etag: string;
}

/** One upload: the file, the key and the headers it is stored with. */
export interface Upload {
  key: string;
  abs: string;
  size: number;
  contentType: string;
  cacheControl: string;
  contentEncoding?: string;
}

/** The bucket, as a deploy uses it. */
export class Bucket {
  readonly #client: S3Client;
  readonly #opts: S3Options;

  constructor(
    readonly target: S3Target,
    opts: S3Options,
  ) {
    this.#opts = opts;
    // The SDK warns on Node < 22 about its future releases; the version we pin supports Node 20.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const agent = { keepAlive: true, maxSockets: opts.concurrency };
    this.#client = new S3Client({
      ...(opts.endpoint ? { endpoint: opts.endpoint, forcePathStyle: true } : {}),
      // An endpoint without a region (MinIO, R2) signs for us-east-1, which they accept.
      region: opts.region ?? (opts.endpoint ? 'us-east-1' : undefined),
      maxAttempts: 1,
      // CRC trailers in aws-chunked bodies are not understood by every S3-compatible server.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { httpAgent: new http.Agent(agent), httpsAgent: new https.Agent(agent) },
    });
  }

  /** The text of an object, or undefined when there is none. */
  async getText(key: string): Promise<string | undefined> {
    return this.#retry(`read s3://${this.target.bucket}/${key}`, async () => {
      try {
        const r = await this.#client.send(new GetObjectCommand({ Bucket: this.target.bucket, Key: key }));
        return await r.Body!.transformToString('utf8');
      } catch (e) {
        if ((e as Error).name === 'NoSuchKey') return undefined;
        throw e;
      }
    });
  }

  /** Stores a small text object (the inventory). */
  async putText(key: string, text: string, contentType: string): Promise<void> {
    const body = Buffer.from(text);
    await this.#retry(`write s3://${this.target.bucket}/${key}`, () =>
      this.#client.send(
        new PutObjectCommand({ Bucket: this.target.bucket, Key: key, Body: body, ContentType: contentType, CacheControl: 'no-store' }),
      ),
    );
  }

  /** Uploads one file: small ones from memory, larger ones streamed. */
  async upload(u: Upload): Promise<void> {
    await this.#retry(`upload ${u.abs} to s3://${this.target.bucket}/${u.key}`, async () => {
      const body = u.size <= SMALL_FILE ? await readFile(u.abs) : createReadStream(u.abs);
      await this.#client.send(
        new PutObjectCommand({
          Bucket: this.target.bucket,
          Key: u.key,
          Body: body,
          ContentLength: u.size,
          ContentType: u.contentType,
          CacheControl: u.cacheControl,
          ...(u.contentEncoding ? { ContentEncoding: u.contentEncoding } : {}),
        }),
      );
    });
  }

  /** Every object whose key starts with `prefix`. */
  async list(prefix: string): Promise<Listed[]> {
    const out: Listed[] = [];
    let token: string | undefined;
    do {
      const r = await this.#retry(`list s3://${this.target.bucket}/${prefix}`, () =>
        this.#client.send(new ListObjectsV2Command({ Bucket: this.target.bucket, Prefix: prefix, ContinuationToken: token })),
      );
      for (const o of r.Contents ?? []) out.push({ key: o.Key!, size: o.Size ?? -1, etag: (o.ETag ?? '').replace(/"/g, '') });
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  /** Deletes objects, 1,000 a request. */
  async delete(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      const r = await this.#retry(`delete ${batch.length} objects in s3://${this.target.bucket}`, () =>
        this.#client.send(
          new DeleteObjectsCommand({ Bucket: this.target.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
        ),
      );
      const failed = r.Errors?.[0];
      if (failed)
        throw new StoreError(
          diag(Errors.DeployFailed, [`delete s3://${this.target.bucket}/${failed.Key}`, failed.Message ?? failed.Code ?? 'refused']),
        );
    }
  }

  /** Closes the connections. */
  close(): void {
    this.#client.destroy();
  }

  // Retries what may pass next time (network, 5xx, throttling); anything else fails at once, as one of our errors.
  async #retry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        const known = knownError(e, this.target.bucket, what);
        if (known) throw known;
        if (attempt >= this.#opts.attempts || !isTransient(e)) {
          throw new StoreError(diag(Errors.DeployFailed, [what, reasonOf(e)]), { cause: e });
        }
        const wait = this.#opts.backoffMs * 2 ** (attempt - 1);
        await new Promise((r) => setTimeout(r, wait / 2 + Math.random() * wait));
      }
    }
  }
}

// --- internal ---

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
  cause?: unknown;
}

function knownError(e: unknown, bucket: string, what: string): StoreError | undefined {
  if (e instanceof StoreError) return e;
  const err = e as SdkError;
  if (err.name === 'CredentialsProviderError' || /Could not load credentials|credential/i.test(err.name ?? '')) {
    return new StoreError(diag(Errors.DeployNoCredentials, [err.message ?? 'none found']));
  }
  if (err.name === 'NoSuchBucket') return new StoreError(diag(Errors.DeployBucketMissing, [bucket]));
  const status = err.$metadata?.httpStatusCode;
  if (err.name === 'AccessDenied' || err.name === 'InvalidAccessKeyId' || err.name === 'SignatureDoesNotMatch' || status === 403) {
    return new StoreError(diag(Errors.DeployAccessDenied, [bucket, `${err.name ?? 'HTTP 403'} on ${what.split(' ')[0]}`]));
  }
  if (/Region is missing/i.test(err.message ?? ''))
    return new StoreError(diag(Errors.DeployFailed, [what, "no region is set (--region, AWS_REGION or the profile's region)"]));
  return undefined;
}

function isTransient(e: unknown): boolean {
  const err = e as SdkError;
  const status = err.$metadata?.httpStatusCode;
  if (status === undefined) return true; // no answer at all: refused, reset, timed out
  return status >= 500 || status === 429 || err.name === 'SlowDown' || err.name === 'RequestTimeout' || Boolean(err.$retryable);
}

function reasonOf(e: unknown): string {
  const err = e as SdkError;
  const cause = err.cause as { code?: string; message?: string } | undefined;
  const status = err.$metadata?.httpStatusCode;
  const code = err.code ?? cause?.code;
  const message = err.message?.replace(/\.+$/, '');
  return (
    [status ? `HTTP ${status}` : undefined, err.name && err.name !== 'Error' ? err.name : undefined, code, message]
      .filter(Boolean)
      .join(': ') || String(e)
  );
}
