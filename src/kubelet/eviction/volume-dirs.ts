// Where each pod's volumes are on this node, learnt from the volume manager itself: the
// PodVolumes seam returns the host directory of every volume at setUp (which each pod sync
// calls, so a restarted agent knows them again after one sync) and forgets a pod at tearDown.
// The eviction manager measures emptyDirs there without knowing the volume manager's layout.
import type { PodVolumes } from '../pods/context.js';

export interface TrackedVolumes {
  /** The volume manager, unchanged except that it is watched. */
  readonly volumes: PodVolumes;
  /** Host directory per volume name of a pod that is set up, if any. */
  dirsOf(podUid: string): ReadonlyMap<string, string> | undefined;
}

export function trackVolumeDirs(inner: PodVolumes): TrackedVolumes {
  const dirs = new Map<string, ReadonlyMap<string, string>>();
  return {
    volumes: {
      async setUp(pod, signal) {
        const out = await inner.setUp(pod, signal);
        const uid = pod.metadata?.uid;
        if (uid) dirs.set(uid, out);
        return out;
      },
      async tearDown(podUid) {
        // Forgotten first: nothing may measure a directory while it is being removed.
        dirs.delete(podUid);
        await inner.tearDown(podUid);
      },
    },
    dirsOf: (podUid) => dirs.get(podUid),
  };
}
