import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FreshDoc, FreshPlatform } from '../schema/fresh.js';
import { sha256Hex } from '../util/hash.js';
import { encodeEnvelope, type Signer } from '../util/signed-json.js';
import { contentKey } from './content-key.js';
import { isLazy, type LazyContent, type OutputContent } from './site-files.js';
import type { SiteObject } from './site-objects.js';
import { objectsDirOf } from './write-output.js';

/** Where an app's fresh document lives in the site. */
export const freshPath = (app: string): string => `fresh/${app}.json`;

/** What a fresh document is signed with: the serial, the expiry, the store key. */
export interface FreshContext {
  serial: number;
  expires: string;
  signer: Signer;
}

/**
 * The pins of an app's manifest object, from its `<channel>/<os>/<arch>/index.json` files
 * (paths relative to the object): each index by hash and length, and the bands it pins.
 */
function pinsOf(files: Iterable<readonly [string, OutputContent]>): FreshPlatform[] {
  const out: FreshPlatform[] = [];
  for (const [rel, content] of files) {
    const m = INDEX.exec(rel);
    if (!m || isLazy(content) || !(content instanceof Uint8Array)) continue;
    out.push(platformPin(m[1]!, m[2]!, m[3]!, content));
  }
  return sortPins(out);
}

/** {@link pinsOf} an object already on disk (`<out>.objects/<key>/`), reading only its index files. */
function readObjectPins(dir: string): FreshPlatform[] {
  const out: FreshPlatform[] = [];
  const sub = (d: string) =>
    readdirSync(d, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  for (const channel of sub(dir)) {
    for (const os of sub(path.join(dir, channel))) {
      for (const arch of sub(path.join(dir, channel, os)))
        out.push(platformPin(channel, os, arch, readFileSync(path.join(dir, channel, os, arch, 'index.json'))));
    }
  }
  return sortPins(out);
}

/**
 * `fresh/<app>.json`: made only when its key changes (the manifest object, serial, expiry or key),
 * so a rebuild on the same day reuses it; `pins` is asked only then.
 */
export function freshFile(app: string, manifestKey: string, ctx: FreshContext, pins: () => readonly FreshPlatform[]): LazyContent {
  return {
    key: contentKey('fresh', { app, manifestKey, serial: ctx.serial, expires: ctx.expires, keyid: ctx.signer.keyid }),
    make: () => encodeFreshDoc(app, pins(), ctx),
  };
}

/** Where a build finds the pins of each app's fresh document. */
export interface FreshPins {
  /** Wraps an app's manifest object so that emitting it also keeps its pins. */
  capture: (app: string, o: SiteObject) => SiteObject;
  /** Pins kept in the app's build record. */
  known: (app: string, pins: readonly FreshPlatform[]) => void;
  /** The app's pins: as captured or known, else read from its manifest object `key` on disk. */
  of: (app: string, key: string) => FreshPlatform[];
}

/**
 * The pins of each app's fresh document, found the cheapest way: from the manifests when this
 * build emits them, from the app's record, or from the index files of its object in `<out>.objects`.
 */
export function freshPins(outDir: string): FreshPins {
  const pins = new Map<string, readonly FreshPlatform[]>();
  return {
    capture: (app, o) => ({
      ...o,
      emit: () => {
        const files = o.emit();
        pins.set(app, pinsOf(files));
        return files;
      },
    }),
    known: (app, p) => void pins.set(app, p),
    of: (app, key) => {
      let p = pins.get(app);
      if (!p) {
        const dir = path.join(objectsDirOf(outDir), key);
        p = existsSync(dir) ? readObjectPins(dir) : [];
        pins.set(app, p);
      }
      return [...p];
    },
  };
}

/** The signed bytes of an app's fresh document. */
function encodeFreshDoc(app: string, platforms: readonly FreshPlatform[], ctx: FreshContext): Uint8Array {
  const doc: FreshDoc = {
    type: 'appshelf-fresh',
    specVersion: 1,
    app,
    serial: ctx.serial,
    expires: ctx.expires,
    platforms: [...platforms],
  };
  return encodeEnvelope(doc, ctx.signer);
}

// --- internal ---

const INDEX = /^([^/]+)\/([^/]+)\/([^/]+)\/index\.json$/;

function platformPin(channel: string, os: string, arch: string, bytes: Uint8Array): FreshPlatform {
  const index = JSON.parse(Buffer.from(bytes).toString('utf8')) as {
    signed: { bands: { from: number; to: number; sha256: string; length: number }[] };
  };
  return {
    channel,
    os,
    arch,
    index: { sha256: sha256Hex(bytes), length: bytes.byteLength },
    bands: index.signed.bands.map(({ from, to, sha256, length }) => ({ from, to, sha256, length })),
  };
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sortPins = (pins: FreshPlatform[]) =>
  pins.sort((a, b) => byName(a.channel, b.channel) || byName(a.os, b.os) || byName(a.arch, b.arch));
