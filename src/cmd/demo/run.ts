// `berth demo`: the seed walkthrough on a fresh cluster, narrated as the seed does. A pod's data
// lives in its claim's volume, so a recreated pod gets its own data back.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  controllerManager, linuxNodeSet, localPodStreams, simNodeSet, startCluster, stopLeftoverPods, writeKubeconfig,
  type NodeSet, type RunningCluster,
} from '../../cluster/index.js';
import { execInPod } from '../../client/index.js';
import { PersistentVolumeClaims, PersistentVolumes, Pods, Services, StatefulSets, type KubeObject } from '../../core/index.js';
import { silentLogger } from '../../controller-runtime/index.js';
import { formatPreflight, preflight } from '../../kubelet/index.js';
import { ensureSeedImage } from './image.js';
import { formatTable, getTable, type Conn } from './table.js';
import { examplesDir, step, say, waitFor } from './util.js';

export interface DemoOptions { dataDir?: string; keep?: boolean; runtime?: string; pull?: boolean; listen?: string }

export async function demo(opts: DemoOptions): Promise<number> {
  const ownDir = !opts.dataDir;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'berth-demo-'));
  let runtime = opts.runtime ?? 'linux';
  if (runtime === 'linux') {
    const problems = await preflight();
    if (problems.length) {
      say(`The linux runtime cannot run pods here:\n${formatPreflight(problems)}`);
      say('Continuing with simulated pods (--runtime sim): identity and storage work, but no process runs, so nothing can be written into a volume.');
      runtime = 'sim';
    }
  }
  let cluster: RunningCluster | undefined;
  let failed = false;
  try {
    if (runtime === 'linux') await ensureSeedImage(dataDir, { pull: !!opts.pull, say });
    const nodes: NodeSet = runtime === 'linux' ? await linuxNodeSet(dataDir, { logger: silentLogger }) : simNodeSet(1, { logger: silentLogger });
    step('Starting Berth: API server, controllers and a node, state under ' + dataDir);
    const [host, port] = (opts.listen ?? '127.0.0.1:0').split(':');
    cluster = await startCluster({
      storeUrl: `sqlite://${join(dataDir, 'state.db')}`, pkiDir: join(dataDir, 'pki'), host, port: Number(port),
      components: [controllerManager({ localPathRoot: join(dataDir, 'volumes'), immediateNode: nodes.names[0], logger: silentLogger }), ...nodes.components],
      podStreams: localPodStreams((n) => nodes.runtimeOf(n)),
    });
    const kubeconfig = join(dataDir, 'kubeconfig');
    writeKubeconfig(kubeconfig, { name: 'berth', server: cluster.server, caPem: cluster.credentials.ca.certPem, token: cluster.credentials.adminToken });
    const conn: Conn = { server: cluster.server, token: cluster.credentials.adminToken, ca: cluster.credentials.ca.certPem };
    const client = cluster.client;
    const show = async (cmd: string, path: string) => { say(`$ ${cmd}`); say(formatTable(await getTable(conn, path))); };

    step('Create the seed\'s StatefulSet (statefulset.yaml) and the headless Service "nginx" it names');
    for (const file of ['service.yaml', 'statefulset.yaml']) {
      for (const doc of parseAllDocuments(readFileSync(join(examplesDir(), 'seed', file), 'utf8'))) {
        const obj = doc.toJS() as KubeObject;
        await client.create(obj.kind === 'Service' ? Services : StatefulSets, { ...obj, metadata: { ...obj.metadata, namespace: 'default' } });
      }
    }
    say('$ kubectl apply -f service.yaml -f statefulset.yaml\nservice/nginx created\nstatefulset.apps/web created');
    say('The controller creates web-0, waits until it is Running and Ready, then creates web-1 (OrderedReady).');
    say('Each pod gets its own claim from volumeClaimTemplates: www-web-0, www-web-1.');
    await waitFor(async () => (((await client.get(StatefulSets, { namespace: 'default', name: 'web' })).status as { readyReplicas?: number })?.readyReplicas ?? 0) >= 2, 'both pods Ready', 180_000);
    await show('kubectl get pods -l app=nginx -o wide', '/api/v1/namespaces/default/pods?labelSelector=app%3Dnginx');
    await show('kubectl get pvc -l app=nginx', '/api/v1/namespaces/default/persistentvolumeclaims?labelSelector=app%3Dnginx');

    if (runtime !== 'linux') {
      say('\n(Simulated pods run no processes: the exec steps of the walkthrough need --runtime linux.)');
    } else {
      const exec = (pod: string, cmd: string[]) => execInPod(conn, 'default', pod, cmd);
      step('Write "hello $(hostname)" into each pod\'s volume');
      for (const i of [0, 1]) {
        const cmd = ['sh', '-c', 'echo hello $(hostname) > /usr/share/nginx/html/index.html'];
        say(`$ kubectl exec web-${i} -- sh -c 'echo hello $(hostname) > /usr/share/nginx/html/index.html'`);
        const r = await exec(`web-${i}`, cmd);
        if (r.exitCode !== 0) throw new Error(`exec into web-${i} failed (${r.exitCode}): ${r.stderr}`);
      }
      for (const i of [0, 1]) {
        say(`$ kubectl exec web-${i} -- curl -s localhost`);
        say((await exec(`web-${i}`, ['curl', '-s', 'localhost'])).stdout.trimEnd());
      }
      const before = new Map((await client.list(Pods, { namespace: 'default', labelSelector: 'app=nginx' })).items.map((p) => [p.metadata!.name!, p.metadata!.uid!]));
      step('Delete both pods; the StatefulSet recreates them with the same names and the same claims');
      say('$ kubectl delete pod -l app=nginx');
      for (const name of before.keys()) {
        await client.delete(Pods, { namespace: 'default', name });
        say(`pod "${name}" deleted`);
      }
      await waitFor(async () => {
        const pods = (await client.list(Pods, { namespace: 'default', labelSelector: 'app=nginx' })).items;
        return pods.length === 2 && pods.every((p) => before.get(p.metadata!.name!) !== p.metadata!.uid
          && (p.status as { conditions?: { type: string; status: string }[] })?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      }, 'the recreated pods to be Ready', 180_000);
      await show('kubectl get pods -l app=nginx', '/api/v1/namespaces/default/pods?labelSelector=app%3Dnginx');
      say('$ kubectl exec -it web-0 -- curl localhost');
      const again = (await exec('web-0', ['curl', '-s', 'localhost'])).stdout.trimEnd();
      say(again);
      if (again !== 'hello web-0') { failed = true; say(`expected "hello web-0", got "${again}"`); } else {
        say('The new web-0 found the file its predecessor wrote: the claim www-web-0 and its volume came back with it.');
      }
      step('Stable network identity: the headless Service gives each pod a DNS name that follows it');
      say('$ kubectl exec web-1 -- curl -s web-0.nginx');
      const byName = await exec('web-1', ['curl', '-s', '-m', '10', 'web-0.nginx']);
      say(byName.stdout.trimEnd() || byName.stderr.trimEnd());
      if (byName.stdout.trimEnd() !== 'hello web-0') { failed = true; say(`expected "hello web-0" from web-0.nginx (exit ${byName.exitCode})`); } else {
        say('web-0.nginx.default.svc.cluster.local resolves to the new web-0\'s address (cluster DNS at 10.96.0.10).');
      }
    }

    step('Where the data lives');
    for (const claim of (await client.list(PersistentVolumeClaims, { namespace: 'default', labelSelector: 'app=nginx' })).items) {
      const pvName = (claim.spec as { volumeName?: string }).volumeName ?? '';
      const pv = await client.get(PersistentVolumes, { name: pvName });
      const path = (pv.spec as { local?: { path?: string } }).local?.path ?? '';
      let content = '';
      try { content = readFileSync(join(path, 'index.html'), 'utf8').trimEnd(); } catch { content = '(empty)'; }
      say(`claim ${claim.metadata?.name} → PV ${pvName} → directory ${path}  index.html: ${content}`);
    }
    if (opts.keep) {
      step('The cluster keeps running (--keep). In another terminal:');
      say(`export KUBECONFIG=${kubeconfig}\nkubectl get sts,pods,pvc,pv\nPress Ctrl-C here to stop it.`);
      await new Promise<void>((resolve) => { process.once('SIGINT', () => resolve()); process.once('SIGTERM', () => resolve()); });
    }
    return failed ? 1 : 0;
  } finally {
    await cluster?.stop();
    if (!opts.keep) {
      await stopLeftoverPods(dataDir);
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    }
  }
}
