import { UsageError } from '../errors/index.js';

/** Reads `--base-url`: an absolute http(s) URL, kept with its path (the site may live under one). */
export function parseBaseUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol)) throw new UsageError(`--base-url must be an absolute http or https URL (got "${value}").`);
  return url.href;
}
