// kubectl attach and `kubectl run -it --rm` against real containers on the linux runtime,
// with the oldest kubectl we ship (SPDY/3.1) and the newest (WebSocket v5): piped stdin reaches
// the container's process and its answer comes back; an interactive shell on a real terminal
// (`script` gives kubectl one) answers, exits with a code kubectl reports, and --rm deletes the
// pod. Streams go through src/cluster's localPodStreams, as in `berth up`. Needs root; skipped
// otherwise.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { localPodStreams } from '../../src/cluster/index.js';
import { isNotFound, Pods } from '../../src/core/index.js';
import { nodeAgent } from '../../src/kubelet/index.js';
import { KUBECTL_VERSIONS, kubectlEnv, kubectlPath, startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { eventually } from '../e2e/helpers.js';
import { FAST, getPod, pod, podPhase, schedulerManager } from '../e2e/node-support.js';
import { fixture, skipReason, teardown, type Fixture } from './helpers.js';

const skip = await skipReason();
if (skip) console.log(`# SKIP ${skip}`);

const versions = [KUBECTL_VERSIONS[0]!, KUBECTL_VERSIONS[KUBECTL_VERSIONS.length - 1]!];

describe('kubectl attach and run -it on the linux runtime', { skip }, () => {
  let c: TestCluster;
  let f: Fixture;
  const ac = new AbortController();
  let running: Promise<void> | undefined;
  before(async () => {
    f = await fixture('atk', 213);
    const streams = localPodStreams((n) => (n === 'berth-control-plane' ? f.runtime : undefined));
    c = await startTestCluster({ components: [schedulerManager()], podStreams: streams });
    running = nodeAgent({ nodeName: 'berth-control-plane', runtime: f.runtime, podCIDR: f.cidr, ...FAST }).run(c.client, ac.signal);
  });
  after(async () => {
    ac.abort();
    await running;
    await c?.stop();
    if (f) assert.deepEqual(await teardown(f), [], 'nothing of the runtime is left behind');
  });

  for (const version of versions) {
    it(`kubectl 1.${version} attach -i: piped stdin reaches the process, its output comes back`, async () => {
      const name = `reader-${version}`;
      await c.client.create(Pods, pod(name, {
        restartPolicy: 'Never', terminationGracePeriodSeconds: 0,
        containers: [{ name: 'app', image: 'busybox:test', stdin: true, stdinOnce: true, command: ['sh', '-c', 'read x; echo "got $x"; echo "to stderr" >&2'] }],
      }));
      await podPhase(c, name, 'Running');
      const r = await c.kubectl(version)(['attach', '-i', name, '-c', 'app'], { input: 'hello\n' });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /got hello/);
      assert.match(r.stderr, /to stderr/);
      await podPhase(c, name, 'Succeeded');
      await c.client.delete(Pods, { namespace: 'default', name }, { gracePeriodSeconds: 0 });
    });

    it(`kubectl 1.${version} run -it --rm: an interactive shell, its exit code, the pod removed`, async () => {
      const name = `shell-${version}`;
      const cmd = `stty cols 90 rows 25; ${kubectlPath(version)} run -it --rm --restart=Never --image=busybox:test ${name} -- sh`;
      const child = spawn('script', ['-qec', cmd, '/dev/null'], { env: kubectlEnv({ kubeconfig: c.kubeconfig, home: c.dir }) });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
      await podPhase(c, name, 'Running');
      // The shell's first prompt may come before kubectl attached: keep asking until it answers.
      await eventually(async () => {
        child.stdin.write('echo "sum=$((40+2)) $(stty size)"\n');
        await new Promise((r) => setTimeout(r, 200));
        return /sum=42 25 90/.test(out);
      }, `the shell answers: ${out}`);
      child.stdin.write('exit 3\n');
      const code = await closed;
      assert.equal(code, 3, out);
      assert.match(out, new RegExp(`pod default/${name} terminated \\(Error\\)`));
      await eventually(async () => {
        try { await getPod(c, name); return false; } catch (e) { return isNotFound(e); }
      }, `${name} removed by --rm`);
    });
  }
});
