// The HTTP front: authenticate, route, decode, call the API core, encode (JSON, Table, watch).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest, decodeKubernetesProtobuf, type KubeObject } from '../../core/index.js';
import { handleApiRequest, type ApiResult } from '../api.js';
import type { Authenticator } from '../auth.js';
import {
  aggregatedDiscovery, legacyApiVersions, legacyGroup, legacyGroupList, legacyResourceList,
} from '../discovery.js';
import type { HandlerContext } from '../handlers/context.js';
import type { ApiRequest, UserInfo, WatchEvent } from '../request.js';
import type { ResourceStrategy } from '../registry/strategy.js';
import { checkBodyType, patchTypeOf, readBody } from './body.js';
import { negotiate, type OutputShape } from './negotiate.js';
import { writeError, writeJson, warningHeader } from './respond.js';
import { toStatus } from '../status.js';
import { route } from './route.js';
import { includeObjectParam, partialMetadata, toTable } from './table.js';
import type { PodStreamsFront } from '../streams/handler.js';

export interface HttpExtras {
  /** Non-resource paths (/version, /healthz, /openapi, /metrics): return true when handled. */
  handleOther?(req: IncomingMessage, res: ServerResponse, path: string, query: Record<string, string>, user: UserInfo | undefined): boolean | Promise<boolean>;
  /** Paths anyone may read without credentials. */
  isPublic?(path: string): boolean;
  onRequest?(info: { verb: string; resource: string; code: number; ms: number }): void;
  parseYaml(text: string): unknown;
  /** pods/log, and plain (non-upgrade) requests to pods/exec|attach|portforward. */
  podStreams?: PodStreamsFront;
}

const DISCOVERY_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const DISCOVERY_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

export function createHttpHandler(ctx: HandlerContext, auth: Authenticator, extras: HttpExtras) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      await handle(req, res);
    } catch (e) {
      // Last line of defence: a request must never take the server down.
      console.error(`berth apiserver: ${req.method} ${req.url}:`, e);
      if (!res.headersSent) { res.statusCode = 500; res.end(); } else res.destroy();
    }
  };
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://x');
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) if (!(k in query)) query[k] = v;
    const path = url.pathname;
    let resourceName = path;
    let verb = req.method ?? 'GET';
    const warnings: string[] = [];
    try {
      const user = auth.authenticate(req);
      if (!user && !extras.isPublic?.(path)) {
        throw new ApiError(401, 'Unauthorized', 'Unauthorized');
      }
      if (extras.handleOther && await extras.handleOther(req, res, path, query, user)) return;
      if (!user) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
      const r = route(req.method ?? 'GET', path, query);
      if (r.kind === 'discovery') { serveDiscovery(req, res, path); return; }
      if (r.kind === 'unknown-resource' || r.kind === 'other') {
        throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      }
      resourceName = r.type.plural;
      verb = r.verb;
      if (extras.podStreams?.handles(r)) {
        await extras.podStreams.serveHttp(req, res, r, user);
        return;
      }
      const apiReq: ApiRequest = {
        verb: r.verb, type: r.type, namespace: r.namespace, name: r.name, subresource: r.subresource,
        query, user, warnings, body: undefined, userAgent: req.headers['user-agent'],
        patchType: r.verb === 'patch' ? patchTypeOf(req.headers['content-type']) : undefined,
      };
      if (r.verb === 'create' || r.verb === 'update' || r.verb === 'patch' || r.verb === 'delete' || r.verb === 'deletecollection') {
        (apiReq as { body: unknown }).body = await decodeBody(req, apiReq, extras);
      }
      const abort = new AbortController();
      res.on('close', () => abort.abort());
      const result = await handleApiRequest(ctx, apiReq, abort.signal);
      const shape = negotiate(req.headers.accept);
      if (result.kind === 'watch') {
        await streamWatch(res, result.stream.events, result.stream.timeoutMs, ctx, apiReq, shape, abort);
        return;
      }
      const body = encodeResult(result, shape, ctx, apiReq);
      writeJson(res, result.kind === 'object' ? result.code : 200, body, 'application/json', warnings);
      extras.onRequest?.({ verb, resource: resourceName, code: res.statusCode, ms: performance.now() - started });
    } catch (e) {
      if (!(e instanceof ApiError)) console.error(`berth apiserver: ${req.method} ${req.url}:`, e);
      writeError(res, e, warnings);
      extras.onRequest?.({ verb, resource: resourceName, code: res.statusCode, ms: performance.now() - started });
    }
  }
}

async function decodeBody(req: IncomingMessage, apiReq: ApiRequest, extras: HttpExtras): Promise<unknown> {
  const raw = await readBody(req);
  const bodyType = apiReq.verb === 'patch' ? 'json' : checkBodyType(req.headers['content-type']);
  if (bodyType === 'protobuf' && raw.length > 0) {
    const t = apiReq.type;
    const decoded = decodeKubernetesProtobuf(raw, { apiVersion: t.group ? `${t.group}/${t.version}` : t.version, kind: t.kind });
    for (const f of decoded.unknownFields) apiReq.warnings.push(`unknown field "${f}"`);
    return decoded.object;
  }
  if (raw.length === 0) {
    if (apiReq.verb === 'delete' || apiReq.verb === 'deletecollection') return undefined;
    throw badRequest('the body of the request was empty');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw badRequest('the request body is not valid UTF-8');
  }
  // Patch bodies stay text: the patch handler parses them and reports repeated keys.
  if (apiReq.verb === 'patch') return text;
  if (apiReq.verb === 'delete' || apiReq.verb === 'deletecollection') return parseJson(text);
  // Create/update bodies stay text so the decoder can see duplicate fields.
  return bodyType === 'yaml' ? extras.parseYaml(text) : text;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`error decoding body: ${(e as Error).message}`);
  }
}

function strategyFor(ctx: HandlerContext, req: ApiRequest): ResourceStrategy {
  return ctx.registry.strategy(req.type);
}

function encodeResult(result: Exclude<ApiResult, { kind: 'watch' }>, shape: OutputShape, ctx: HandlerContext, req: ApiRequest): unknown {
  const plainObject = result.kind === 'object' && (req.subresource === 'scale' || result.object.kind === 'Status');
  if (shape.kind === 'json' || plainObject || (req.subresource && req.subresource !== 'status')) {
    return result.kind === 'object' ? result.object : result.list;
  }
  const include = includeObjectParam(req.query.includeObject);
  const now = ctx.registry.now();
  if (result.kind === 'object') {
    if (shape.kind === 'partial') return partialMetadata(result.object, shape.version);
    return toTable(strategyFor(ctx, req), [result.object], { now, version: shape.version, include, resourceVersion: result.object.metadata?.resourceVersion });
  }
  const list = result.list;
  if (shape.kind === 'partial') {
    return {
      kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${shape.version}`, metadata: list.metadata,
      items: list.items.map((o) => partialMetadata(o, shape.version)),
    };
  }
  return toTable(strategyFor(ctx, req), list.items, {
    now, version: shape.version, include, resourceVersion: list.metadata.resourceVersion, continue: list.metadata.continue,
  });
}

async function streamWatch(res: ServerResponse, events: AsyncIterable<WatchEvent>, timeoutMs: number | undefined,
  ctx: HandlerContext, req: ApiRequest, shape: OutputShape, abort: AbortController): Promise<void> {
  const iterator = events[Symbol.asyncIterator]();
  // Headers go out at once: clients wait for them before they consider the watch established.
  // Failures after this point (a compacted resourceVersion, ...) arrive as ERROR events.
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'no-cache, private');
  if (req.warnings.length) res.setHeader('Warning', req.warnings.map(warningHeader));
  res.flushHeaders();
  const timer = timeoutMs ? setTimeout(() => abort.abort(), timeoutMs) : undefined;
  let columnsSent = false;
  const encode = (ev: WatchEvent): unknown => {
    if (shape.kind !== 'table' || ev.type === 'ERROR' || ev.type === 'BOOKMARK') {
      if (shape.kind === 'partial' && (ev.type === 'ADDED' || ev.type === 'MODIFIED' || ev.type === 'DELETED')) {
        return { type: ev.type, object: partialMetadata(ev.object, shape.version) };
      }
      return ev;
    }
    const table = toTable(strategyFor(ctx, req), [ev.object as KubeObject], {
      now: ctx.registry.now(), version: shape.version, include: includeObjectParam(req.query.includeObject),
      resourceVersion: ev.object.metadata?.resourceVersion, withColumns: !columnsSent,
    });
    columnsSent = true;
    return { type: ev.type, object: table };
  };
  try {
    let r = await iterator.next();
    while (!r.done && !abort.signal.aborted) {
      const ok = res.write(JSON.stringify(encode(r.value)) + '\n');
      if (!ok) await new Promise<void>((resolve) => { res.once('drain', resolve); res.once('close', resolve); });
      r = await iterator.next();
    }
  } catch (e) {
    if (!abort.signal.aborted) {
      const status = toStatus(e);
      res.write(JSON.stringify({ type: 'ERROR', object: status }) + '\n');
    }
  } finally {
    if (timer) clearTimeout(timer);
    abort.abort();
    await iterator.return?.(undefined);
    res.end();
  }
}

function serveDiscovery(req: IncomingMessage, res: ServerResponse, path: string): void {
  const accept = req.headers.accept ?? '';
  const wantV2 = /g=apidiscovery\.k8s\.io;\s*v=v2(?!beta)/.test(accept.replace(/\s/g, ''));
  const wantV2beta1 = /g=apidiscovery\.k8s\.io;v=v2beta1/.test(accept.replace(/\s/g, ''));
  const clean = path.replace(/\/+$/, '');
  if ((clean === '/api' || clean === '/apis') && (wantV2 || wantV2beta1)) {
    const v = wantV2 ? 'v2' : 'v2beta1';
    writeJson(res, 200, aggregatedDiscovery(clean === '/api', v), v === 'v2' ? DISCOVERY_V2 : DISCOVERY_V2BETA1);
    return;
  }
  const host = req.headers.host ?? '127.0.0.1';
  const parts = clean.split('/').filter(Boolean);
  let body: unknown;
  if (clean === '/api') body = legacyApiVersions(host);
  else if (clean === '/apis') body = legacyGroupList();
  else if (parts[0] === 'api' && parts.length === 2) body = legacyResourceList('', parts[1]);
  else if (parts[0] === 'apis' && parts.length === 2) body = legacyGroup(parts[1]);
  else if (parts[0] === 'apis' && parts.length === 3) body = legacyResourceList(parts[1], parts[2]);
  if (body === undefined) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  writeJson(res, 200, body);
}
