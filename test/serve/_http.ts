import http from 'node:http';
import net from 'node:net';

/** A response with its raw body. */
export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/** One HTTP request to 127.0.0.1:port (no decompression, no redirects), with the raw path as given. */
export function request(
  port: number,
  target: string,
  opts: { method?: string; headers?: http.OutgoingHttpHeaders; agent?: http.Agent } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: target, method: opts.method ?? 'GET', headers: opts.headers, agent: opts.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Sends raw bytes on a fresh connection and returns everything the server sent until it closed (or `waitMs`). */
export function rawRequest(port: number, bytes: string, waitMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let got = '';
    const done = () => {
      socket.destroy();
      resolve(got);
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (d) => (got += d.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
    socket.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? done() : reject(e)));
    socket.write(bytes);
  });
}

/** What a {@link load} run saw. */
export interface LoadResult {
  requests: number;
  /** Number of failed requests. */
  failures: number;
  /** Of those, answers with a bad status or content (not connection errors). */
  badAnswers: number;
  /** The first failures: a socket error or an unexpected status, with the path. */
  errors: string[];
}

/**
 * `connections` keep-alive connections, each sending requests back to back for `seconds`; every
 * response is read in full and passed to `check` (which returns a problem or undefined).
 */
export async function load(
  port: number,
  opts: {
    connections: number;
    seconds: number;
    paths: readonly string[];
    check?: (path: string, r: Reply) => string | undefined;
    stop?: { now: boolean };
  },
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  const deadline = Date.now() + opts.seconds * 1000;
  const result: LoadResult = { requests: 0, failures: 0, badAnswers: 0, errors: [] };
  const worker = async (w: number) => {
    for (let i = w; Date.now() < deadline && !opts.stop?.now; i++) {
      const target = opts.paths[i % opts.paths.length]!;
      try {
        const r = await request(port, target, { agent });
        result.requests++;
        const problem = r.status >= 400 ? `status ${r.status}` : opts.check?.(target, r);
        if (problem) result.badAnswers++;
        if (problem && result.failures++ < 20) result.errors.push(`${target}: ${problem}`);
      } catch (e) {
        if (result.failures++ < 20) result.errors.push(`${target}: ${(e as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.connections }, (_, w) => worker(w)));
  agent.destroy();
  return result;
}
