// Sending fuzz requests over HTTPS and judging the answers. A request may be rejected, but only
// the way upstream rejects: a 4xx whose body is a metav1.Status (kind, apiVersion, status
// Failure, a reason, a message, code equal to the HTTP status). 5xx, a dropped connection or
// no answer at all are violations. Violations carry a reproducer: the request itself.
import { Agent, request } from 'node:https';
import type { TestCluster } from '../../src/testing/index.js';
import type { FuzzRequest } from './requests.js';

export interface Answer { status: number; text: string; json?: any; error?: string }

export interface Violation { what: string; request: FuzzRequest; answer: Answer; where: string }

export class Wire {
  private readonly agent: Agent;

  constructor(private readonly cluster: TestCluster, sockets: number) {
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, ca: cluster.credentials.ca.certPem });
  }

  send(r: Pick<FuzzRequest, 'method' | 'path' | 'query' | 'headers' | 'body'>, timeoutMs = 30_000): Promise<Answer> {
    const url = new URL(r.path, this.cluster.server);
    for (const [k, v] of Object.entries(r.query)) url.searchParams.set(k, v);
    return new Promise((resolve) => {
      const req = request({
        host: url.hostname, port: url.port, method: r.method, path: url.pathname + url.search, agent: this.agent,
        headers: {
          Authorization: `Bearer ${this.cluster.credentials.adminToken}`, Accept: 'application/json',
          ...(r.body ? { 'Content-Length': String(r.body.length) } : {}), ...r.headers,
        },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try { json = JSON.parse(text); } catch { /* judged by the caller */ }
          resolve({ status: res.statusCode ?? 0, text, json });
        });
        res.on('error', (e) => { clearTimeout(timer); resolve({ status: -1, text: '', error: `response: ${e.message}` }); });
      });
      const timer = setTimeout(() => { req.destroy(new Error(`no answer in ${timeoutMs} ms`)); }, timeoutMs);
      req.on('error', (e) => { clearTimeout(timer); resolve({ status: -1, text: '', error: e.message }); });
      if (r.body) req.write(r.body);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** What is wrong with an answer to a fuzz request, or undefined when it is acceptable. */
export function judge(r: FuzzRequest, a: Answer): string | undefined {
  if (a.error) return `no HTTP answer: ${a.error}`;
  // A list at a resourceVersion the store has not reached waits, then times out: upstream's
  // one deliberate 5xx for client input (504 "Too large resource version", retry after 1 s).
  const tooLarge = a.status === 504 && a.json?.reason === 'Timeout' && /^Too large resource version/.test(a.json?.message ?? '');
  if (a.status >= 500 && !tooLarge) return `server error ${a.status}`;
  if (a.status < 200) return `unexpected status ${a.status}`;
  if (r.method === 'HEAD') return undefined;
  if (a.status >= 400) {
    const s = a.json;
    if (!s || typeof s !== 'object') return `${a.status} without a JSON body`;
    if (s.kind !== 'Status' || s.apiVersion !== 'v1') return `${a.status} body is not a metav1.Status`;
    if (s.status !== 'Failure') return `${a.status} Status.status is ${JSON.stringify(s.status)}`;
    if (s.code !== a.status) return `${a.status} Status.code is ${JSON.stringify(s.code)}`;
    if (typeof s.reason !== 'string' || !s.reason) return `${a.status} Status without a reason`;
    if (typeof s.message !== 'string' || !s.message) return `${a.status} Status without a message`;
    return undefined;
  }
  if (a.status >= 300) return undefined;
  const wantsJson = !r.headers.Accept || r.headers.Accept.startsWith('application/json');
  if (wantsJson && (!a.json || typeof a.json !== 'object' || typeof a.json.kind !== 'string')) return `${a.status} without a JSON object carrying a kind`;
  return undefined;
}

/** A reproducer a person can paste: the request line, headers and (a preview of) the body. */
export function describe(v: Violation): string {
  const q = new URLSearchParams(v.request.query).toString();
  const body = v.request.body;
  const preview = !body ? '(no body)'
    : body.length <= 600 ? `base64:${body.toString('base64')}\n      text: ${JSON.stringify(body.toString('utf8'))}`
      : `${body.length} bytes; starts ${JSON.stringify(body.subarray(0, 300).toString('utf8'))}`;
  return [
    `${v.what} [${v.where}; ${v.request.note}]`,
    `  ${v.request.method} ${v.request.path}${q ? `?${q}` : ''}`,
    `  headers: ${JSON.stringify(v.request.headers)}`,
    `  body: ${preview}`,
    `  answer: ${v.answer.status} ${v.answer.error ?? v.answer.text.slice(0, 400)}`,
  ].join('\n');
}
