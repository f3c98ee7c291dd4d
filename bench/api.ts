// API server throughput: GET and create of ConfigMaps over HTTPS with keep-alive, beside a bare
// node:https server answering the same payloads with the same certificate (the baseline).
// Prints figures and ratios; never asserts on time.
import { Agent, createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { startTestCluster } from '../src/testing/index.js';

const CONCURRENCY = 16;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4000);

function fire(agent: Agent, port: number, ca: string, token: string, method: string, path: string, body?: (i: number) => string) {
  let next = 0;
  const worker = async () => {
    while (next < REQUESTS) {
      const i = next++;
      const data = body?.(i);
      await new Promise<void>((resolve, reject) => {
        const req = request({
          host: '127.0.0.1', port, method, path, agent, ca,
          headers: { Authorization: `Bearer ${token}`, ...(data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {}) },
        }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode! < 300 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end(data);
      });
    }
  };
  const t = performance.now();
  return Promise.all(Array.from({ length: CONCURRENCY }, worker)).then(() => REQUESTS / ((performance.now() - t) / 1000));
}

const cluster = await startTestCluster({ storeUrl: 'sqlite://:memory:' });
try {
  const ca = cluster.credentials.ca.certPem;
  const token = cluster.credentials.adminToken;
  const port = Number(new URL(cluster.server).port);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY, ca });
  const cm = (i: number) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `bench-${i}`, labels: { app: 'bench' } }, data: { key: 'x'.repeat(200) } });

  // Baseline: bare node:https, same TLS material, canned JSON of the same size.
  const sample = JSON.stringify({ ...JSON.parse(cm(0)), metadata: { name: 'bench-0', namespace: 'default', uid: '00000000-0000-0000-0000-000000000000', resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' } });
  const bare = createServer({ cert: cluster.credentials.serving.certPem, key: cluster.credentials.serving.keyPem }, (req, res) => {
    req.resume();
    req.on('end', () => { res.writeHead(req.method === 'POST' ? 201 : 200, { 'Content-Type': 'application/json' }); res.end(sample); });
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const barePort = (bare.address() as AddressInfo).port;
  const bareAgent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY, ca });

  await fire(bareAgent, barePort, ca, token, 'GET', '/x'); // warm-up
  const bareGet = await fire(bareAgent, barePort, ca, token, 'GET', '/x');
  const barePost = await fire(bareAgent, barePort, ca, token, 'POST', '/x', cm);
  const create = await fire(agent, port, ca, token, 'POST', '/api/v1/namespaces/default/configmaps', cm);
  const get = await fire(agent, port, ca, token, 'GET', '/api/v1/namespaces/default/configmaps/bench-7');
  console.log(`API GET     ${get.toFixed(0).padStart(7)} req/s   bare node:https ${bareGet.toFixed(0).padStart(7)} req/s   ratio ${(100 * get / bareGet).toFixed(1)}% (target >= 30%)`);
  console.log(`API create  ${create.toFixed(0).padStart(7)} req/s   bare node:https ${barePost.toFixed(0).padStart(7)} req/s   ratio ${(100 * create / barePost).toFixed(1)}%`);
  agent.destroy();
  bareAgent.destroy();
  bare.close();
} finally {
  await cluster.stop();
}
