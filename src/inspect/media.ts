import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { diag, Errors, type Diagnostic } from '../errors/index.js';
import type { ResolvedApp, ResolvedStore } from '../resolve/index.js';
import { sha256Hex } from '../util/hash.js';
import { isInside } from '../util/paths.js';

/** An icon or screenshot that passed the checks, ready to publish. */
export interface MediaFile {
  /** Absolute path of the checked file. */
  from: string;
  /** Name it is published under in the app's page folder (`icon.png`, `screenshot-1.webp`): chosen by us, so its type is what was checked. */
  name: string;
  size: number;
  sha256: string;
  caption?: string;
}

/** The publishable images of one app. */
export interface AppMedia {
  icon?: MediaFile;
  screenshots: MediaFile[];
}

/** Largest icon and screenshot, in bytes. */
export const MEDIA_LIMITS = { icon: 256 * 1024, screenshot: 2 * 1024 * 1024 } as const;

/**
 * Checks the icon and screenshots of every app: regular files inside the app folder (no symbolic
 * link, nothing outside), within the size limits, and PNG, JPEG or WebP by their first bytes
 * matching their extension (the published name keeps the extension, so a server sends the type
 * that was checked). Reads only files the app lists.
 */
export function inspectMedia(store: ResolvedStore): { diagnostics: Diagnostic[]; media: Map<string, AppMedia> } {
  const diagnostics: Diagnostic[] = [];
  const media = new Map<string, AppMedia>();
  for (const app of store.apps) {
    const at = { file: app.at.file };
    const check = (rel: string, limit: number, name: string, caption?: string): MediaFile | undefined => {
      const problem = checkMediaFile(store.root, app, rel, limit);
      if (typeof problem === 'object' && 'code' in problem) {
        diagnostics.push({ ...problem, ...at });
        return undefined;
      }
      return { ...problem, name: `${name}${path.extname(rel).toLowerCase().replace('.jpeg', '.jpg')}`, caption };
    };
    const icon = app.icon === undefined ? undefined : check(app.icon, MEDIA_LIMITS.icon, 'icon');
    const screenshots = (app.screenshots ?? []).flatMap((s, i) => check(s.file, MEDIA_LIMITS.screenshot, `screenshot-${i + 1}`, s.caption) ?? []);
    if (icon || screenshots.length) media.set(app.id, { icon, screenshots });
  }
  return { diagnostics, media };
}

// --- internal ---

const MAGIC: Record<string, { type: string; test: (b: Buffer) => boolean }> = {
  '.png': { type: 'PNG', test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  '.jpg': { type: 'JPEG', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  '.webp': { type: 'WebP', test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
};

function checkMediaFile(root: string, app: ResolvedApp, rel: string, limit: number): Omit<MediaFile, 'name'> | Diagnostic {
  const folder = path.join(root, 'apps', app.id);
  const abs = path.join(root, rel);
  const shown = path.posix.relative(`apps/${app.id}`, rel);
  let size: number;
  try {
    const st = lstatSync(abs);
    // Symbolic links could point out of the store: a pull request must not publish what lies outside it.
    if (!st.isFile() || !isInside(realpathSync(folder), realpathSync(abs))) return diag(Errors.MediaMissing, [shown]);
    size = st.size;
  } catch {
    return diag(Errors.MediaMissing, [shown]);
  }
  if (size > limit) return diag(Errors.MediaTooLarge, [shown, size, limit]);
  const bytes = readFileSync(abs);
  const kind = MAGIC[path.extname(rel).toLowerCase().replace('.jpeg', '.jpg')]!;
  if (!kind.test(bytes)) return diag(Errors.MediaType, [shown, kind.type]);
  return { from: abs, size: bytes.byteLength, sha256: sha256Hex(bytes) };
}
