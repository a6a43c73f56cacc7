import type http from 'node:http';
import type { Diagnostic } from '../errors/index.js';

/** Sends a JSON value, not cached. */
export function sendJson(res: http.ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': body.byteLength,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    ...extra,
  });
  res.end(body);
}

/** Sends a short text, not cached. */
export function sendText(res: http.ServerResponse, status: number, body: Buffer | string, type = 'text/plain; charset=utf-8'): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': bytes.byteLength, 'Cache-Control': 'no-cache' });
  res.end(bytes);
}

/** Sends `{"error": …, "code": …}`. */
export const sendError = (res: http.ServerResponse, status: number, d: Diagnostic | string, extra?: Record<string, string>): void =>
  sendJson(res, status, typeof d === 'string' ? { error: d } : { error: d.message, code: d.code }, extra);
