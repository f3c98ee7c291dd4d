// Composition of the API server: store + strategies + admission → registry → HTTP(S) handler.
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import { createServer as createPlainServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ResourceType } from '../core/index.js';
import type { Store } from '../store/index.js';
import { defaultAdmission, type AdmissionPlugin } from './admission/index.js';
import { handleApiRequest, type ApiResult } from './api.js';
import { createAuthenticator, type TokenEntry } from './auth.js';
import { createBodyDecoder } from './decoder.js';
import type { HandlerContext } from './handlers/context.js';
import { createHttpHandler } from './http/server.js';
import { writeJson } from './http/respond.js';
import { Registry } from './registry/registry.js';
import type { ResourceStrategy } from './registry/strategy.js';
import type { ApiRequest } from './request.js';
import { allStrategies } from './resources/index.js';
import { versionInfo } from './version.js';
import { openApiHandler } from './openapi/index.js';
import { parseYamlBody } from './yaml.js';
import { createMetrics, type ApiMetrics } from './metrics.js';
import { createPodStreamsFront } from './streams/handler.js';
import type { PodStreams } from './streams/types.js';

export interface ApiServerOptions {
  readonly store: Store;
  readonly tokens: readonly TokenEntry[];
  /** TLS material; without it the server speaks plain HTTP (tests of the transport only). */
  readonly tls?: { readonly cert: string; readonly key: string; readonly ca: string };
  readonly admission?: readonly AdmissionPlugin[];
  readonly clock?: () => Date;
  /** Runs pods/exec, attach, log and portforward (the node agent); without it they answer 503. */
  readonly podStreams?: PodStreams;
}

export interface ApiServer {
  readonly registry: Registry;
  readonly metrics: ApiMetrics;
  /** In-process entry point with the same admission and validation as HTTP. */
  handle(req: ApiRequest, signal: AbortSignal): Promise<ApiResult>;
  readonly requestListener: (req: IncomingMessage, res: ServerResponse) => void;
  listen(port: number, host?: string): Promise<AddressInfo>;
  close(): Promise<void>;
}

// As Go's default (1 MiB): object names long enough to be valid still fit in a request line.
const MAX_HEADER_BYTES = 1024 * 1024;
const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz', '/version/']);

export function createApiServer(opts: ApiServerOptions): ApiServer {
  const strategies = new Map<ResourceType, ResourceStrategy>(allStrategies().map((s) => [s.type, s]));
  const registry = new Registry({
    store: opts.store, strategies, admission: opts.admission ?? defaultAdmission(), clock: opts.clock,
  });
  const metrics = createMetrics(opts.store);
  const ctx: HandlerContext = { registry, decoder: createBodyDecoder(), onWatch: (r, d) => metrics.watchDelta(r, d) };
  const buildDate = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const openapi = openApiHandler();
  const auth = createAuthenticator(opts.tokens);
  const podStreams = createPodStreamsFront({ registry, auth, podStreams: opts.podStreams });
  const handler = createHttpHandler(ctx, auth, {
    isPublic: (p) => PUBLIC_PATHS.has(p) || p.startsWith('/healthz/') || p.startsWith('/livez/') || p.startsWith('/readyz/'),
    parseYaml: parseYamlBody,
    onRequest: (i) => metrics.observeRequest(i.verb, i.resource, i.code, i.ms),
    podStreams,
    async handleOther(req, res, path, query) {
      if (path === '/version' || path === '/version/') { writeJson(res, 200, versionInfo(buildDate)); return true; }
      if (/^\/(healthz|livez|readyz)(\/.*)?$/.test(path)) {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache, private', 'X-Content-Type-Options': 'nosniff' });
        res.end('ok');
        return true;
      }
      if (path === '/metrics') {
        const text = await metrics.render();
        res.writeHead(200, { 'Content-Type': metrics.contentType });
        res.end(text);
        return true;
      }
      if (path.startsWith('/openapi/')) {
        const r = openapi(path, query, req.headers.accept ?? '');
        if (!r) return false;
        res.writeHead(r.status, { ...r.headers, 'Cache-Control': 'no-cache, private' });
        res.end(r.body);
        return true;
      }
      return false;
    },
  });
  const requestListener = (req: IncomingMessage, res: ServerResponse) => { void handler(req, res); };
  let server: Server | undefined;
  return {
    registry,
    metrics,
    handle: (req, signal) => handleApiRequest(ctx, req, signal),
    requestListener,
    async listen(port, host = '127.0.0.1') {
      const tlsOpts: ServerOptions | undefined = opts.tls
        ? { cert: opts.tls.cert, key: opts.tls.key, ca: opts.tls.ca, requestCert: true, rejectUnauthorized: false, maxHeaderSize: MAX_HEADER_BYTES }
        : undefined;
      const s = tlsOpts ? createHttpsServer(tlsOpts, requestListener) : createPlainServer({ maxHeaderSize: MAX_HEADER_BYTES }, requestListener);
      // exec, attach and port-forward switch protocols (WebSocket, SPDY/3.1).
      s.on('upgrade', podStreams.handleUpgrade);
      // Watches and log streams stay open for as long as the client wants.
      s.requestTimeout = 0;
      s.headersTimeout = 60_000;
      s.keepAliveTimeout = 65_000;
      server = s;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, host, () => { s.off('error', reject); resolve(); });
      });
      return s.address() as AddressInfo;
    },
    async close() {
      if (!server) return;
      const s = server;
      server = undefined;
      // Upgraded sockets are no longer the HTTP server's: close them, or close() waits on them.
      podStreams.closeAll();
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
  };
}
