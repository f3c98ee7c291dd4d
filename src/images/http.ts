// Contract: one HTTP(S) request with what a registry client needs and fetch() lacks here:
// per-endpoint TLS settings (CA file, client certificate, insecure_skip_verify), manual
// redirects that drop Authorization when they leave the host (blob redirects to object
// storage carry their own signature, and must not receive our token), an idle timeout, and a
// streamed body. Transport failures reject with ImageError('Network'); any HTTP status
// resolves (the caller maps statuses to errors).
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, IncomingHttpHeaders } from 'node:http';
import { ImageError, invalidImage, network } from './errors.js';

export interface TlsOptions {
  insecureSkipVerify?: boolean;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export interface RequestOptions {
  method?: 'GET' | 'HEAD' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  tls?: TlsOptions;
  body?: Buffer;
  signal?: AbortSignal;
  /** No byte for this long fails the request (default 30 s). */
  idleTimeoutMs?: number;
  maxRedirects?: number;
}

export interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  /** The URL that answered, after redirects. */
  url: string;
  body: IncomingMessage;
}

export function header(res: Response, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function once(url: URL, opts: RequestOptions): Promise<Response> {
  return new Promise((resolve, reject) => {
    const isHttps = url.protocol === 'https:';
    if (!isHttps && url.protocol !== 'http:') { reject(network(`unsupported URL scheme in ${url.href}`)); return; }
    const lib = isHttps ? https : http;
    const req = lib.request(url, {
      method: opts.method ?? 'GET',
      headers: { 'user-agent': 'berth', ...opts.headers, ...(opts.body ? { 'content-length': String(opts.body.length) } : {}) },
      signal: opts.signal,
      ...(isHttps ? { rejectUnauthorized: !opts.tls?.insecureSkipVerify, ca: opts.tls?.ca, cert: opts.tls?.cert, key: opts.tls?.key } : {}),
    }, (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, url: url.href, body: res }));
    req.setTimeout(opts.idleTimeoutMs ?? 30_000, () => req.destroy(new Error(`no response within ${opts.idleTimeoutMs ?? 30_000} ms`)));
    req.on('error', (e: NodeJS.ErrnoException) => {
      const what = e.name === 'AbortError' ? 'aborted' : e.code ? `${e.code}: ${e.message}` : e.message;
      reject(network(`${opts.method ?? 'GET'} ${url.origin}${url.pathname}: ${what}`, e));
    });
    req.end(opts.body);
  });
}

/** Sends a request, following redirects for GET and HEAD. */
export async function request(href: string, opts: RequestOptions = {}): Promise<Response> {
  let url = new URL(href);
  let headers = { ...opts.headers };
  for (let hops = 0; ; hops++) {
    const res = await once(url, { ...opts, headers });
    const loc = header(res, 'location');
    const redirect = [301, 302, 303, 307, 308].includes(res.status) && loc && (opts.method ?? 'GET') !== 'POST' && (opts.method ?? 'GET') !== 'PUT';
    if (!redirect) {
      // Idle time applies to the body too: a stalled download must not hang a pull forever.
      res.body.setTimeout(opts.idleTimeoutMs ?? 30_000, () => res.body.destroy(network(`${url.origin}: body stalled`)));
      return res;
    }
    res.body.resume();
    if (hops >= (opts.maxRedirects ?? 10)) throw network(`too many redirects from ${href}`);
    const next = new URL(loc, url);
    if (next.host !== url.host) {
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
    }
    url = next;
  }
}

/** Reads a whole (small) body, refusing more than `limit` bytes. */
export async function readBody(res: Response, limit = 8 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  try {
    for await (const c of res.body) {
      n += (c as Buffer).length;
      if (n > limit) { res.body.destroy(); throw invalidImage(`response from ${res.url} is larger than ${limit} bytes`); }
      chunks.push(c as Buffer);
    }
  } catch (e) {
    if (e instanceof ImageError) throw e;
    throw network(`reading ${res.url}: ${(e as Error).message}`, e);
  }
  return Buffer.concat(chunks);
}
