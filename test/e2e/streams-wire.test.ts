// Pod streams on the wire, below kubectl: authentication of upgrades, the refusals upstream
// gives before an upgrade, the protocols kubectl does not use (the python client's
// `v4.channel.k8s.io` exec and channel-pair port-forward, base64 framing), and a cluster with
// no PodStreams at all.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { generateLeaf } from '../../src/pki/index.js';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { fails } from './helpers.js';
import { createRunningPod, startStreamsCluster, type StreamsCluster } from './streams-host.js';

const POD = '/api/v1/namespaces/default/pods';

interface Answer { readonly status: number; readonly headers: Record<string, unknown>; readonly body: string }

/** One raw HTTPS request (optionally an upgrade); resolves with the non-101 answer. */
function raw(s: StreamsCluster, method: string, path: string, headers: Record<string, string>): Promise<Answer> {
  const url = new URL(s.cluster.server);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers, ca: s.cluster.credentials.ca.certPem }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('upgrade', (res, socket) => { socket.destroy(); resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' }); });
    req.on('error', reject);
    req.end();
  });
}

const wsUpgrade = { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': 'v5.channel.k8s.io' };
const spdyUpgrade = { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' };

/** Opens a WebSocket to the API server and records every message until it closes. */
function session(s: StreamsCluster, path: string, protocol: string, opts: { cert?: { certPem: string; keyPem: string }; send?: (ws: WebSocket) => void } = {}) {
  const url = s.cluster.server.replace('https:', 'wss:') + path;
  const headers = opts.cert ? {} : { Authorization: `Bearer ${s.cluster.credentials.adminToken}` };
  const ws = new WebSocket(url, [protocol], { ca: s.cluster.credentials.ca.certPem, headers, cert: opts.cert?.certPem, key: opts.cert?.keyPem });
  const messages: Array<{ binary: boolean; data: Buffer }> = [];
  return new Promise<{ protocol: string; messages: typeof messages; code: number }>((resolve, reject) => {
    ws.on('open', () => opts.send?.(ws));
    ws.on('message', (data, binary) => messages.push({ binary, data: data as Buffer }));
    ws.on('close', (code) => resolve({ protocol: ws.protocol, messages, code }));
    ws.on('error', reject);
  });
}

describe('pod streams on the wire', () => {
  let s: StreamsCluster;
  let backend: Server;
  before(async () => {
    s = await startStreamsCluster();
    await createRunningPod(s.cluster, 'done-0', ['app'], {}, 'Succeeded');
    await createRunningPod(s.cluster, 'pending-0', ['app'], {}, 'Pending');
    backend = createServer((req, res) => { res.setHeader('Connection', 'close'); res.end(`backend saw ${req.url}`); });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    s.host.forward(80, (backend.address() as AddressInfo).port);
  });
  after(async () => {
    backend?.close();
    await s?.stop();
  });

  it('refuses unauthenticated upgrades with 401', async () => {
    for (const [method, headers] of [['GET', wsUpgrade], ['POST', spdyUpgrade]] as const) {
      for (const auth of [{}, { Authorization: 'Bearer wrong' }] as Array<Record<string, string>>) {
        const a = await raw(s, method, `${POD}/web-0/exec?command=true&stdout=true`, { ...headers, ...auth });
        assert.equal(a.status, 401);
        assert.deepEqual(JSON.parse(a.body), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
      }
    }
  });

  it('accepts a client certificate on an upgrade', async () => {
    const cert = await generateLeaf(s.cluster.credentials.ca, { commonName: 'someone', client: true });
    const r = await session(s, `${POD}/web-0/exec?command=echo&command=cert&stdout=true`, 'v5.channel.k8s.io', { cert });
    assert.equal(r.protocol, 'v5.channel.k8s.io');
    assert.deepEqual(r.messages.map((m) => m.data.toString('latin1')), ['\x01', '\x01cert\n', '\x03{"metadata":{},"status":"Success"}']);
    assert.equal(r.code, 1000);
  });

  it('answers refusals with a Status before any upgrade', async () => {
    const cases: Array<[string, string, Record<string, string>, number, string]> = [
      ['GET', `${POD}/zzz/exec?command=true&stdout=true`, wsUpgrade, 404, 'pods "zzz" not found'],
      ['GET', `${POD}/web-0/exec?command=true&stdout=true&container=nope`, wsUpgrade, 400, 'container nope is not valid for pod web-0'],
      ['GET', `${POD}/done-0/exec?command=true&stdout=true`, wsUpgrade, 400, 'cannot exec into a container in a completed pod; current phase is Succeeded'],
      ['POST', `${POD}/done-0/attach?stdout=true`, spdyUpgrade, 400, 'cannot attach a container in a completed pod; current phase is Succeeded'],
      ['GET', `${POD}/web-0/exec?command=true`, wsUpgrade, 400, 'you must specify at least 1 of stdin, stdout, stderr'],
      ['POST', `${POD}/pending-0/portforward`, { ...spdyUpgrade, 'X-Stream-Protocol-Version': 'portforward.k8s.io' }, 400,
        'unable to forward port because pod is not running. Current status=Pending'],
      ['GET', `${POD}/web-0/exec?command=true&stdout=true`, {}, 400, 'Upgrade request required'],
      ['GET', `${POD}/web-0/log?tailLines=-5`, {}, 422, 'PodLogOptions "web-0" is invalid: tailLines: Invalid value: -5: must be greater than or equal to 0'],
      ['GET', `${POD}/web-0/log?limitBytes=0`, {}, 422, 'PodLogOptions "web-0" is invalid: limitBytes: Invalid value: 0: must be greater than 0'],
      ['GET', `${POD}/web-0/exec?command=true&stdout=true`, { ...wsUpgrade, 'Sec-WebSocket-Protocol': 'v9.channel.k8s.io' }, 400,
        'requested protocol(s) are not supported: [v9.channel.k8s.io]; supports [v5.channel.k8s.io v4.channel.k8s.io v4.base64.channel.k8s.io v3.channel.k8s.io v2.channel.k8s.io channel.k8s.io base64.channel.k8s.io]'],
    ];
    const auth = { Authorization: `Bearer ${s.cluster.credentials.adminToken}` };
    for (const [method, path, headers, code, message] of cases) {
      const a = await raw(s, method, path, { ...headers, ...auth });
      assert.equal(a.status, code, `${path}: ${a.body}`);
      assert.equal(JSON.parse(a.body).message, message);
    }
    const a = await raw(s, 'POST', `${POD}/web-0/exec?command=true&stdout=true`, { ...spdyUpgrade, ...auth, 'X-Stream-Protocol-Version': 'v9.channel.k8s.io' });
    assert.equal(a.status, 403);
    assert.match(JSON.parse(a.body).message, /unable to negotiate protocol: client supports \[v9.channel.k8s.io\]/);
    assert.match(String(a.headers['x-accepted-stream-protocol-versions']), /v4\.channel\.k8s\.io/);
  });

  it('speaks v4.channel.k8s.io exec as the python client does', async () => {
    const r = await session(s, `${POD}/web-0/exec?command=sh&command=-c&command=echo+hi%3B+exit+5&stdout=True&stderr=True&stdin=False`, 'v4.channel.k8s.io');
    assert.equal(r.protocol, 'v4.channel.k8s.io');
    const byChannel = (ch: number) => Buffer.concat(r.messages.filter((m) => m.data[0] === ch).map((m) => m.data.subarray(1))).toString();
    assert.equal(byChannel(1), 'hi\n');
    assert.deepEqual(JSON.parse(byChannel(3)).details, { causes: [{ reason: 'ExitCode', message: '5' }] });
    assert.equal(r.code, 1000);
  });

  it('frames base64 channels as text', async () => {
    const r = await session(s, `${POD}/web-0/exec?command=echo&command=b64&stdout=1`, 'v4.base64.channel.k8s.io');
    assert.ok(r.messages.every((m) => !m.binary));
    assert.deepEqual(r.messages.map((m) => m.data.toString()), ['1', `1${Buffer.from('b64\n').toString('base64')}`, `3${Buffer.from('{"metadata":{},"status":"Success"}').toString('base64')}`]);
  });

  it('forwards ports over the v4 channel-pair protocol', async () => {
    const r = await session(s, `${POD}/web-0/portforward?ports=80`, 'v4.channel.k8s.io', {
      send: (ws) => ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('GET /pair HTTP/1.0\r\n\r\n')])),
    });
    assert.deepEqual(r.messages.slice(0, 2).map((m) => [...m.data]), [[0, 80, 0], [1, 80, 0]]);
    const data = Buffer.concat(r.messages.slice(2).filter((m) => m.data[0] === 0).map((m) => m.data.subarray(1))).toString();
    assert.match(data, /^HTTP\/1\.1 200 OK[\s\S]*backend saw \/pair$/);
    assert.equal(r.code, 1000);
  });
});

describe('pod streams without a node agent', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster();
    await createRunningPod(cluster, 'web-0', ['nginx']);
  });
  after(async () => { await cluster?.stop(); });

  it('answers 503 with a clear Status', async () => {
    for (const version of ['27', '33'] as const) {
      const k = cluster.kubectl(version);
      const expected = /Error from server \(ServiceUnavailable\): no node agent serves pod streams/;
      assert.match(fails(await k(['logs', 'web-0'])), expected);
      assert.match(fails(await k(['exec', 'web-0', '--', 'true'])), expected);
    }
  });
});
