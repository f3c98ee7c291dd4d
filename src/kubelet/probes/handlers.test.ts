// Probe handlers against real sockets on 127.0.0.1 (HTTP, HTTPS with a certificate nobody
// trusts, HTTP/2 gRPC, plain TCP) and a fake execSync: results and upstream's messages.
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createH2Server, type Http2Server } from 'node:http2';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import type { Container, Probe } from 'kubernetes-types/core/v1.js';
import { generateCa, generateLeaf } from '../../pki/index.js';
import { EXEC_DEADLINE_EXCEEDED, RuntimeError, type ExecSyncResult } from '../runtime/index.js';
import { checkRequest, grpcProbe, responseStatus } from './grpc.js';
import { expandStatic, resolvePort, runProbe, tcpProbe, type ProbeTarget } from './handlers.js';
import { PROBE_USER_AGENT } from './messages.js';

const servers: Array<Server | Http2Server | ReturnType<typeof createTcpServer>> = [];
after(async () => { await Promise.all(servers.map((s) => new Promise((r) => s.close(r)))); });

async function listen<S extends Server | Http2Server | ReturnType<typeof createTcpServer>>(s: S): Promise<number> {
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

const container = (extra: Partial<Container> = {}): Container => ({ name: 'app', image: 'x', ...extra });
const target = (extra: Partial<ProbeTarget> = {}): ProbeTarget => ({
  container: container(), containerId: 'c1', podIP: '127.0.0.1', timeoutMs: 1000, signal: new AbortController().signal, ...extra,
});

describe('exec probe', () => {
  const fake = (fn: (cmd: readonly string[]) => ExecSyncResult | Promise<ExecSyncResult>) => {
    const calls: Array<{ id: string; cmd: readonly string[]; timeoutMs: number }> = [];
    return { calls, execSync: async (id: string, cmd: readonly string[], timeoutMs: number) => { calls.push({ id, cmd, timeoutMs }); return fn(cmd); } };
  };

  it('exit 0 is success, anything else failure with stdout then stderr as the message', async () => {
    const ok = fake(() => ({ exitCode: 0, stdout: 'fine\n', stderr: '' }));
    assert.deepEqual(await runProbe({ exec: { command: ['cat', '/ready'] } }, target({ execSync: ok.execSync, timeoutMs: 3000 })),
      { result: 'success', output: 'fine\n' });
    assert.deepEqual(ok.calls, [{ id: 'c1', cmd: ['cat', '/ready'], timeoutMs: 3000 }]);
    const bad = fake(() => ({ exitCode: 1, stdout: 'out ', stderr: "cat: can't open '/missing': No such file or directory\n" }));
    assert.deepEqual(await runProbe({ exec: { command: ['cat', '/missing'] } }, target({ execSync: bad.execSync })),
      { result: 'failure', output: "out cat: can't open '/missing': No such file or directory\n" });
  });

  it('a command past its timeout is a failure named after the command; other runtime errors are errors', async () => {
    const slow = fake(() => { throw new RuntimeError('deadline', EXEC_DEADLINE_EXCEEDED); });
    assert.deepEqual(await runProbe({ exec: { command: ['sleep', '5'] } }, target({ execSync: slow.execSync })),
      { result: 'failure', output: 'command "sleep 5" timed out' });
    const gone = fake(() => { throw new RuntimeError('container app is not running (exited)'); });
    await assert.rejects(runProbe({ exec: { command: ['true'] } }, target({ execSync: gone.execSync })), /not running/);
    await assert.rejects(runProbe({ exec: { command: ['true'] } }, target()), /cannot run commands/);
  });

  it('expands $(VAR) from literal env values only, as upstream', () => {
    const env = [{ name: 'FILE', value: '/tmp/ok' }, { name: 'FROM', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }];
    assert.deepEqual(expandStatic(['cat', '$(FILE)', '$(FROM)', '$(NONE)', '$$(FILE)', 'a$$b'], env),
      ['cat', '/tmp/ok', '$(FROM)', '$(NONE)', '$(FILE)', 'a$b']);
  });
});

describe('ports', () => {
  it('resolves numbers and container port names; an unknown name fails as upstream', () => {
    const c = container({ ports: [{ name: 'http', containerPort: 8080 }] });
    assert.equal(resolvePort(80, c), 80);
    assert.equal(resolvePort('http', c), 8080);
    assert.equal(resolvePort('9090', c), 9090);
    assert.throws(() => resolvePort('metrics', c), { message: 'strconv.Atoi: parsing "metrics": invalid syntax' });
    assert.throws(() => resolvePort(0, c), { message: 'invalid port number: 0' });
  });
});

describe('httpGet probe', () => {
  let seen: { url?: string; headers: IncomingHttpHeaders } = { headers: {} };
  const handler: RequestListener = (req, res) => {
    seen = { url: req.url, headers: req.headers };
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname === '/healthz') { res.end('ok'); return; }
    if (u.pathname === '/fail') { res.statusCode = 500; res.end('broken'); return; }
    if (u.pathname === '/moved') { res.writeHead(302, { location: '/healthz' }).end(); return; }
    if (u.pathname === '/away') { res.writeHead(301, { location: 'http://example.invalid/x' }).end('gone away'); return; }
    if (u.pathname === '/loop') { res.writeHead(302, { location: '/loop' }).end(); return; }
    if (u.pathname === '/hang') return; // never answers
    if (u.pathname === '/big') { res.end('x'.repeat(50_000)); return; }
    res.statusCode = 404;
    res.end();
  };

  it('2xx is success with the body; other codes fail with upstream message', async () => {
    const port = await listen(createHttpServer(handler));
    assert.deepEqual(await runProbe({ httpGet: { path: '/healthz', port } }, target()), { result: 'success', output: 'ok' });
    assert.deepEqual(await runProbe({ httpGet: { path: '/fail', port } }, target()),
      { result: 'failure', output: 'HTTP probe failed with statuscode: 500' });
    const big = await runProbe({ httpGet: { path: '/big', port } }, target());
    assert.equal(big.result, 'success');
    assert.equal(big.output.length, 10 * 1024, 'the body is read up to 10 KiB');
  });

  it('sends kube-probe/<major.minor>, Accept */*, the probe headers (Host among them) and the query', async () => {
    const port = await listen(createHttpServer(handler));
    const c = container({ ports: [{ name: 'web', containerPort: port }] });
    const probe: Probe = { httpGet: { path: '/healthz?full=1', port: 'web', httpHeaders: [{ name: 'x-custom', value: 'a' }, { name: 'Host', value: 'svc.local' }] } };
    assert.equal((await runProbe(probe, target({ container: c }))).result, 'success');
    assert.equal(seen.url, '/healthz?full=1');
    assert.equal(seen.headers['user-agent'], PROBE_USER_AGENT);
    assert.match(PROBE_USER_AGENT, /^kube-probe\/1\.\d+$/);
    assert.equal(seen.headers.accept, '*/*');
    assert.equal(seen.headers['x-custom'], 'a');
    assert.equal(seen.headers.host, 'svc.local');
    await runProbe({ httpGet: { path: '/healthz', port, httpHeaders: [{ name: 'User-Agent', value: 'mine' }] } }, target());
    assert.equal(seen.headers['user-agent'], 'mine', 'a probe header replaces the default');
  });

  it('follows redirects on the same host only, and stops after 10', async () => {
    const port = await listen(createHttpServer(handler));
    assert.deepEqual(await runProbe({ httpGet: { path: '/moved', port } }, target()), { result: 'success', output: 'ok' });
    assert.deepEqual(await runProbe({ httpGet: { path: '/away', port } }, target()),
      { result: 'warning', output: 'Probe terminated redirects, Response body: gone away' });
    assert.deepEqual(await runProbe({ httpGet: { path: '/loop', port } }, target()),
      { result: 'failure', output: `Get "http://127.0.0.1:${port}/loop": stopped after 10 redirects` });
  });

  it('reports a refused connection and a timeout as Go does', async () => {
    const port = await closedPort();
    assert.deepEqual(await runProbe({ httpGet: { path: '/healthz', port } }, target()), {
      result: 'failure', output: `Get "http://127.0.0.1:${port}/healthz": dial tcp 127.0.0.1:${port}: connect: connection refused`,
    });
    const open = await listen(createHttpServer(handler));
    assert.deepEqual(await runProbe({ httpGet: { path: '/hang', port: open } }, target({ timeoutMs: 200 })), {
      result: 'failure', output: `Get "http://127.0.0.1:${open}/hang": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    });
  });

  it('HTTPS skips certificate verification', async () => {
    const ca = await generateCa('probe-test-ca');
    const leaf = await generateLeaf(ca, { commonName: 'elsewhere', dnsNames: ['elsewhere.invalid'], server: true });
    const port = await listen(createHttpsServer({ cert: leaf.certPem, key: leaf.keyPem }, handler) as unknown as Server);
    assert.deepEqual(await runProbe({ httpGet: { scheme: 'HTTPS', path: '/healthz', port } }, target()), { result: 'success', output: 'ok' });
  });

  it('an explicit host wins over the pod IP; no pod IP and no host is an error', async () => {
    const port = await listen(createHttpServer(handler));
    assert.equal((await runProbe({ httpGet: { host: '127.0.0.1', path: '/healthz', port } }, target({ podIP: '192.0.2.1' }))).result, 'success');
    await assert.rejects(runProbe({ httpGet: { path: '/healthz', port } }, target({ podIP: undefined })), /no IP/);
  });
});

describe('tcpSocket probe', () => {
  it('a connection is success; a closed port fails with the dial error', async () => {
    const port = await listen(createTcpServer((s) => s.end()));
    assert.deepEqual(await runProbe({ tcpSocket: { port } }, target()), { result: 'success', output: '' });
    const closed = await closedPort();
    assert.deepEqual(await tcpProbe('127.0.0.1', closed, 1000),
      { result: 'failure', output: `dial tcp 127.0.0.1:${closed}: connect: connection refused` });
  });
});

describe('grpc probe', () => {
  const h2 = (status: number | 'unimplemented') => {
    const server = createH2Server();
    server.on('stream', (stream, headers) => {
      if (status === 'unimplemented' || headers[':path'] !== '/grpc.health.v1.Health/Check') {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12', 'grpc-message': 'unknown service grpc.health.v1.Health' }, { endStream: true });
        return;
      }
      const body: Buffer[] = [];
      stream.on('data', (d: Buffer) => body.push(d));
      stream.on('end', () => {
        assert.deepEqual(Buffer.concat(body), checkRequest('db'));
        const msg = Buffer.from([0x08, status]);
        const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, msg.length]), msg]);
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(frame);
      });
    });
    return server;
  };

  it('SERVING is success; NOT_SERVING, Unimplemented and a closed port are failures with upstream messages', async () => {
    const serving = await listen(h2(1));
    assert.deepEqual(await grpcProbe('127.0.0.1', serving, 'db', 1000), { result: 'success', output: 'service healthy' });
    const notServing = await listen(h2(2));
    assert.deepEqual(await grpcProbe('127.0.0.1', notServing, 'db', 1000),
      { result: 'failure', output: 'service unhealthy (responded with "NOT_SERVING")' });
    const unimplemented = await listen(h2('unimplemented'));
    assert.deepEqual(await grpcProbe('127.0.0.1', unimplemented, 'db', 1000), {
      result: 'failure',
      output: 'error: this server does not implement the grpc health protocol (grpc.health.v1.Health): unknown service grpc.health.v1.Health',
    });
    const closed = await closedPort();
    assert.match((await grpcProbe('127.0.0.1', closed, '', 1000)).output, new RegExp(`^error: failed to connect service at "127.0.0.1:${closed}": dial tcp 127.0.0.1:${closed}: connect: connection refused$`));
  });

  it('encodes the request and decodes the status field', () => {
    assert.deepEqual(checkRequest(''), Buffer.from([0, 0, 0, 0, 0]));
    assert.deepEqual(checkRequest('a'), Buffer.from([0, 0, 0, 0, 3, 0x0a, 1, 0x61]));
    assert.equal(responseStatus(Buffer.from([0, 0, 0, 0, 0])), 0);
    assert.equal(responseStatus(Buffer.from([0, 0, 0, 0, 2, 0x08, 3])), 3);
  });
});
