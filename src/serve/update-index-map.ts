import type { Hash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { setImmediate as yieldToRequests } from 'node:timers/promises';
import { UPDATE_INDEX_FORMAT, type UpdateIndex, type UpdateIndexApp } from '../schema/index.js';

/** Everything of the update index but its apps: read whole, it is a few hundred bytes. */
export type UpdateIndexHead = Omit<UpdateIndex, 'apps'>;

/**
 * An update index whose apps are read one at a time. The whole-store index of a 1,000-app store
 * is 30 MB of JSON and several times that once parsed; a server answers from the few apps that
 * are asked about, so it keeps only where each app's part lies in the file.
 */
export interface UpdateIndexSource {
  readonly head: UpdateIndexHead;
  /** Number of apps in the index. */
  readonly apps: number;
  /** Positions (in index order) of the apps clients ask for with this `app=` name. */
  positions(name: string): readonly number[] | undefined;
  /** The app at a position, parsed now; `bytes` is the size of its JSON (what caching it costs). */
  app(position: number): { app: UpdateIndexApp; bytes: number };
  /** Releases what the source holds open (the file). */
  close(): void;
}

/** A source over an index already in memory (tests, small sites). */
export function memorySource(index: UpdateIndex): UpdateIndexSource {
  const { apps, ...head } = index;
  const names = new Map<string, number[]>();
  apps.forEach((a, i) => names.set(a.name, [...(names.get(a.name) ?? []), i]));
  return { head, apps: apps.length, positions: (name) => names.get(name), app: (i) => ({ app: apps[i]!, bytes: 0 }), close: () => {} };
}

/** The index file is not what {@link mapUpdateIndex} reads; `why` says what is wrong. */
export class UpdateIndexFormatError extends Error {}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const PREFIX = Buffer.from('{"apps":[');
const CHUNK = 1 << 20;
// What an app's part starts with when written by the build (keys in sorted order).
const ID_AND_NAME = /^\{"id":("(?:[^"\\]|\\.)*"),"name":("(?:[^"\\]|\\.)*"),/;
const NAME_PEEK = 512;

/**
 * Maps `api/v1/update-index.json` as the build writes it (`{"apps":[…],…}`, canonical JSON): one
 * pass over the file in 1 MB chunks finds where each app's part starts and ends (a small scanner
 * that knows strings, escapes and nesting, nothing else), reads each part's `id` and `name`, and
 * parses the rest of the document (the head). The file stays open, so the parts are read from the
 * same file whatever happens to the path later. `hash`, if given, receives every byte read.
 * Reads 1 MB at a time and lets other work run in between.
 */
export async function mapUpdateIndex(file: string, hash?: Hash): Promise<UpdateIndexSource> {
  const fd = openSync(file, 'r');
  try {
    return await scan(fd, fstatSync(fd).size, hash);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

async function scan(fd: number, size: number, hash: Hash | undefined): Promise<UpdateIndexSource> {
  const starts: number[] = [];
  const ends: number[] = [];
  const tail: Buffer[] = [];
  let depth = 2;
  let inString = false;
  let escaped = false;
  let appsEnd = -1;
  const buf = Buffer.allocUnsafe(CHUNK);
  for (let pos = 0; pos < size;) {
    // A server reading the next build keeps answering from the current one between chunks.
    if (pos) await yieldToRequests();
    const n = readSync(fd, buf, 0, Math.min(CHUNK, size - pos), pos);
    if (n <= 0) throw new UpdateIndexFormatError('the file ended early');
    const chunk = buf.subarray(0, n);
    hash?.update(chunk);
    let i = 0;
    if (pos === 0) {
      if (n < PREFIX.length || !chunk.subarray(0, PREFIX.length).equals(PREFIX))
        throw new UpdateIndexFormatError('it does not start with {"apps":[');
      i = PREFIX.length;
    }
    if (appsEnd >= 0) tail.push(Buffer.from(chunk));
    for (; appsEnd < 0 && i < n; i++) {
      const c = chunk[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) inString = false;
      } else if (c === QUOTE) inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (depth === 2) {
          if (c !== OPEN_BRACE) throw new UpdateIndexFormatError('an app is not an object');
          starts.push(pos + i);
        }
        depth++;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        depth--;
        if (depth === 2) ends.push(pos + i + 1);
        else if (depth === 1) {
          appsEnd = pos + i + 1;
          tail.push(Buffer.from(chunk.subarray(i + 1)));
        }
      }
    }
    pos += n;
  }
  if (appsEnd < 0) throw new UpdateIndexFormatError('the list of apps never ends');
  if (ends.length !== starts.length) throw new UpdateIndexFormatError('an app is cut short');
  let head: UpdateIndexHead;
  try {
    const rest = Buffer.concat(tail).toString('utf8');
    const parsed = JSON.parse(`{${rest.startsWith(',') ? rest.slice(1) : rest}`) as Partial<UpdateIndex> | null;
    if (!parsed || parsed.format !== UPDATE_INDEX_FORMAT || !Array.isArray(parsed.channels))
      throw new UpdateIndexFormatError(`expected format "${UPDATE_INDEX_FORMAT}"`);
    head = parsed as UpdateIndexHead;
  } catch (e) {
    if (e instanceof UpdateIndexFormatError) throw e;
    throw new UpdateIndexFormatError((e as Error).message);
  }
  let closed = false;
  const read = (i: number, length: number): Buffer => {
    const out = Buffer.allocUnsafe(length);
    if (closed || readSync(fd, out, 0, length, starts[i]!) !== length) throw new UpdateIndexFormatError('the file was closed or changed');
    return out;
  };
  const names = new Map<string, number[]>();
  for (let i = 0; i < starts.length; i++) {
    // Read the few first bytes of each part for its name; the whole part only if written otherwise.
    const m = ID_AND_NAME.exec(read(i, Math.min(NAME_PEEK, ends[i]! - starts[i]!)).toString('utf8'));
    const name = m ? (JSON.parse(m[2]!) as string) : parseApp(read(i, ends[i]! - starts[i]!)).name;
    const list = names.get(name);
    if (list) list.push(i);
    else names.set(name, [i]);
  }
  return {
    head,
    apps: starts.length,
    positions: (name) => names.get(name),
    app: (i) => {
      const bytes = ends[i]! - starts[i]!;
      return { app: parseApp(read(i, bytes)), bytes };
    },
    close: () => {
      if (closed) return;
      closed = true;
      closeSync(fd);
    },
  };
}

function parseApp(bytes: Buffer): UpdateIndexApp {
  let app: Partial<UpdateIndexApp> | null;
  try {
    app = JSON.parse(bytes.toString('utf8')) as Partial<UpdateIndexApp> | null;
  } catch (e) {
    throw new UpdateIndexFormatError((e as Error).message);
  }
  if (!app || typeof app.name !== 'string' || !Array.isArray(app.releases) || typeof app.pins !== 'object')
    throw new UpdateIndexFormatError('an app has no name or releases');
  return app as UpdateIndexApp;
}
