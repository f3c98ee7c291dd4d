// kubectl port-forward through the API server: 1.27 over raw SPDY/3.1, 1.33 and 1.35 over SPDY
// tunnelled in a WebSocket. Backends are HTTP servers on 127.0.0.1 that the host PodStreams
// connects pod ports to. Checked: several ports at once, many concurrent connections, 10 MiB
// each way arriving intact, and a refused port reported as upstream does.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { KUBECTL_VERSIONS, kubectlEnv, kubectlPath, type KubectlVersion } from '../../src/testing/index.js';
import { startStreamsCluster, type StreamsCluster } from './streams-host.js';

const BIG = 10 * 1024 * 1024;
/** Deterministic, non-repeating-looking bytes, so a lost or reordered chunk shows. */
function bigBody(): Buffer {
  const out = Buffer.alloc(BIG);
  let x = 0x12345678;
  for (let i = 0; i < BIG; i += 4) { x = (x * 1103515245 + 12345) >>> 0; out.writeUInt32LE(x, i); }
  return out;
}
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function backend(name: string, big: Buffer): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/big') { res.end(big); return; }
    if (req.url === '/sum') {
      const h = createHash('sha256');
      let n = 0;
      req.on('data', (c: Buffer) => { h.update(c); n += c.length; });
      req.on('end', () => res.end(`${n} ${h.digest('hex')}`));
      return;
    }
    res.end(`hello from ${name}, you asked ${req.url}`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** One HTTP exchange on its own TCP connection (no keep-alive), so each is a new forwarded stream. */
function fetchOnce(port: number, path: string, body?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: body ? 'POST' : 'GET', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Forward { readonly child: ChildProcess; readonly ports: Map<number, number>; output(): string; stop(): Promise<void> }

async function portForward(s: StreamsCluster, version: KubectlVersion, remotePorts: number[]): Promise<Forward> {
  const child = spawn(kubectlPath(version), ['port-forward', 'pod/web-0', ...remotePorts.map((p) => `:${p}`)],
    { env: kubectlEnv({ kubeconfig: s.cluster.kubeconfig, home: s.cluster.dir }) });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const ports = new Map<number, number>();
  for (let i = 0; i < 200 && ports.size < remotePorts.length; i++) {
    for (const m of out.matchAll(/Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)/g)) ports.set(Number(m[2]), Number(m[1]));
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(ports.size, remotePorts.length, `kubectl port-forward did not start:\n${out}`);
  return { child, ports, output: () => out, async stop() { child.kill('SIGTERM'); await closed; } };
}

for (const version of KUBECTL_VERSIONS) {
  describe(`pod streams: port-forward with kubectl 1.${version}`, () => {
    let s: StreamsCluster;
    const big = bigBody();
    const servers: Server[] = [];
    before(async () => {
      s = await startStreamsCluster();
      for (const [podPort, name] of [[80, 'web-0'], [81, 'the second port']] as const) {
        const server = await backend(name, big);
        servers.push(server);
        s.host.forward(podPort, (server.address() as AddressInfo).port);
      }
    });
    after(async () => {
      for (const server of servers) server.close();
      await s?.stop();
    });

    it('forwards several ports and many concurrent connections', async () => {
      const f = await portForward(s, version, [80, 81]);
      try {
        const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => fetchOnce(f.ports.get(80)!, `/r${i}`)));
        answers.forEach((a, i) => assert.equal(a.toString(), `hello from web-0, you asked /r${i}`));
        assert.equal((await fetchOnce(f.ports.get(81)!, '/x')).toString(), 'hello from the second port, you asked /x');
      } finally {
        await f.stop();
      }
    });

    it('carries 10 MiB each way intact', async () => {
      const f = await portForward(s, version, [80]);
      try {
        const port = f.ports.get(80)!;
        const [down, up] = await Promise.all([fetchOnce(port, '/big'), fetchOnce(port, '/sum', big)]);
        assert.equal(down.length, BIG);
        assert.equal(sha(down), sha(big));
        assert.equal(up.toString(), `${BIG} ${sha(big)}`);
      } finally {
        await f.stop();
      }
    });

    it('reports a refused connection on the error stream, as upstream does', async () => {
      const f = await portForward(s, version, [82]);
      try {
        await fetchOnce(f.ports.get(82)!, '/').catch(() => Buffer.alloc(0));
        for (let i = 0; i < 100 && !/error forwarding port 82/.test(f.output()); i++) await new Promise((r) => setTimeout(r, 50));
        assert.match(f.output(), /error forwarding port 82 to pod web-0, uid [0-9a-f-]+: dial tcp4 127\.0\.0\.1:82: connect: connection refused/);
      } finally {
        await f.stop();
      }
    });
  });
}
