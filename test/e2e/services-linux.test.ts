// Services and DNS on real pods, through `berth up` and the real kubectl: the seed's headless
// Service gives web-0 a name that follows it across recreation, a ClusterIP Service spreads
// requests over ready pods and drops a pod whose readiness probe fails, NodePort answers on the
// host, and a pod reaches itself through its own Service.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { preflight } from '../../src/kubelet/index.js';
import { kubectl, runProcess, type Kubectl } from '../../src/testing/index.js';
import { BERTH, berthStop, berthUp, loadSeedImage, type BerthUp } from './berth-process.js';
import { eventually, ok, writeManifest } from './helpers.js';

const SEED_EXAMPLES = join(import.meta.dirname, '..', '..', 'examples', 'seed');

const readyPod = (name: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: { app: echo }
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: nginx
    image: nginx:1.9.1
    ports: [{ name: http, containerPort: 80 }]
    readinessProbe:
      exec: { command: [cat, /usr/share/nginx/html/ready] }
      periodSeconds: 1
      failureThreshold: 1
`;

const services = `apiVersion: v1
kind: Service
metadata: { name: echo }
spec:
  selector: { app: echo }
  ports: [{ name: http, port: 8080, targetPort: http }]
---
apiVersion: v1
kind: Service
metadata: { name: echo-np }
spec:
  type: NodePort
  selector: { app: echo }
  ports: [{ port: 80, targetPort: 80 }]
`;

describe('Services and cluster DNS on the linux runtime', async () => {
  const skip = (await preflight()).length ? 'needs root and the runtime packages' : false;
  const dir = mkdtempSync(join(tmpdir(), 'berth-svc-'));
  const data = join(dir, 'data');
  let berth: BerthUp | undefined;
  let k: Kubectl;
  const text = async (args: string[]) => ok(await k(args), args.join(' ')).trim();

  before(async () => {
    if (skip) return;
    await loadSeedImage(join(dir, 'demo.tar'), data);
    berth = await berthUp(data, 'linux');
    k = kubectl('33', { kubeconfig: berth.kubeconfig, home: dir });
  });

  after(async () => {
    if (berth) await berthStop(berth.child);
    if (!skip) {
      const reset = await runProcess(BERTH, ['reset', '--data-dir', data, '--yes']);
      assert.equal(reset.code, 0, reset.stdout + reset.stderr);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('kube-dns is the cluster DNS Service at 10.96.0.10 and pods use it', { skip }, async () => {
    assert.equal(await text(['get', 'svc', '-n', 'kube-system', 'kube-dns', '-o', 'jsonpath={.spec.clusterIP}']), '10.96.0.10');
    ok(await k(['apply', '-f', join(SEED_EXAMPLES, 'service.yaml'), '-f', join(SEED_EXAMPLES, 'statefulset.yaml')]));
    await eventually(async () => (await k(['get', 'sts', 'web', '-o', 'jsonpath={.status.readyReplicas}'])).stdout === '2', 'web 2/2', 120_000);
    const resolv = await text(['exec', 'web-1', '--', 'cat', '/etc/resolv.conf']);
    assert.match(resolv, /^nameserver 10\.96\.0\.10$/m);
    assert.match(resolv, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local$/m);
  });

  it('web-0.nginx reaches web-0 from web-1, also after web-0 is recreated', { skip }, async () => {
    for (const i of [0, 1]) ok(await k(['exec', `web-${i}`, '--', 'sh', '-c', 'echo hello $(hostname) > /usr/share/nginx/html/index.html']));
    // kubectl 1.27 execs over SPDY, 1.33 over WebSocket: the seed's command works with both.
    const k27 = kubectl('27', { kubeconfig: berth!.kubeconfig, home: dir });
    assert.equal(ok(await k27(['exec', 'web-1', '--', 'curl', '-s', '-m', '5', 'web-0.nginx'])).trim(), 'hello web-0');
    const curlWeb0 = async () => {
      const out = await text(['exec', 'web-1', '--', 'curl', '-s', '-m', '5', '-w', '\\n%{remote_ip}', 'web-0.nginx']);
      const lines = out.split('\n');
      return { body: lines[0], ip: lines[lines.length - 1] };
    };
    const first = await curlWeb0();
    assert.equal(first.body, 'hello web-0');
    assert.equal(first.ip, await text(['get', 'pod', 'web-0', '-o', 'jsonpath={.status.podIP}']));
    // Hold web-0's address so the recreated pod must get another one.
    const uid = await text(['get', 'pod', 'web-0', '-o', 'jsonpath={.metadata.uid}']);
    writeManifest(dir, 'holder.yaml', readyPod('holder').replace('app: echo', 'app: holder'));
    ok(await k(['delete', 'pod', 'web-0']));
    ok(await k(['apply', '-f', join(dir, 'holder.yaml')]));
    await eventually(async () => {
      const r = await k(['get', 'pod', 'web-0', '-o', 'jsonpath={.metadata.uid} {.status.conditions[?(@.type=="Ready")].status}']);
      return r.code === 0 && !r.stdout.startsWith(uid) && r.stdout.endsWith('True');
    }, 'web-0 recreated and Ready', 120_000);
    const newIp = await text(['get', 'pod', 'web-0', '-o', 'jsonpath={.status.podIP}']);
    const again = await eventually(async () => { const r = await curlWeb0(); return r.ip === newIp && r; }, 'web-0.nginx to follow the new pod', 30_000);
    assert.equal(again.body, 'hello web-0', 'the claim came back with the pod');
    ok(await k(['delete', 'pod', 'holder', '--wait=false']));
  });

  it('a ClusterIP Service spreads over ready pods and stops at one that fails its readiness probe', { skip }, async () => {
    for (const name of ['echo-a', 'echo-b']) writeManifest(dir, `${name}.yaml`, readyPod(name));
    ok(await k(['apply', '-f', join(dir, 'echo-a.yaml'), '-f', join(dir, 'echo-b.yaml'), '-f', writeManifest(dir, 'svc.yaml', services)]));
    await eventually(async () => (await k(['get', 'pod', 'echo-a', 'echo-b', '-o', 'jsonpath={.items[*].status.phase}'])).stdout === 'Running Running', 'echo pods running', 120_000);
    for (const name of ['echo-a', 'echo-b']) {
      ok(await k(['exec', name, '--', 'sh', '-c', `echo ${name} > /usr/share/nginx/html/index.html && touch /usr/share/nginx/html/ready`]));
    }
    const clusterIP = await text(['get', 'svc', 'echo', '-o', 'jsonpath={.spec.clusterIP}']);
    // From the host and from a pod (web-1), by address and by name.
    const hits = async (n: number): Promise<Map<string, number>> => {
      const seen = new Map<string, number>();
      for (let i = 0; i < n; i++) {
        const r = i % 2 ? await runProcess('curl', ['-s', '-m', '3', `http://${clusterIP}:8080/`]) : await k(['exec', 'web-1', '--', 'curl', '-s', '-m', '3', 'echo:8080']);
        const who = r.code === 0 ? r.stdout.trim() : `error ${r.code}`;
        seen.set(who, (seen.get(who) ?? 0) + 1);
      }
      return seen;
    };
    // Once both endpoints are programmed, every request is answered by one of the two.
    const both = await eventually(async () => { const s = await hits(24); return s.size === 2 && s.has('echo-a') && s.has('echo-b') && s; }, 'both pods to answer every request', 60_000);
    assert.equal((both.get('echo-a') ?? 0) + (both.get('echo-b') ?? 0), 24);

    ok(await k(['exec', 'echo-b', '--', 'rm', '/usr/share/nginx/html/ready']));
    await eventually(async () => (await k(['get', 'pod', 'echo-b', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])).stdout === 'False', 'echo-b not ready', 30_000);
    await eventually(async () => {
      const r = await k(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=echo', '-o', 'jsonpath={.items[*].endpoints[?(@.conditions.ready==false)].targetRef.name}']);
      return r.stdout.trim() === 'echo-b';
    }, 'the slice to mark echo-b not ready', 30_000);
    const onlyA = await eventually(async () => { const s = await hits(20); return s.size === 1 && s.has('echo-a') && s; }, 'traffic to leave echo-b', 30_000);
    assert.equal(onlyA.get('echo-a'), 20);
  });

  it('NodePort answers on the host, and a pod reaches itself through its Service', { skip }, async () => {
    const nodePort = await text(['get', 'svc', 'echo-np', '-o', 'jsonpath={.spec.ports[0].nodePort}']);
    assert.match(nodePort, /^3\d{4}$/);
    const r = await eventually(async () => { const c = await runProcess('curl', ['-s', '-m', '3', `http://127.0.0.1:${nodePort}/`]); return c.code === 0 && c; }, 'the NodePort', 30_000);
    assert.equal(r.stdout.trim(), 'echo-a', 'only the ready pod serves');
    // echo-a is the only ready endpoint: through the Service it talks to itself (hairpin).
    assert.equal(await text(['exec', 'echo-a', '--', 'curl', '-s', '-m', '5', 'echo:8080']), 'echo-a');
  });
});
