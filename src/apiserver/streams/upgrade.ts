// Choosing the wire protocol of an authenticated, validated pod stream upgrade and handing the
// socket to it: WebSocket (`Upgrade: websocket`, subprotocol from Sec-WebSocket-Protocol) or
// SPDY/3.1 (`Upgrade: SPDY/3.1`, version from X-Stream-Protocol-Version).
//
// Contract: `serveUpgrade` throws (an ApiError) only before anything was written on the socket,
// so the caller can still answer with a Status; after the switch, failures end the session the
// way its protocol allows and are never thrown.
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ApiError, badRequest } from '../../core/index.js';
import { toStatus } from '../status.js';
import { EXEC_SPDY_PROTOCOLS, serveExecSpdy } from './exec-spdy.js';
import { EXEC_WS_PROTOCOLS, serveExecWebSocket } from './exec-ws.js';
import type { ExecOptions } from './options.js';
import { parsePorts } from './options.js';
import { PORTFORWARD_SPDY_PROTOCOLS, servePortForwardSpdy } from './portforward-spdy.js';
import { PORTFORWARD_WS_PROTOCOLS, servePortForwardWebSocket } from './portforward-ws.js';
import { socketTransport, webSocketTransport } from './transport.js';
import type { Pod, PodStreams } from './types.js';
import { acceptWebSocket, chooseProtocol } from './websocket.js';

/** kubectl >= 1.31 tunnels port-forward's SPDY session through WebSocket under this name. */
export const SPDY_TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

export type UpgradeTarget =
  | { readonly kind: 'portforward'; readonly pod: Pod }
  | { readonly kind: 'exec' | 'attach'; readonly pod: Pod; readonly exec: ExecOptions };

const logFailure = (what: string) => (e: unknown) => console.error(`berth apiserver: ${what} failed:`, e);

export async function serveUpgrade(
  req: IncomingMessage, socket: Socket, head: Buffer, q: URLSearchParams, target: UpgradeTarget, podStreams: PodStreams,
): Promise<void> {
  const upgrade = (req.headers.upgrade ?? '').toLowerCase();
  socket.setNoDelay(true);
  if (upgrade === 'websocket') {
    const supported = target.kind === 'portforward' ? [SPDY_TUNNEL_PROTOCOL, ...PORTFORWARD_WS_PROTOCOLS] : EXEC_WS_PROTOCOLS;
    const protocol = chooseProtocol(req, supported);
    const ports = target.kind === 'portforward' && protocol !== SPDY_TUNNEL_PROTOCOL ? parsePorts(q) : [];
    const ws = await acceptWebSocket(req, socket, head, protocol);
    if (!ws) return;
    ws.on('error', () => ws.terminate());
    if (target.kind !== 'portforward') {
      serveExecWebSocket(ws, socket, protocol, target.exec, target.pod, podStreams).catch(logFailure(target.kind));
    } else if (protocol === SPDY_TUNNEL_PROTOCOL) {
      servePortForwardSpdy(webSocketTransport(ws, socket), target.pod, podStreams);
    } else {
      servePortForwardWebSocket(ws, socket, protocol, ports, target.pod, podStreams).catch(logFailure('port-forward'));
    }
    return;
  }
  if (upgrade === 'spdy/3.1') {
    const protocol = negotiate(req, socket, target.kind === 'portforward' ? PORTFORWARD_SPDY_PROTOCOLS : EXEC_SPDY_PROTOCOLS);
    if (protocol === undefined || !socket.writable) return;
    socket.write([
      'HTTP/1.1 101 Switching Protocols', 'Connection: Upgrade', 'Upgrade: SPDY/3.1', `X-Stream-Protocol-Version: ${protocol}`, '', '',
    ].join('\r\n'));
    const transport = socketTransport(socket, head);
    if (target.kind === 'portforward') servePortForwardSpdy(transport, target.pod, podStreams);
    else serveExecSpdy(transport, protocol, target.exec, target.pod, podStreams);
    return;
  }
  throw badRequest(`unable to upgrade: unsupported protocol "${req.headers.upgrade ?? ''}"`);
}

/**
 * X-Stream-Protocol-Version negotiation (upstream httpstream.Handshake): the first version the
 * client lists that the server supports. Without a match the answer is 403 listing what we
 * accept, written here because it carries headers; then undefined is returned.
 */
function negotiate(req: IncomingMessage, socket: Socket, supported: readonly string[]): string | undefined {
  const raw = req.headersDistinct['x-stream-protocol-version'] ?? [];
  const offered = raw.flatMap((h) => h.split(',')).map((p) => p.trim()).filter((p) => p !== '');
  if (offered.length === 0) throw badRequest('unable to upgrade: X-Stream-Protocol-Version is required');
  const pick = offered.find((p) => supported.includes(p));
  if (pick !== undefined) return pick;
  const message = `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${supported.join(' ')}]`;
  writeRawStatus(socket, new ApiError(403, 'Forbidden', message), supported.map((p) => `X-Accepted-Stream-Protocol-Versions: ${p}`));
  return undefined;
}

/** A Status answer written straight on a socket that was handed over for an upgrade. */
export function writeRawStatus(socket: Socket, e: unknown, extraHeaders: readonly string[] = []): void {
  if (!socket.writable) { socket.destroy(); return; }
  const status = toStatus(e);
  const body = JSON.stringify(status);
  socket.end([
    `HTTP/1.1 ${status.code} ${STATUS_CODES[status.code] ?? 'Error'}`,
    'Content-Type: application/json',
    'Cache-Control: no-cache, private',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...extraHeaders,
    'Connection: close',
    '', body,
  ].join('\r\n'));
}

