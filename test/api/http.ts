// Raw HTTPS requests to a test cluster, for tests that check the wire itself.
import { request } from 'node:https';
import type { TestCluster } from '../../src/testing/index.js';

export interface Reply { status: number; headers: Record<string, string | string[] | undefined>; text: string; json?: any }

export function call(cluster: TestCluster, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}, token: string | null = cluster.credentials.adminToken): Promise<Reply> {
  const url = new URL(path, cluster.server);
  return new Promise((resolve, reject) => {
    const req = request({
      host: url.hostname, port: url.port, method, path: url.pathname + url.search, ca: cluster.credentials.ca.certPem,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) } : {}),
        ...headers,
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
