// Registries for the image tests, all on 127.0.0.1:
// - startDockerRegistry(): Debian's docker-registry (CNCF distribution 2.8) with its storage in a
//   temp dir, on a free port; stopped by its PID.
// - startFakeRegistry(): a small distribution-protocol server in-process for what a real
//   registry cannot easily be made to do here: demand a bearer token from its own token
//   endpoint, answer Basic challenges, redirect blobs to another host, serve corrupt bytes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from './helpers.js';

export const hasDockerRegistry = spawnSync('sh', ['-c', 'command -v docker-registry']).status === 0;

async function freePort(): Promise<number> {
  const srv = http.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

export interface RunningRegistry { base: string; host: string; stop: () => Promise<void> }

export async function startDockerRegistry(): Promise<RunningRegistry> {
  const { dir, cleanup } = await tempDir('berth-registry-');
  const port = await freePort();
  const cfg = join(dir, 'config.yml');
  await writeFile(cfg, [
    'version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:', `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:', '    enabled: true', 'http:', `  addr: 127.0.0.1:${port}`, '',
  ].join('\n'));
  const child: ChildProcess = spawn('docker-registry', ['serve', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  const base = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
    await cleanup();
  };
  for (let i = 0; i < 250; i++) {
    if (child.exitCode !== null) break;
    const ok = await fetch(`${base}/v2/`).then((r) => r.status === 200, () => false);
    if (ok) return { base, host: `127.0.0.1:${port}`, stop };
    await sleep(20);
  }
  await stop();
  throw new Error(`docker-registry did not start: ${stderr}`);
}

export interface FakeRegistryOptions {
  /** "repo:tag" or "repo@digest" → manifest. */
  manifests: Map<string, { body: Buffer; mediaType: string; announce?: string }>;
  blobs: Map<string, Buffer>;
  auth?: { scheme: 'bearer' | 'basic'; username: string; password: string };
  /** Blob GETs answer 307 to this base (another host) + /storage/<digest>. */
  redirectBlobsTo?: string;
  /** Blob GETs send half the bytes, then the connection drops. */
  truncateBlobs?: boolean;
}

export interface FakeRegistry extends RunningRegistry {
  /** Requests seen, "METHOD path authorization?" — for assertions. */
  log: string[];
  options: FakeRegistryOptions;
}

export async function startFakeRegistry(options: FakeRegistryOptions): Promise<FakeRegistry> {
  const log: string[] = [];
  const token = 'tok-' + Math.random().toString(36).slice(2);
  let base = '';
  const basic = options.auth && `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, base);
    log.push(`${req.method} ${url.pathname}${req.headers.authorization ? ` ${req.headers.authorization.split(' ')[0]}` : ''}`);
    const send = (status: number, body: Buffer | string = '', headers: Record<string, string> = {}) => {
      res.writeHead(status, headers);
      res.end(body);
    };
    const error = (status: number, code: string, headers: Record<string, string> = {}) =>
      send(status, JSON.stringify({ errors: [{ code, message: code.toLowerCase() }] }), { 'content-type': 'application/json', ...headers });
    if (url.pathname === '/token') {
      if (req.headers.authorization !== basic) return send(401, 'bad credentials');
      return send(200, JSON.stringify({ token, expires_in: 300 }), { 'content-type': 'application/json' });
    }
    if (url.pathname.startsWith('/storage/')) {
      const blob = options.blobs.get(url.pathname.slice('/storage/'.length));
      // Object storage must not receive the registry's token.
      return blob && !req.headers.authorization ? send(200, blob) : send(403, 'no');
    }
    if (options.auth) {
      const want = options.auth.scheme === 'bearer' ? `Bearer ${token}` : basic;
      if (req.headers.authorization !== want) {
        const challenge = options.auth.scheme === 'bearer'
          ? `Bearer realm="${base}/token",service="fake-registry",scope="repository:demo:pull"` : 'Basic realm="fake"';
        return error(401, 'UNAUTHORIZED', { 'www-authenticate': challenge });
      }
    }
    if (url.pathname === '/v2/' || url.pathname === '/v2') return send(200, '{}');
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    if (!m) return error(404, 'NOT_FOUND');
    const [, repo, kind, ref] = m;
    if (kind === 'manifests') {
      const man = options.manifests.get(ref!.startsWith('sha256:') ? `${repo}@${ref}` : `${repo}:${ref}`);
      if (!man) return error(404, 'MANIFEST_UNKNOWN');
      return send(200, man.body, { 'content-type': man.mediaType, ...(man.announce ? { 'docker-content-digest': man.announce } : {}) });
    }
    const blob = options.blobs.get(ref!);
    if (!blob) return error(404, 'BLOB_UNKNOWN');
    if (options.truncateBlobs) {
      res.writeHead(200, { 'content-length': String(blob.length) });
      res.write(blob.subarray(0, blob.length >> 1), () => res.destroy());
      return;
    }
    if (options.redirectBlobsTo) return send(307, '', { location: `${options.redirectBlobsTo}/storage/${ref}` });
    return send(200, blob, { 'content-type': 'application/octet-stream' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return {
    base, host: `127.0.0.1:${port}`, log, options,
    stop: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
