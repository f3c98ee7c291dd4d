// Serves /openapi/v2 and /openapi/v3[/<gv>]. Documents are built once, on first use, and kept
// with their hashes (sha512 of the bytes, as upstream), so the URLs in the v3 root are stable.
// kubectl 1.27/1.28 ask /openapi/v2 for protobuf only: an empty body is a valid empty document
// and lets them go on to the v3 documents (see shared/reference/kubectl-wire.md section 3).
import { createHash } from 'node:crypto';
import { buildV2, buildV3All } from './documents.js';

export interface OpenApiResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
}

export type OpenApiHandler = (path: string, query: Readonly<Record<string, string>>, accept: string) => OpenApiResponse | undefined;

export const PROTOBUF_V2 = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
const JSON_TYPE = 'application/json';

interface Doc { readonly body: Buffer; readonly hash: string }

const doc = (value: unknown): Doc => {
  const body = Buffer.from(JSON.stringify(value));
  return { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() };
};

/** Which representation the Accept header prefers: 'protobuf', 'json', or undefined (none we have). */
export function negotiate(accept: string): 'protobuf' | 'json' | undefined {
  if (!accept.trim()) return 'json';
  let best: { kind: 'protobuf' | 'json'; q: number } | undefined;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const qp = params.find((p) => p.startsWith('q='));
    const q = qp ? Number(qp.slice(2)) : 1;
    if (!(q > 0)) continue;
    const kind = type.startsWith('application/com.github.proto-openapi.spec.v2') && type.endsWith('+protobuf') ? 'protobuf'
      : type === JSON_TYPE || type === 'application/*' || type === '*/*' ? 'json' : undefined;
    if (kind && (!best || q > best.q)) best = { kind, q };
  }
  return best?.kind;
}

const notAcceptable = (): OpenApiResponse => ({
  status: 406,
  headers: { 'Content-Type': JSON_TYPE },
  body: JSON.stringify({
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotAcceptable', code: 406,
    message: `only the following media types are accepted: ${JSON_TYPE}, ${PROTOBUF_V2}`,
  }),
});

/** The handler the HTTP layer mounts under /openapi/; undefined means "not ours" (404). */
export function openApiHandler(): OpenApiHandler {
  let v2: Doc | undefined;
  let v3: Map<string, Doc> | undefined;
  let root: Doc | undefined;
  const v3Docs = (): Map<string, Doc> => {
    if (!v3) v3 = new Map([...buildV3All()].map(([gv, d]) => [gv, doc(d)]));
    return v3;
  };
  return (path, query, accept) => {
    const p = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    if (p === '/openapi/v2') {
      const want = negotiate(accept);
      if (want === 'protobuf') return { status: 200, headers: { 'Content-Type': PROTOBUF_V2 }, body: Buffer.alloc(0) };
      if (want !== 'json') return notAcceptable();
      v2 ??= doc(buildV2());
      return { status: 200, headers: { 'Content-Type': JSON_TYPE, ETag: `"${v2.hash}"` }, body: v2.body };
    }
    if (p === '/openapi/v3') {
      root ??= doc({
        paths: Object.fromEntries([...v3Docs()].map(([gv, d]) => [gv, { serverRelativeURL: `/openapi/v3/${gv}?hash=${d.hash}` }])),
      });
      return { status: 200, headers: { 'Content-Type': JSON_TYPE }, body: root.body };
    }
    if (!p.startsWith('/openapi/v3/')) return undefined;
    const gv = p.slice('/openapi/v3/'.length);
    const d = v3Docs().get(gv);
    if (!d) return undefined;
    if (negotiate(accept) !== 'json') return notAcceptable();
    if (query.hash && query.hash !== d.hash) {
      // A stale hash (the server changed): send the client to the current document, as upstream does.
      return { status: 301, headers: { Location: `/openapi/v3/${gv}?hash=${d.hash}` }, body: '' };
    }
    return { status: 200, headers: { 'Content-Type': JSON_TYPE, ETag: `"${d.hash}"` }, body: d.body };
  };
}
