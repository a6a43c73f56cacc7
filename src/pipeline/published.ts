// The published site's signing state (`api/v1/signing.json`): what the next build compares its
// serials and the feed's expiry with. Read over HTTP(S) or from a folder; small and bounded.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stableJson } from '../util/stable-json.js';

/** `api/v1/signing.json` of a built site. */
export interface SigningState {
  /** Key id of the manifest-signing key; null for an unsigned preview. */
  keyid: string | null;
  /** The highest serial of any signed document of the build. */
  serial: number | null;
  /** When the build's signed documents expire (ISO 8601), the earliest of them. */
  expires: string | null;
  /** `unsigned`: built with --unsigned, a preview that must not be published. */
  preview?: 'unsigned';
}

/** Where the signing state lives in a site. */
export const SIGNING_STATE_PATH = 'api/v1/signing.json';

/** The bytes of `api/v1/signing.json`. */
export const encodeSigningState = (s: SigningState): Uint8Array => new TextEncoder().encode(stableJson(s));

const MAX_BYTES = 64 * 1024;

/**
 * Reads the signing state of a published site: `where` is its URL (http/https, the site's root)
 * or a folder holding a built site. Gives the state, or why it could not be read.
 */
export async function readPublishedSigning(where: string): Promise<SigningState | { problem: string }> {
  let text: string;
  try {
    if (/^https?:\/\//.test(where)) {
      const url = new URL(SIGNING_STATE_PATH, where.endsWith('/') ? where : `${where}/`);
      const res = await fetch(url, { signal: AbortSignal.timeout(15_000), redirect: 'follow' });
      if (!res.ok) return { problem: `HTTP ${res.status}` };
      const body = await res.arrayBuffer();
      if (body.byteLength > MAX_BYTES) return { problem: 'larger than 64 KiB' };
      text = new TextDecoder().decode(body);
    } else {
      const buf = readFileSync(path.join(where, SIGNING_STATE_PATH));
      if (buf.byteLength > MAX_BYTES) return { problem: 'larger than 64 KiB' };
      text = buf.toString('utf8');
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { problem: err.code === 'ENOENT' ? 'no such file' : ((err.cause as Error | undefined)?.message ?? err.message) };
  }
  try {
    const s = JSON.parse(text) as SigningState;
    if (
      typeof s !== 'object' ||
      !s ||
      (s.serial !== null && !Number.isSafeInteger(s.serial)) ||
      (s.expires !== null && Number.isNaN(Date.parse(s.expires)))
    ) {
      return { problem: 'not a signing state' };
    }
    return s;
  } catch {
    return { problem: 'not JSON' };
  }
}
