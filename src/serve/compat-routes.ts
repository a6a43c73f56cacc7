// The auto-update-server compatible routes: /update, /update.json and the deprecated path form,
// answered from the build's update index (docs/server.md).
import type http from 'node:http';
import { AusQueryError, matchQuery, matchUpdate } from './aus-match.js';
import { ausDefaults, parseQuery, type QueryValue } from './aus-query.js';
import { sendError, sendText } from './respond.js';
import type { Site } from './site.js';

const NO_UPDATES_HTML = Buffer.from('No updates.');
const NO_UPDATES_JSON = Buffer.from('{"error":"No updates."}');

/** `/update` and `/update.json`, any case, with or without a trailing slash. */
export const UPDATE = /^\/update\/?$/i;
export const UPDATE_JSON = /^\/update\.json\/?$/i;
/** Express's `/update/:architecture/:os/:osversion/:app/:appversion/:channel`, non-strict. */
export const UPDATE_PATH = /^\/update\/([^/]+?)\/([^/]+?)\/([^/]+?)\/([^/]+?)\/([^/]+?)\/([^/]+?)\/?$/i;

/** auto-update-server's `GET /`, answered by the catalog or `OK`. */
const ROOT = /^\/?$/;
/** Its `POST /reload` and `POST /upload`, which could never be authorised there. */
const LOCKED = /^\/(?:reload|upload)\/?$/i;

// Express's encodeurl: characters a URL may not hold are %-escaped, existing escapes are kept.
const encodeUrl = (p: string) =>
  p.replace(/(?:[^\x21\x23-\x3B\x3D\x3F-\x5F\x61-\x7A\x7C\x7E]|%(?:[^0-9A-Fa-f]|[0-9A-Fa-f][^0-9A-Fa-f]|$))+/g, (m) => {
    try {
      return encodeURI(m);
    } catch {
      return encodeURI(m.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
    }
  });
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/**
 * A method other than GET, HEAD and OPTIONS on one of auto-update-server's routes gets what that
 * server answered (its Express finalhandler's 404 `Cannot POST /update.json`, or the 401 of its
 * unusable `/reload` and `/upload`), so a client or script written against it sees no change.
 * False for every other path (the server's own 405 applies).
 */
export function answerOtherMethod(res: http.ServerResponse, method: string, rawPath: string): boolean {
  if (method === 'POST' && LOCKED.test(rawPath)) {
    res.writeHead(401, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': 0 });
    res.end();
    return true;
  }
  if (!(UPDATE.test(rawPath) || UPDATE_JSON.test(rawPath) || UPDATE_PATH.test(rawPath) || ROOT.test(rawPath))) return false;
  const body = Buffer.from(
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot ${escapeHtml(method)} ${escapeHtml(encodeUrl(rawPath))}</pre>\n</body>\n</html>\n`,
  );
  res.writeHead(404, {
    'Content-Security-Policy': "default-src 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': body.byteLength,
  });
  res.end(body);
  return true;
}

/** Sends an archive of the site (`files/…`) as a download; false when the build has no such file. */
export type SendArchive = (req: http.IncomingMessage, res: http.ServerResponse, sitePath: string) => Promise<boolean>;

/**
 * Answers `/update.json` (the match as JSON) or `/update` (the archive, or a redirect to a remote
 * one). `search` is the raw query string; the path route passes its parameters instead.
 */
export function answerUpdate(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  s: Site,
  search: string | Record<string, QueryValue>,
  asJson: boolean,
  sendArchive: SendArchive,
): void {
  let found;
  try {
    if (typeof search === 'string') found = matchQuery(s.updates, search, (q) => ausDefaults(parseQuery(q)));
    else {
      const m = matchUpdate(s.updates, ausDefaults(search));
      found = m && { json: m.json, download: m.entry };
    }
  } catch (e) {
    if (e instanceof AusQueryError) return sendError(res, 400, e.diagnostic);
    throw e;
  }
  if (asJson) {
    if (!found) return sendText(res, 404, NO_UPDATES_JSON, 'application/json; charset=utf-8');
    res.writeHead(
      200,
      found.headers ?? {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': found.json.byteLength,
        'Cache-Control': 'no-cache',
      },
    );
    res.end(req.method === 'HEAD' ? undefined : found.json);
    return;
  }
  if (!found) return sendText(res, 404, NO_UPDATES_HTML, 'text/html; charset=utf-8');
  const { download } = found;
  if (!download.path) {
    // A remote archive: the client downloads it from where the release file says it lives.
    res.writeHead(302, { Location: download.url, 'Content-Length': 0, 'Cache-Control': 'no-cache' });
    res.end();
    return;
  }
  res.setHeader(
    'Content-Disposition',
    `attachment; filename="${download.fileName.replace(/["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(download.fileName)}`,
  );
  // The same query may get another archive tomorrow.
  res.setHeader('Cache-Control', 'no-cache');
  void sendArchive(req, res, `/${download.path}`).then(
    (sent) => {
      if (sent) return;
      res.removeHeader('Content-Disposition');
      sendText(res, 404, NO_UPDATES_HTML, 'text/html; charset=utf-8');
    },
    () => {
      if (!res.headersSent) sendError(res, 503, 'The archive could not be read; try again.');
      else res.destroy();
    },
  );
}
