// The pod streams front: where pods/exec, pods/attach, pods/portforward and pods/log requests
// enter, for both plain HTTP requests and connection upgrades (WebSocket, SPDY/3.1).
//
// Contract: upgrades are authenticated exactly like other requests (bearer token or client
// certificate, else 401 Status). Every refusal before the upgrade is a Status response on the
// raw socket (kubectl prints it; for exec it retries over SPDY after a refused WebSocket and
// prints the last answer). After the upgrade the protocol modules own the connection.
// `closeAll` destroys the upgraded sockets, which the HTTP server no longer tracks.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ApiError, methodNotAllowed, Pods } from '../../core/index.js';
import type { Authenticator } from '../auth.js';
import type { Route } from '../http/route.js';
import { route } from '../http/route.js';
import type { Registry } from '../registry/registry.js';
import type { UserInfo } from '../request.js';
import { serveLogs } from './logs.js';
import { checkPortForward, loadPod, parseExecOptions, type StreamSubresource } from './options.js';
import { serveUpgrade, writeRawStatus } from './upgrade.js';
import type { PodStreams } from './types.js';

type ResourceRoute = Extract<Route, { kind: 'resource' }>;

export interface PodStreamsFront {
  /** Whether a routed request is one of ours. */
  handles(r: ResourceRoute): boolean;
  /** A plain request to one of our routes: the log stream, or a refusal (upgrade required). */
  serveHttp(req: IncomingMessage, res: ServerResponse, r: ResourceRoute, user: UserInfo): Promise<void>;
  /** The HTTP server's 'upgrade' event. */
  handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void;
  closeAll(): void;
}

const SUBRESOURCES = new Set<string>(['exec', 'attach', 'portforward', 'log']);

export function createPodStreamsFront(opts: { registry: Registry; auth: Authenticator; podStreams?: PodStreams }): PodStreamsFront {
  const sockets = new Set<Socket>();

  const podStreams = (): PodStreams => {
    if (!opts.podStreams) {
      throw new ApiError(503, 'ServiceUnavailable', 'no node agent serves pod streams (exec, attach, logs, port-forward) in this cluster');
    }
    return opts.podStreams;
  };
  const handles = (r: ResourceRoute) => r.type === Pods && r.subresource !== undefined && SUBRESOURCES.has(r.subresource);

  async function upgrade(req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    if (!opts.auth.authenticate(req)) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    const url = new URL(req.url ?? '/', 'http://x');
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) if (!(k in query)) query[k] = v;
    const r = route(req.method ?? 'GET', url.pathname, query);
    if (r.kind !== 'resource' || !handles(r) || r.subresource === 'log') {
      throw new ApiError(400, 'BadRequest', 'upgrade is only supported for pods/exec, pods/attach and pods/portforward');
    }
    if (req.method !== 'GET' && req.method !== 'POST') throw methodNotAllowed();
    const pod = await loadPod(opts.registry, r.namespace, r.name);
    const sub = r.subresource as Exclude<StreamSubresource, 'log'>;
    const target = sub === 'portforward'
      ? { kind: sub, pod } as const
      : { kind: sub, pod, exec: parseExecOptions(sub, url.searchParams, pod) } as const;
    if (sub === 'portforward') checkPortForward(pod);
    const streams = podStreams();
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    await serveUpgrade(req, socket, head, url.searchParams, target, streams);
  }

  return {
    handles,

    async serveHttp(req, res, r) {
      const url = new URL(req.url ?? '/', 'http://x');
      const pod = await loadPod(opts.registry, r.namespace, r.name);
      if (r.subresource === 'log') {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed();
        await serveLogs(req, res, url.searchParams, pod, podStreams);
        return;
      }
      if (req.method !== 'GET' && req.method !== 'POST') throw methodNotAllowed();
      if (r.subresource === 'portforward') checkPortForward(pod);
      else parseExecOptions(r.subresource as 'exec' | 'attach', url.searchParams, pod);
      throw new ApiError(400, 'BadRequest', 'Upgrade request required');
    },

    handleUpgrade(req, socket, head) {
      // An upgraded socket has no HTTP machinery left to absorb its errors.
      socket.on('error', () => socket.destroy());
      upgrade(req, socket, head).catch((e) => {
        if (!(e instanceof ApiError)) console.error(`berth apiserver: upgrade ${req.method} ${req.url}:`, e);
        writeRawStatus(socket, e);
      });
    },

    closeAll() {
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
  };
}

