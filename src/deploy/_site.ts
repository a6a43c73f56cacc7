// Reading a built site for upload: its real files, and its links into the objects folder, each
// link named by its target (content-addressed, so an unchanged target means unchanged bytes).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { diag, Errors, StoreError } from '../errors/index.js';

/** A real file of the site folder. */
export interface SiteFile {
  /** Site path, relative, with forward slashes (`api/v1/apps.json`). */
  path: string;
  abs: string;
  size: number;
}

/** A link of the site folder into the objects folder (`update/<app>` → `<key>`). */
export interface SiteLink {
  /** Site path of the link. */
  path: string;
  /** Where it points, relative to the objects folder (`<key>` or `<key>/electron`): names the content. */
  target: string;
  abs: string;
  /** A folder (its files are published below the link's path) or one file. */
  dir: boolean;
}

/** The site as the deploy sees it. */
export interface ScannedSite {
  files: SiteFile[];
  links: SiteLink[];
}

/**
 * Lists a built site: real files and links, without following links (their content is read only
 * when the link changed). Every link must lead into the site or its `<dir>.objects` folder.
 */
export async function scanSite(dir: string): Promise<ScannedSite> {
  const root = path.resolve(dir);
  const st = await stat(root).catch(() => undefined);
  if (!st?.isDirectory()) throw new StoreError(diag(Errors.DeployNotASite, [dir, 'no such folder']));
  if (!(await stat(path.join(root, 'api/v1/apps.json')).catch(() => undefined))?.isFile()) {
    throw new StoreError(diag(Errors.DeployNotASite, [dir, 'it has no api/v1/apps.json']));
  }
  const objects = await realpath(`${root}.objects`).catch(() => undefined);
  const realRoot = await realpath(root);
  const out: ScannedSite = { files: [], links: [] };
  const walk = async (abs: string, rel: string): Promise<void> => {
    for (const e of await readdir(abs, { withFileTypes: true })) {
      const childAbs = path.join(abs, e.name);
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(childAbs, childRel);
      else if (e.isFile()) out.files.push({ path: childRel, abs: childAbs, size: (await lstat(childAbs)).size });
      else if (e.isSymbolicLink()) {
        const resolved = await realpath(childAbs).catch(() => undefined);
        const inside = resolved && objects && resolved.startsWith(objects + path.sep);
        if (!resolved || !(inside || resolved.startsWith(realRoot + path.sep))) {
          throw new StoreError(diag(Errors.DeployLinkOutside, [path.join(dir, childRel)]));
        }
        const target = inside ? path.relative(objects, resolved).split(path.sep).join('/') : `site:${await readlink(childAbs)}`;
        out.links.push({ path: childRel, target, abs: resolved, dir: (await stat(resolved)).isDirectory() });
      }
    }
  };
  await walk(root, '');
  out.files.sort((a, b) => (a.path < b.path ? -1 : 1));
  out.links.sort((a, b) => (a.path < b.path ? -1 : 1));
  return out;
}

/** The files a link publishes: below its path for a folder, at its path for a file. */
export async function linkFiles(link: SiteLink, roots: readonly string[]): Promise<SiteFile[]> {
  if (!link.dir) return [{ path: link.path, abs: link.abs, size: (await stat(link.abs)).size }];
  const out: SiteFile[] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    for (const e of await readdir(abs, { withFileTypes: true })) {
      const childAbs = path.join(abs, e.name);
      const childRel = `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(childAbs, childRel);
      else if (e.isFile()) out.push({ path: childRel, abs: childAbs, size: (await lstat(childAbs)).size });
      else if (e.isSymbolicLink()) {
        // Objects hold no links today; one that leads out of the build's folders is refused, not followed.
        const resolved = await realpath(childAbs).catch(() => undefined);
        if (!resolved || !roots.some((r) => resolved.startsWith(r + path.sep)))
          throw new StoreError(diag(Errors.DeployLinkOutside, [childAbs]));
        const st = await stat(resolved);
        if (st.isDirectory()) await walk(resolved, childRel);
        else out.push({ path: childRel, abs: resolved, size: st.size });
      }
    }
  };
  await walk(link.abs, link.path);
  return out;
}

/** The folders a site's links may lead into (for {@link linkFiles}). */
export async function siteRoots(dir: string): Promise<string[]> {
  const root = path.resolve(dir);
  const objects = await realpath(`${root}.objects`).catch(() => undefined);
  return [await realpath(root), ...(objects ? [objects] : [])];
}

/** Hex digest of a file (`sha256` or `md5`), read whole when small, streamed otherwise. */
export async function hashFile(abs: string, size: number, algorithm: 'sha256' | 'md5'): Promise<string> {
  if (size <= SMALL_FILE)
    return createHash(algorithm)
      .update(await readFile(abs))
      .digest('hex');
  const h = createHash(algorithm);
  for await (const chunk of createReadStream(abs)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Files up to this size are read whole (to hash or upload); larger ones are streamed. */
export const SMALL_FILE = 1024 * 1024;
