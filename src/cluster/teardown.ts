// Stops every pod a real node left running in a data directory (pods outlive `berth up` on
// purpose: a restart re-adopts them) and unmounts what the node mounted under it (pod volumes,
// their loop devices, the pods directory's shared bind). Used by `berth reset` and the demo
// before the directory goes: removing it through a mount would reach into the mounted volume.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { openImages } from '../images/index.js';
import { linuxRuntime } from '../kubelet/index.js';
import { unmountAllUnder } from '../volumes/index.js';

export async function stopLeftoverPods(dataDir: string, log: (msg: string) => void = () => {}): Promise<number> {
  const stopped = existsSync(join(dataDir, 'runtime')) ? await stopPods(dataDir, log) : 0;
  // After the pods: their containers' mount namespaces no longer hold the volumes.
  const left = await unmountAllUnder(dataDir);
  if (left.length) throw new Error(`still mounted under ${dataDir}: ${left.join('; ')}`);
  return stopped;
}

async function stopPods(dataDir: string, log: (msg: string) => void): Promise<number> {
  const images = await openImages({ root: join(dataDir, 'images') });
  const runtime = linuxRuntime({ root: join(dataDir, 'runtime'), images });
  const sandboxes = await runtime.listPodSandboxes();
  for (const s of sandboxes) {
    for (const c of await runtime.listContainers({ sandboxId: s.id })) {
      if (c.state === 'running') await runtime.stopContainer(c.id, 5);
      await runtime.removeContainer(c.id);
    }
    await runtime.stopPodSandbox(s.id);
    await runtime.removePodSandbox(s.id);
    log(`stopped pod ${s.podNamespace}/${s.podName}`);
  }
  // The pod network's bridge goes too once no pod is attached (runtime default name).
  await promisify(execFile)('ip', ['link', 'delete', 'berth0', 'type', 'bridge']).catch(() => undefined);
  return sandboxes.length;
}
