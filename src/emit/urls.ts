import type { ResolvedEntry, ResolvedRelease } from '../resolve/index.js';

/** Where a committed archive is published: versioned, so it can be cached forever. */
export function archivePath(release: Pick<ResolvedRelease, 'app' | 'version'>, entry: Pick<ResolvedEntry, 'fileName'>): string {
  return `files/${release.app}/${release.version}/${entry.fileName}`;
}

/** The URL a client downloads an entry from: the remote URL, or the published path under baseUrl. */
export function entryUrl(
  baseUrl: string | undefined,
  release: Pick<ResolvedRelease, 'app' | 'version'>,
  entry: Pick<ResolvedEntry, 'fileName' | 'url'>,
): string {
  if (entry.url) return entry.url;
  const rel = archivePath(release, entry).split('/').map(encodeURIComponent).join('/');
  return baseUrl ? new URL(rel, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).href : `/${rel}`;
}

/** An absolute URL under the store's baseUrl, or a site-relative path without one. */
export function siteUrl(baseUrl: string | undefined, rel: string): string {
  return baseUrl ? new URL(rel, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).href : `/${rel}`;
}
