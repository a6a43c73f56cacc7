// The query side of the auto-update-server compatible routes: Express's "extended" query parser
// (qs) and the server's `defaults(info)`, reproduced closely enough that every value reaches the
// matcher with the same type (text, list or object) it had there. See docs/server.md.

/** A query value as qs gives it: text, a list (`a[]=x`, `a=x&a=y`) or an object (`a[k]=v`). */
export type QueryValue = string | QueryValue[] | { [key: string]: QueryValue };

/** The parameters `/update` reads, after defaults. `percentile` defaults to the number 100. */
export interface AusInfo {
  app?: QueryValue;
  appversion: QueryValue;
  channel: QueryValue;
  architecture?: QueryValue;
  os?: QueryValue;
  osversion?: QueryValue;
  percentile: QueryValue | number;
  format?: QueryValue;
}

/** The parameters `/update` reads; every other key is dropped while parsing. */
const AUS_PARAMS: ReadonlySet<string> = new Set([
  'app',
  'appversion',
  'channel',
  'architecture',
  'os',
  'osversion',
  'percentile',
  'format',
]);

// qs: at most 1000 parameters, array indexes above 20 turn into object keys.
const PARAMETER_LIMIT = 1000;
const ARRAY_LIMIT = 20;

/** qs's decoder: `+` is a space; a broken %-escape leaves the text as it is. */
function decode(s: string): string {
  const plain = s.includes('+') ? s.replace(/\+/g, ' ') : s;
  if (!plain.includes('%')) return plain;
  try {
    return decodeURIComponent(plain);
  } catch {
    return plain;
  }
}

const isObject = (v: QueryValue): v is { [key: string]: QueryValue } => typeof v === 'object' && !Array.isArray(v);
const asObject = (v: QueryValue): { [key: string]: QueryValue } =>
  typeof v === 'string' ? { 0: v } : (Object.assign({}, v) as { [key: string]: QueryValue });
const asList = (v: QueryValue): QueryValue[] => (Array.isArray(v) ? v : [v]);

// qs merges a repeated key into a list; mixing in `k[x]=v` makes it an object.
function merge(prev: QueryValue | undefined, next: QueryValue): QueryValue {
  if (prev === undefined) return next;
  if (isObject(prev) || isObject(next)) return { ...asObject(prev), ...asObject(next) };
  return [...asList(prev), ...asList(next)];
}

/**
 * Parses a query string (without `?`) the way Express 4's default "extended" parser does for the
 * keys `/update` reads: `+` is a space, `k[]=v` and repeated keys give lists, `k[x]=v` gives an
 * object, `k[0]=v` a list. Keys that shadow Object.prototype are ignored, as qs does.
 */
export function parseQuery(search: string): Record<string, QueryValue> {
  const out: Record<string, QueryValue> = {};
  if (!search) return out;
  const parts = search.split('&', PARAMETER_LIMIT);
  for (const part of parts) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const rawKey = decode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decode(part.slice(eq + 1));
    const bracket = rawKey.indexOf('[');
    const root = bracket > 0 ? rawKey.slice(0, bracket) : rawKey;
    if (!AUS_PARAMS.has(root)) continue;
    let v: QueryValue = value;
    if (bracket > 0) {
      const inner = /^\[([^[\]]*)\]/.exec(rawKey.slice(bracket));
      if (inner) {
        const k = inner[1]!;
        if (k === '' || (/^\d+$/.test(k) && Number(k) <= ARRAY_LIMIT)) v = [value];
        else if (k in Object.prototype) continue;
        else v = { [k]: value };
      }
    }
    out[root] = merge(out[root], v);
  }
  return out;
}

/** JavaScript's truthiness of a query value (only the empty text is falsy). */
const given = (v: QueryValue | undefined): v is QueryValue => v !== undefined && v !== '';

/** Loose `==` between text and a query value, as the matcher and `defaults` compare them. */
export function looseEquals(text: string, v: QueryValue | number | undefined): boolean {
  if (v === undefined) return false;
  if (typeof v === 'string') return v === text;
  return String(v) === text;
}

/**
 * auto-update-server's `defaults(info)`: percentile 100, channel release, appversion 0.0.0, and
 * for os windows (osversion 5.1, architecture x86, format zip) or osx (10.6, x86-64, gz).
 * Only an absent or empty value is replaced.
 */
export function ausDefaults(q: Readonly<Record<string, QueryValue>>): AusInfo {
  const info: AusInfo = {
    app: q.app,
    appversion: given(q.appversion) ? q.appversion : '0.0.0',
    channel: given(q.channel) ? q.channel : 'release',
    architecture: q.architecture,
    os: q.os,
    osversion: q.osversion,
    percentile: given(q.percentile) ? q.percentile : 100,
    format: q.format,
  };
  const platform = looseEquals('windows', q.os) ? ['5.1', 'x86', 'zip'] : looseEquals('osx', q.os) ? ['10.6', 'x86-64', 'gz'] : undefined;
  if (platform) {
    if (!given(info.osversion)) info.osversion = platform[0];
    if (!given(info.architecture)) info.architecture = platform[1];
    if (!given(info.format)) info.format = platform[2];
  }
  return info;
}

/** The parameters of the deprecated path route, already URL-decoded (the query string is ignored). */
export function pathRouteQuery(params: readonly string[]): Record<string, QueryValue> {
  const [architecture, os, osversion, app, appversion, channel] = params as [string, string, string, string, string, string];
  return { architecture, os, osversion, app, appversion, channel };
}
