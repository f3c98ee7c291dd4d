// Transport over HTTP(S) to an API server, as any Kubernetes client talks to it.
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { ApiError, type KubeObject, type StatusReason } from '../core/index.js';
import type { Transport, TransportRequest, WatchEvent } from './types.js';

export interface HttpTransportOptions {
  readonly server: string;           // https://127.0.0.1:6443
  readonly token?: string;
  readonly ca?: string;
  readonly cert?: string;            // client certificate (PEM) instead of a token
  readonly key?: string;
}

const CONTENT_TYPES = {
  json: 'application/json-patch+json', merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json', apply: 'application/apply-patch+yaml',
} as const;

export function resourcePath(req: Omit<TransportRequest, 'verb'>): string {
  const t = req.type;
  let p = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
  if (t.namespaced && req.namespace) p += `/namespaces/${encodeURIComponent(req.namespace)}`;
  p += `/${t.plural}`;
  if (req.name) p += `/${encodeURIComponent(req.name)}`;
  if (req.subresource) p += `/${req.subresource}`;
  const q = new URLSearchParams(req.query ?? {}).toString();
  return q ? `${p}?${q}` : p;
}

const METHODS = { get: 'GET', list: 'GET', create: 'POST', update: 'PUT', patch: 'PATCH', delete: 'DELETE', deletecollection: 'DELETE' } as const;

export function createHttpTransport(opts: HttpTransportOptions): Transport {
  const url = new URL(opts.server);
  const secure = url.protocol === 'https:';
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, ca: opts.ca, cert: opts.cert, key: opts.key, maxSockets: 64 })
    : new HttpAgent({ keepAlive: true, maxSockets: 64 });
  const send = (method: string, path: string, body: string | undefined, contentType: string | undefined, signal?: AbortSignal) =>
    new Promise<IncomingMessage>((resolve, reject) => {
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
      if (body !== undefined) { headers['Content-Type'] = contentType ?? 'application/json'; headers['Content-Length'] = String(Buffer.byteLength(body)); }
      const r = (secure ? httpsRequest : httpRequest)({
        host: url.hostname, port: url.port, method, path, headers, agent, signal,
      }, resolve);
      r.on('error', reject);
      r.end(body);
    });

  return {
    async request(req) {
      const body = req.body === undefined ? undefined : JSON.stringify(req.body);
      const contentType = req.verb === 'patch' ? CONTENT_TYPES[req.patchType ?? 'merge'] : undefined;
      const res = await send(METHODS[req.verb], resourcePath(req), body, contentType);
      const text = await readAll(res);
      const parsed = parseOrUndefined(text);
      if ((res.statusCode ?? 500) >= 400) throw statusToError(res.statusCode ?? 500, parsed, text);
      return parsed as KubeObject;
    },
    async *watch(req, signal) {
      const res = await send('GET', resourcePath(req), undefined, undefined, signal);
      if ((res.statusCode ?? 500) >= 400) {
        const text = await readAll(res);
        throw statusToError(res.statusCode ?? 500, parseOrUndefined(text), text);
      }
      let buffered = '';
      try {
        for await (const chunk of res) {
          buffered += chunk.toString('utf8');
          let nl: number;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl);
            buffered = buffered.slice(nl + 1);
            if (line.trim()) yield JSON.parse(line) as WatchEvent;
          }
        }
      } catch (e) {
        if (!signal.aborted) throw e;
      }
    },
  };
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

function parseOrUndefined(text: string): unknown {
  try { return text ? JSON.parse(text) : undefined; } catch { return undefined; }
}

export function statusToError(code: number, body: unknown, text: string): ApiError {
  const s = body as { kind?: string; reason?: string; message?: string; details?: ApiError['details'] } | undefined;
  if (s?.kind === 'Status') return new ApiError(code, (s.reason ?? 'InternalError') as StatusReason, s.message ?? text, s.details ?? {});
  return new ApiError(code, code === 404 ? 'NotFound' : 'InternalError', text || `HTTP ${code}`);
}

