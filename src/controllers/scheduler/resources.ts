// Resource arithmetic of the scheduler (upstream component-helpers resource.PodRequests and
// the scheduler's NodeInfo.Resource), in integer units: milli-CPU, bytes, pods, and scalar
// (extended) resources in their own units.
//
// - A pod's request is max(sum of app containers + sidecars, the largest init-phase step)
//   plus spec.overhead; a step of a plain init container runs beside the sidecars started
//   before it.
// - For scoring only, containers without a cpu/memory request count 100m / 200Mi (upstream's
//   non-zero defaults), so empty pods still spread.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { tryParseQuantity } from '../../core/index.js';

export interface Resources {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  pods: number;
  scalar: Map<string, number>;
}

export const DEFAULT_MILLI_CPU = 100;
export const DEFAULT_MEMORY = 200 * 1024 * 1024;

export const emptyResources = (): Resources => ({ milliCPU: 0, memory: 0, ephemeralStorage: 0, pods: 0, scalar: new Map() });

type List = Readonly<Record<string, unknown>> | undefined;

/** Scalar resources the scheduler checks: extended (domain-qualified) and hugepages. */
const isScalar = (name: string) => name.startsWith('hugepages-') || (name.includes('/') && !name.startsWith('kubernetes.io/'));

/** Adds a ResourceList in (factor -1 subtracts). */
export function addList(into: Resources, list: List, factor = 1): void {
  for (const [name, raw] of Object.entries(list ?? {})) {
    const q = tryParseQuantity(raw);
    if (!q) continue;
    switch (name) {
      case 'cpu': into.milliCPU += factor * Number(q.milliValue()); break;
      case 'memory': into.memory += factor * Number(q.value()); break;
      case 'ephemeral-storage': into.ephemeralStorage += factor * Number(q.value()); break;
      case 'pods': into.pods += factor * Number(q.value()); break;
      default:
        if (isScalar(name)) into.scalar.set(name, (into.scalar.get(name) ?? 0) + factor * Number(q.value()));
    }
  }
}

export function addResources(into: Resources, r: Resources, factor = 1): void {
  into.milliCPU += factor * r.milliCPU;
  into.memory += factor * r.memory;
  into.ephemeralStorage += factor * r.ephemeralStorage;
  into.pods += factor * r.pods;
  for (const [k, v] of r.scalar) into.scalar.set(k, (into.scalar.get(k) ?? 0) + factor * v);
}

function maxInto(into: Resources, r: Resources): void {
  into.milliCPU = Math.max(into.milliCPU, r.milliCPU);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  for (const [k, v] of r.scalar) into.scalar.set(k, Math.max(into.scalar.get(k) ?? 0, v));
}

function containerRequests(c: Container, nonZero: boolean): Resources {
  const r = emptyResources();
  const requests = c.resources?.requests as List;
  addList(r, requests);
  if (nonZero) {
    if (requests?.cpu === undefined) r.milliCPU = DEFAULT_MILLI_CPU;
    if (requests?.memory === undefined) r.memory = DEFAULT_MEMORY;
  }
  return r;
}

/** What the pod asks of a node; nonZero applies the scoring defaults. */
export function podRequests(pod: Pod, nonZero = false): Resources {
  const spec = pod.spec;
  const total = emptyResources();
  for (const c of spec?.containers ?? []) addResources(total, containerRequests(c, nonZero));
  const sidecars = emptyResources();
  const initMax = emptyResources();
  for (const c of spec?.initContainers ?? []) {
    const req = containerRequests(c, nonZero);
    if (c.restartPolicy === 'Always') {
      addResources(total, req);
      addResources(sidecars, req);
      maxInto(initMax, sidecars);
    } else {
      const step = emptyResources();
      addResources(step, req);
      addResources(step, sidecars);
      maxInto(initMax, step);
    }
  }
  maxInto(total, initMax);
  addList(total, spec?.overhead as List);
  return total;
}

export function nodeAllocatable(allocatable: List): Resources {
  const r = emptyResources();
  addList(r, allocatable);
  return r;
}
