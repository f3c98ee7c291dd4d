// Exec into a pod over WebSocket (v5.channel.k8s.io), as kubectl ≥ 1.30 does: one binary
// message per chunk, first byte = channel (0 stdin, 1 stdout, 2 stderr, 3 status, 255 close).
import WebSocket from 'ws';
import type { HttpTransportOptions } from './http-transport.js';

export interface ExecResult { readonly stdout: string; readonly stderr: string; readonly exitCode: number }

export function execInPod(conn: HttpTransportOptions, namespace: string, pod: string, command: readonly string[],
  opts: { container?: string; stdin?: string | Buffer; timeoutMs?: number } = {}): Promise<ExecResult> {
  const q = new URLSearchParams();
  for (const c of command) q.append('command', c);
  if (opts.container) q.set('container', opts.container);
  q.set('stdout', 'true');
  q.set('stderr', 'true');
  if (opts.stdin !== undefined) q.set('stdin', 'true');
  const url = `${conn.server.replace(/^http/, 'ws')}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/exec?${q}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['v5.channel.k8s.io'], {
      ca: conn.ca, cert: conn.cert, key: conn.key,
      headers: conn.token ? { Authorization: `Bearer ${conn.token}` } : {}, perMessageDeflate: false,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let status: { status?: string; details?: { causes?: { reason?: string; message?: string }[] }; message?: string } | undefined;
    const timer = setTimeout(() => { ws.terminate(); reject(new Error(`exec ${command.join(' ')} timed out`)); }, opts.timeoutMs ?? 30_000);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => { clearTimeout(timer); reject(new Error(`exec refused (HTTP ${res.statusCode}): ${body}`)); });
    });
    ws.on('open', () => {
      if (opts.stdin !== undefined) {
        ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(opts.stdin)]));
        ws.send(Buffer.from([255, 0])); // v5: stdin is done
      }
    });
    ws.on('message', (data: Buffer) => {
      const ch = data[0];
      const payload = data.subarray(1);
      if (ch === 1) out.push(payload);
      else if (ch === 2) err.push(payload);
      else if (ch === 3) status = JSON.parse(payload.toString('utf8'));
    });
    ws.on('error', (e) => { clearTimeout(timer); reject(e); });
    ws.on('close', () => {
      clearTimeout(timer);
      let exitCode = 0;
      if (status?.status === 'Failure') {
        const code = status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message;
        if (code === undefined) { reject(new Error(status.message ?? 'exec failed')); return; }
        exitCode = Number(code);
      }
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), exitCode });
    });
  });
}
