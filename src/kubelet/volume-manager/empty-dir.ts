// emptyDir with `medium: Memory`: a tmpfs whose size is what upstream's emptyDir plugin gives it
// (SizeMemoryBackedVolumes, GA): the node's allocatable memory, lowered to the pod's memory
// limit when every container declares one, lowered to `sizeLimit` when that is smaller still.
import type { Container, Pod, Volume } from 'kubernetes-types/core/v1.js';
import { tryParseQuantity } from '../../core/index.js';

const memoryLimit = (c: Container): bigint | undefined => {
  const q = tryParseQuantity((c.resources?.limits as Record<string, string> | undefined)?.memory);
  return q && q.sign() > 0 ? q.value() : undefined;
};

/** The pod's memory limit (upstream PodLimits), or undefined when some container has none. */
export function podMemoryLimit(pod: Pod): bigint | undefined {
  let sum = 0n;
  for (const c of pod.spec?.containers ?? []) {
    const l = memoryLimit(c);
    if (l === undefined) return undefined;
    sum += l;
  }
  // Init containers run one at a time: the pod needs the largest of them, if that is more.
  for (const c of pod.spec?.initContainers ?? []) {
    const l = memoryLimit(c);
    if (l !== undefined && l > sum) sum = l;
  }
  return sum > 0n ? sum : undefined;
}

/** Bytes of the tmpfs behind a Memory-medium emptyDir. */
export function memoryVolumeBytes(pod: Pod, volume: Volume, nodeAllocatable: bigint): bigint {
  let size = nodeAllocatable;
  const podLimit = podMemoryLimit(pod);
  if (podLimit !== undefined && podLimit <= size) size = podLimit;
  const q = tryParseQuantity(volume.emptyDir?.sizeLimit);
  if (q && q.sign() > 0 && q.value() <= size) size = q.value();
  return size;
}
