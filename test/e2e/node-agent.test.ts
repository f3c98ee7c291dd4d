// The node agent on the sim runtime, driven by the real kubectl: registration, lease
// renewals, a pod through the kubelet status path to Running/Ready, kubelet events, and
// graceful deletion that the agent confirms.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Event, Node } from 'kubernetes-types/core/v1.js';
import { Events, Leases, Nodes, type KubeObject } from '../../src/core/index.js';
import type { TestCluster } from '../../src/testing/index.js';
import { eventually, ok, tableRows, writeManifest } from './helpers.js';
import { getPod, recordPod, startNodeCluster } from './node-support.js';

const NODE = 'berth-control-plane';

describe('node agent (sim runtime)', () => {
  let c: TestCluster;
  let k: ReturnType<TestCluster['kubectl']>;
  before(async () => {
    c = await startNodeCluster(1);
    k = c.kubectl('33');
  });
  after(async () => { await c?.stop(); });

  it('registers a Ready node with capacity, labels, conditions, addresses and node info', async () => {
    const node = await eventually(() => c.client.get<Node & KubeObject>(Nodes, { name: NODE }).catch(() => undefined), 'node');
    const rows = tableRows(ok(await k(['get', 'nodes', '-o', 'wide'])));
    assert.deepEqual(rows[0]!.slice(0, 5), ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    const row = Object.fromEntries(rows[0]!.map((h, i) => [h, rows[1]![i]]));
    assert.equal(row.NAME, NODE);
    assert.equal(row.STATUS, 'Ready');
    assert.equal(row.ROLES, 'control-plane');
    assert.equal(row.VERSION, 'v1.33.0-berth');
    assert.equal(row['INTERNAL-IP'], '172.18.0.2');
    assert.equal(row['CONTAINER-RUNTIME'], 'sim://0.1.0');

    const labels = node.metadata?.labels ?? {};
    assert.equal(labels['kubernetes.io/hostname'], NODE);
    assert.equal(labels['kubernetes.io/os'], 'linux');
    assert.ok(labels['kubernetes.io/arch']);
    assert.deepEqual(Object.keys(node.status?.capacity ?? {}).sort(), ['cpu', 'ephemeral-storage', 'memory', 'pods']);
    assert.deepEqual(node.status?.allocatable, node.status?.capacity);
    assert.deepEqual(node.status?.conditions?.map((x) => [x.type, x.status, x.reason]), [
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'], ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID'], ['Ready', 'True', 'KubeletReady'],
    ]);
    for (const cond of node.status?.conditions ?? []) assert.match(cond.lastHeartbeatTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(node.status?.addresses, [{ type: 'InternalIP', address: '172.18.0.2' }, { type: 'Hostname', address: NODE }]);
    assert.equal(node.status?.nodeInfo?.kubeletVersion, 'v1.33.0-berth');
    assert.equal(node.status?.nodeInfo?.operatingSystem, 'linux');
    assert.equal(node.status?.daemonEndpoints?.kubeletEndpoint?.Port, 10250);
    assert.deepEqual(node.spec?.podCIDRs, ['10.244.0.0/21']);
  });

  it('keeps its Lease in kube-node-lease renewed', async () => {
    const key = { namespace: 'kube-node-lease', name: NODE };
    const first = await eventually(() => c.client.get<Lease & KubeObject>(Leases, key).catch(() => undefined), 'lease');
    assert.equal(first.spec?.holderIdentity, NODE);
    assert.equal(first.spec?.leaseDurationSeconds, 40);
    assert.deepEqual(first.metadata?.ownerReferences?.map((r) => [r.kind, r.name]), [['Node', NODE]]);
    const renewed = await eventually(async () => {
      const l = await c.client.get<Lease & KubeObject>(Leases, key);
      return Date.parse(l.spec!.renewTime!) > Date.parse(first.spec!.renewTime!) ? l : undefined;
    }, 'a later renewTime');
    assert.match(renewed.spec!.renewTime!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.match(ok(await k(['get', 'lease', '-n', 'kube-node-lease'])), new RegExp(`^${NODE}\\s+${NODE}\\s`, 'm'));
  });

  it('takes a pod through Pending/ContainerCreating to Running and Ready', async () => {
    const rec = recordPod(c, 'web');
    await new Promise((r) => setTimeout(r, 50));
    const file = writeManifest(c.dir, 'web.yaml', `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
  - name: nginx
    image: nginx:1.9.1
    ports: [{containerPort: 80}]
    readinessProbe:
      tcpSocket: {port: 80}
`);
    assert.match(ok(await k(['apply', '-f', file])), /pod\/web created/);
    assert.match(ok(await k(['wait', '--for=condition=Ready', 'pod/web', '--timeout=30s'])), /pod\/web condition met/);

    const rows = tableRows(ok(await k(['get', 'pods', '-o', 'wide'])));
    const row = Object.fromEntries(rows[0]!.map((h, i) => [h, rows.find((r) => r[0] === 'web')![i]]));
    assert.equal(row.READY, '1/1');
    assert.equal(row.STATUS, 'Running');
    assert.match(row.IP!, /^10\.244\.0\.\d+$/);
    assert.equal(row.NODE, NODE);

    const creating = rec.states.find((p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ContainerCreating');
    assert.ok(creating, `a ContainerCreating state was reported: ${JSON.stringify(rec.states.map((p) => p.status?.phase))}`);
    assert.equal(creating!.status?.phase, 'Pending');
    assert.equal(creating!.status?.hostIP, '172.18.0.2');
    assert.ok(creating!.status?.startTime);
    rec.stop();

    const pod = await getPod(c, 'web');
    const st = pod.status!;
    assert.equal(st.phase, 'Running');
    assert.equal(st.podIP, row.IP);
    assert.deepEqual(st.podIPs, [{ ip: row.IP }]);
    assert.deepEqual(st.conditions?.map((x) => [x.type, x.status]), [
      ['PodReadyToStartContainers', 'True'], ['Initialized', 'True'], ['Ready', 'True'], ['ContainersReady', 'True'], ['PodScheduled', 'True'],
    ]);
    const cs = st.containerStatuses![0]!;
    assert.equal(cs.name, 'nginx');
    assert.equal(cs.image, 'docker.io/library/nginx:1.9.1');
    assert.match(cs.imageID, /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    assert.match(cs.containerID!, /^sim:\/\/[0-9a-f]{64}$/);
    assert.deepEqual([cs.ready, cs.started, cs.restartCount], [true, true, 0]);
    assert.ok(cs.state?.running?.startedAt);

    const events = await eventually(async () => {
      const list = await c.client.list<Event & KubeObject>(Events, { namespace: 'default', fieldSelector: 'involvedObject.name=web' });
      const reasons = list.items.map((e) => e.reason);
      return ['Scheduled', 'Pulled', 'Created', 'Started'].every((r) => reasons.includes(r)) ? list.items : undefined;
    }, 'kubelet events');
    const byReason = (r: string) => events.find((e) => e.reason === r)!;
    assert.equal(byReason('Pulled').message, 'Container image "nginx:1.9.1" already present on machine');
    assert.equal(byReason('Created').message, 'Created container: nginx');
    assert.equal(byReason('Started').message, 'Started container nginx');
    assert.deepEqual(byReason('Started').source, { component: 'kubelet', host: NODE });
    assert.equal(byReason('Started').involvedObject.fieldPath, 'spec.containers{nginx}');
    const described = ok(await k(['describe', 'pod', 'web']));
    assert.match(described, /Normal\s+Started\s+\S+\s+kubelet\s+Started container nginx/);
    assert.match(described, /Container ID:\s+sim:\/\//);
  });

  it('graceful deletion: kubectl delete waits until the agent stopped the pod and confirmed', async () => {
    const rec = recordPod(c, 'web');
    await new Promise((r) => setTimeout(r, 50));
    assert.match(ok(await k(['delete', 'pod', 'web'])), /pod "web" deleted/);
    const last = await rec.deleted;
    rec.stop();
    const marked = rec.states.find((p) => p.metadata?.deletionTimestamp);
    assert.equal(marked?.metadata?.deletionGracePeriodSeconds, 30, 'the API server set the grace period; the agent finished early');
    assert.equal(last.status?.phase, 'Succeeded', 'final status written before the object went');
    assert.equal(last.status?.containerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
    assert.equal(last.status?.conditions?.find((x) => x.type === 'Ready')?.status, 'False');
    const gone = await k(['get', 'pod', 'web']);
    assert.match(gone.stderr, /pods "web" not found/);
    const killing = await eventually(async () => {
      const list = await c.client.list<Event & KubeObject>(Events, { namespace: 'default', fieldSelector: 'involvedObject.name=web,reason=Killing' });
      return list.items[0];
    }, 'Killing event');
    assert.equal(killing.message, 'Stopping container nginx');
  });
});
