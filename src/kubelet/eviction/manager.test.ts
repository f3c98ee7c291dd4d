// The eviction manager's pass over real directories: who is evicted, with which event and kill request.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { silentLogger, realClock } from '../../controller-runtime/index.js';
import type { EventRecorder } from '../events.js';
import type { PodObject } from '../pods/context.js';
import { PodKills } from '../pods/kill.js';
import { EvictionManager } from './manager.js';

let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'berth-evict-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

function cachePod(name: string, extra: Partial<Pod['spec']> = {}, status?: Pod['status'], deleting = false): PodObject {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, ...(deleting ? { deletionTimestamp: '2030-01-01T00:00:00Z' } : {}) },
    spec: { containers: [{ name: 'app', image: 'busybox' }], volumes: [{ name: 'cache', emptyDir: { sizeLimit: '1Mi' } }], ...extra } as Pod['spec'],
    status: status ?? { phase: 'Running' },
  };
}

test('pods over an emptyDir sizeLimit get an Evicted event and a kill request; the others are left alone', async () => {
  const pods = [
    cachePod('big'), cachePod('small'), cachePod('critical', { priority: 2_000_000_000 }),
    cachePod('done', {}, { phase: 'Failed' }), cachePod('leaving', {}, undefined, true),
  ];
  const dirs = new Map<string, string>();
  for (const p of pods) {
    const d = join(dir, p.metadata!.name!);
    await mkdir(d);
    await writeFile(join(d, 'data'), Buffer.alloc(p.metadata!.name === 'small' ? 512 * 1024 : 2 * 1024 * 1024, 1));
    dirs.set(p.metadata!.uid!, d);
  }
  const recorded: Array<[string | undefined, string, string, string]> = [];
  const events: EventRecorder = { event: (o, type, reason, message) => { recorded.push([o.metadata?.name, type, reason, message]); }, flush: async () => {} };
  const kills = new PodKills();
  const manager = new EvictionManager({
    podDiskUsage: async () => ({ containers: [], etcHostsBytes: 0 }), pods: () => pods,
    volumeDirs: (uid) => new Map([['cache', dirs.get(uid)!]]), kills, events, clock: realClock, logger: silentLogger,
  });
  const under = await manager.synchronize();
  assert.equal(under.length, 1);
  const message = 'Usage of EmptyDir volume "cache" exceeds the limit "1Mi". ';
  assert.deepEqual(recorded, [['big', 'Warning', 'Evicted', message]]);
  assert.deepEqual(kills.get('uid-big'), { request: { gracePeriodSeconds: 1, reason: 'Evicted', message }, terminated: false });
  for (const other of ['small', 'critical', 'done', 'leaving']) assert.equal(kills.get(`uid-${other}`), undefined, other);

  assert.deepEqual(await manager.synchronize(), [], 'a pod being killed is not evicted twice');
  assert.equal(recorded.length, 1);
  kills.terminated('uid-big');
  await under[0];
});
