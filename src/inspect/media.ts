import path from 'node:path';
import { diag, Errors, type Diagnostic } from '../errors/index.js';
import type { ResolvedApp, ResolvedStore } from '../resolve/index.js';
import { sha256Hex } from '../util/hash.js';
import { isStoreFileProblem, readStoreFile, storeRelative } from '../util/store-files.js';
import { storeFileDiagnostic } from '../load/index.js';

/** An icon or screenshot that passed the checks, ready to publish. */
interface MediaFile {
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
const MEDIA_LIMITS = { icon: 256 * 1024, screenshot: 2 * 1024 * 1024 } as const;

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
    const screenshots = (app.screenshots ?? []).flatMap(
      (s, i) => check(s.file, MEDIA_LIMITS.screenshot, `screenshot-${i + 1}`, s.caption) ?? [],
    );
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
  const shown = path.posix.relative(`apps/${app.id}`, rel);
  // Images stay inside their app folder; the one confined reader then follows no link, opens no FIFO and checks the size before reading.
  if (storeRelative(`apps/${app.id}`, shown, `apps/${app.id}`) !== rel) return diag(Errors.PathOutsideStore, ['image', shown]);
  const read = readStoreFile(root, rel, limit);
  if (isStoreFileProblem(read)) {
    if (read.kind === 'too-large') return diag(Errors.MediaTooLarge, [shown, read.size, limit]);
    return storeFileDiagnostic(read, root, rel, { file: app.at.file }, 'an image', () => diag(Errors.MediaMissing, [shown]));
  }
  const bytes = read.bytes;
  const kind = MAGIC[path.extname(rel).toLowerCase().replace('.jpeg', '.jpg')]!;
  if (!kind.test(bytes)) return diag(Errors.MediaType, [shown, kind.type]);
  return { from: path.join(root, rel), size: bytes.byteLength, sha256: sha256Hex(bytes) };
}
