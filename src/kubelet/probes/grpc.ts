// The grpc probe (upstream pkg/probe/grpc): one grpc.health.v1.Health/Check call over
// cleartext HTTP/2 to podIP:port, spoken directly with node:http2 (one unary call needs no
// gRPC library: a 5-byte length prefix around a one-field protobuf message each way).
// SERVING is success; any other answer, gRPC status or connection problem is a failure with
// upstream's message.
import { connect, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import { goDuration } from '../pods/backoff.js';
import { dialError, goQuote, joinHostPort, PROBE_USER_AGENT, type ProbeRun } from './messages.js';

/** grpc.health.v1.HealthCheckResponse.ServingStatus names. */
const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];
/** gRPC status code names as grpc-go prints them (codes.Code.String). */
const CODES = ['OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists', 'PermissionDenied',
  'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated'];
const UNIMPLEMENTED = 12;

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) { out.push((n & 0x7f) | 0x80); n >>>= 7; }
  out.push(n);
  return Buffer.from(out);
}

/** HealthCheckRequest{service} in a gRPC length-prefixed frame (uncompressed). */
export function checkRequest(service: string): Buffer {
  const name = Buffer.from(service, 'utf8');
  const msg = name.length ? Buffer.concat([Buffer.from([0x0a]), varint(name.length), name]) : Buffer.alloc(0);
  const head = Buffer.alloc(5);
  head.writeUInt32BE(msg.length, 1);
  return Buffer.concat([head, msg]);
}

/** The status field (1, varint) of the first HealthCheckResponse in `data`; 0 (UNKNOWN) when absent. */
export function responseStatus(data: Buffer): number {
  if (data.length < 5) throw new Error('grpc: short response');
  const end = 5 + data.readUInt32BE(1);
  let i = 5, status = 0;
  while (i < end) {
    const tag = data[i++]!;
    const readVarint = () => { let v = 0, shift = 0, b: number; do { b = data[i++]!; v += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80 && i < end); return v; };
    const wire = tag & 7;
    if (wire === 0) { const v = readVarint(); if (tag >> 3 === 1) status = v; }
    else if (wire === 2) i += readVarint();
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else break;
  }
  return status;
}

export function grpcProbe(host: string, port: number, service: string, timeoutMs: number, signal?: AbortSignal): Promise<ProbeRun> {
  const addr = joinHostPort(host, port);
  const within = goDuration(timeoutMs);
  return new Promise((resolve) => {
    const session: ClientHttp2Session = connect(`http://${addr}`);
    let connected = false;
    const finish = (result: ProbeRun['result'], output: string) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      session.destroy();
      resolve({ result, output });
    };
    const timer = setTimeout(() => (connected
      ? finish('failure', `timeout: health rpc did not complete within ${within}`)
      : finish('failure', `timeout: failed to connect service ${goQuote(addr)} within ${within}: context deadline exceeded`)), timeoutMs);
    const onAbort = () => finish('failure', 'error: health rpc probe failed: rpc error: code = Canceled desc = context canceled');
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    session.once('error', (e: Error & { code?: string }) => finish('failure', connected
      ? `error: health rpc probe failed: rpc error: code = Unavailable desc = ${e.message}`
      : `error: failed to connect service at ${goQuote(addr)}: ${dialError(e, host, addr)}`));
    session.once('connect', () => {
      connected = true;
      const req = session.request({
        ':method': 'POST', ':path': '/grpc.health.v1.Health/Check', 'content-type': 'application/grpc', te: 'trailers',
        'user-agent': PROBE_USER_AGENT,
      });
      const chunks: Buffer[] = [];
      let head: IncomingHttpHeaders = {};
      let trailers: IncomingHttpHeaders = {};
      req.on('response', (h) => { head = h; });
      req.on('trailers', (t) => { trailers = t; });
      req.on('data', (d: Buffer) => chunks.push(d));
      req.once('error', (e) => finish('failure', `error: health rpc probe failed: rpc error: code = Unavailable desc = ${e.message}`));
      req.once('end', () => {
        // A trailers-only answer (errors) carries grpc-status in the headers.
        const code = Number(trailers['grpc-status'] ?? head['grpc-status'] ?? (Number(head[':status']) === 200 ? 0 : 2));
        const desc = decodeURIComponent(String(trailers['grpc-message'] ?? head['grpc-message'] ?? ''));
        if (code === UNIMPLEMENTED) {
          return finish('failure', `error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${desc}`);
        }
        if (code !== 0) return finish('failure', `error: health rpc probe failed: rpc error: code = ${CODES[code] ?? `Code(${code})`} desc = ${desc}`);
        let status: number;
        try { status = responseStatus(Buffer.concat(chunks)); } catch (e) {
          return finish('failure', `error: health rpc probe failed: ${(e as Error).message}`);
        }
        if (status !== 1) return finish('failure', `service unhealthy (responded with ${goQuote(SERVING_STATUS[status] ?? String(status))})`);
        finish('success', 'service healthy');
      });
      req.end(checkRequest(service));
    });
  });
}
