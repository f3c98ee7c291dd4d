// Differential check of recordUpdate (managedFields on creates and updates) against the frozen
// copy of the implementation in ./v0 (as it was before the write path was made cheaper): seeded
// histories of creates, main-resource and status updates of several kinds, by many managers,
// with echoed, absent, reset, reordered, invalid and apply-created managedFields, and > 10
// update managers. Each step runs both implementations on equal inputs and compares the
// resulting objects as the registry would store them (JSON text, key order included).
// The new implementation sees `live` deep-frozen and, at times, the same frozen object twice,
// as the registry's cache of decoded objects hands it over.
// By hand: node --import tsx src/apiserver/patch/testdata/differential.ts [cases] [seed]
import { ConfigMaps, PersistentVolumeClaims, PersistentVolumes, Pods, StatefulSets, type KubeObject, type ResourceType } from '../../../core/index.js';
import { recordUpdate, type FieldManagerScope } from '../field-manager.js';
import { kindNode } from '../schema-model.js';
import { recordUpdate as recordUpdateV0 } from './v0/field-manager.js';

type Any = Record<string, any>;

/** mulberry32: small, seeded, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  constructor(readonly next: () => number) {}
  int(n: number): number { return Math.floor(this.next() * n); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]; }
  some<T>(xs: readonly T[], max = xs.length): T[] {
    const out: T[] = [];
    for (const x of xs) if (out.length < max && this.chance(0.4)) out.push(x);
    return out;
  }
  /** Usually a value; now and then an empty collection, null or nothing, as clients send them. */
  maybe<T>(make: () => T): T | undefined | null | Record<string, never> | never[] {
    const r = this.next();
    if (r < 0.04) return null;
    if (r < 0.08) return undefined;
    return make();
  }
}

const LABEL_KEYS = ['app', 'tier', 'release', 'team', 'example.com/zone', 'constructor'];
const ANNOTATIONS = ['pv.kubernetes.io/bind-completed', 'pv.kubernetes.io/bound-by-controller', 'volume.kubernetes.io/storage-provisioner', 'note'];
const MANAGERS = ['kubectl-create', 'kubectl-edit', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'berth', 'helm', 'argocd',
  'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', ''];
const IMAGES = ['nginx', 'nginx:1.27', 'busybox', 'registry.example/app@sha256:abc'];

function map(g: Gen, keys: readonly string[], value: () => unknown): Any {
  const out: Any = {};
  for (const k of g.some(keys)) out[k] = value();
  return out;
}

function meta(g: Gen, namespaced: boolean): Any {
  const m: Any = { name: `obj-${g.int(5)}` };
  if (namespaced) m.namespace = g.pick(['default', 'web']);
  if (g.chance(0.6)) m.labels = g.maybe(() => map(g, LABEL_KEYS, () => g.pick(['a', 'b', 'web', ''])));
  if (g.chance(0.5)) m.annotations = g.maybe(() => map(g, ANNOTATIONS, () => g.pick(['yes', 'no', 'x'])));
  if (g.chance(0.3)) m.finalizers = g.some(['kubernetes.io/pv-protection', 'kubernetes.io/pvc-protection', 'example.com/f']);
  if (g.chance(0.2)) {
    m.ownerReferences = g.some([1, 2, 3]).map((i) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: `s${i}`, uid: `u-${i}`, controller: g.chance(0.5) }));
  }
  if (g.chance(0.3)) m.uid = `uid-${g.int(3)}`;
  if (g.chance(0.3)) m.resourceVersion = String(g.int(100));
  if (g.chance(0.3)) m.creationTimestamp = '2024-01-01T00:00:00Z';
  if (g.chance(0.2)) m.generation = g.int(4);
  if (g.chance(0.05)) m.unknownField = 'x';
  return m;
}

function container(g: Gen, name: string): Any {
  const c: Any = { name, image: g.pick(IMAGES) };
  if (g.chance(0.5)) c.ports = g.some([80, 443, 8080]).map((p) => (g.chance(0.5) ? { containerPort: p } : { containerPort: p, protocol: g.pick(['TCP', 'UDP']) }));
  if (g.chance(0.4)) c.env = g.some(['A', 'B', 'C']).map((n) => ({ name: n, value: g.pick(['1', '2']) }));
  if (g.chance(0.5)) c.resources = g.chance(0.5) ? {} : { requests: map(g, ['cpu', 'memory'], () => g.pick(['1', '100m', '1Gi'])) };
  if (g.chance(0.3)) c.volumeMounts = g.some(['data', 'conf']).map((n) => ({ name: n, mountPath: `/${n}` }));
  if (g.chance(0.2)) c.args = g.some(['-v', '--x', 'y']);
  return c;
}

function podSpec(g: Gen): Any {
  const s: Any = { containers: g.some(['app', 'side', 'init']).map((n) => container(g, n)) };
  if (g.chance(0.2)) s.containers = g.pick([[], null]);
  if (g.chance(0.4)) s.volumes = g.some(['data', 'conf']).map((n) => ({ name: n, persistentVolumeClaim: { claimName: `c-${n}` } }));
  if (g.chance(0.4)) s.nodeName = g.pick(['node-a', 'node-b']);
  if (g.chance(0.4)) s.restartPolicy = g.pick(['Always', 'Never']);
  if (g.chance(0.2)) s.nodeSelector = map(g, LABEL_KEYS, () => 'x');
  return s;
}

function pvSpec(g: Gen): Any {
  const s: Any = { capacity: { storage: g.pick(['1Gi', '2Gi']) } };
  if (g.chance(0.7)) s.accessModes = g.some(['ReadWriteOnce', 'ReadOnlyMany']);
  if (g.chance(0.6)) s.persistentVolumeReclaimPolicy = g.pick(['Retain', 'Delete']);
  if (g.chance(0.6)) s.storageClassName = g.pick(['manual', 'fast', '']);
  if (g.chance(0.6)) s.hostPath = { path: `/data/${g.int(3)}` };
  if (g.chance(0.4)) s.claimRef = { kind: 'PersistentVolumeClaim', namespace: 'default', name: `c-${g.int(2)}`, uid: `u-${g.int(2)}`, apiVersion: 'v1' };
  if (g.chance(0.2)) s.volumeMode = 'Filesystem';
  return s;
}

function pvcSpec(g: Gen): Any {
  const s: Any = { resources: { requests: { storage: g.pick(['1Gi', '2Gi']) } } };
  if (g.chance(0.7)) s.accessModes = g.some(['ReadWriteOnce', 'ReadOnlyMany']);
  if (g.chance(0.5)) s.storageClassName = g.pick(['manual', 'fast']);
  if (g.chance(0.4)) s.volumeName = `pv-${g.int(3)}`;
  if (g.chance(0.3)) s.volumeMode = 'Filesystem';
  return s;
}

function status(g: Gen, kind: string): Any {
  switch (kind) {
    case 'PersistentVolume':
      return { phase: g.pick(['Available', 'Bound', 'Released']), ...(g.chance(0.3) ? { lastPhaseTransitionTime: `2024-01-01T00:00:0${g.int(9)}Z` } : {}) };
    case 'PersistentVolumeClaim':
      return { phase: g.pick(['Pending', 'Bound']), ...(g.chance(0.5) ? { accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } } : {}) };
    case 'Pod':
      return {
        phase: g.pick(['Pending', 'Running']),
        ...(g.chance(0.5) ? { conditions: g.some(['Ready', 'PodScheduled', 'Initialized']).map((t) => ({ type: t, status: g.pick(['True', 'False']) })) } : {}),
        ...(g.chance(0.4) ? { containerStatuses: g.some(['app', 'side']).map((n) => ({ name: n, ready: g.chance(0.5), restartCount: g.int(3), image: 'nginx', imageID: '', state: g.chance(0.5) ? { running: { startedAt: '2024-01-01T00:00:00Z' } } : {} })) } : {}),
        ...(g.chance(0.3) ? { podIP: `10.0.0.${g.int(9)}`, podIPs: [{ ip: `10.0.0.${g.int(9)}` }] } : {}),
      };
    case 'StatefulSet':
      return { replicas: g.int(3), ...(g.chance(0.5) ? { readyReplicas: g.int(3), currentRevision: `r${g.int(2)}`, observedGeneration: g.int(3) } : {}) };
    default:
      return {};
  }
}

function spec(g: Gen, kind: string): Any {
  switch (kind) {
    case 'PersistentVolume': return pvSpec(g);
    case 'PersistentVolumeClaim': return pvcSpec(g);
    case 'Pod': return podSpec(g);
    default: {
      const s: Any = { replicas: g.int(4), selector: { matchLabels: { app: 'web' } }, serviceName: 'web' };
      if (g.chance(0.8)) s.template = { metadata: { labels: map(g, LABEL_KEYS, () => 'web') }, spec: podSpec(g) };
      if (g.chance(0.3)) s.updateStrategy = { type: g.pick(['RollingUpdate', 'OnDelete']) };
      if (g.chance(0.3)) s.volumeClaimTemplates = [{ metadata: { name: 'data' }, spec: pvcSpec(g) }];
      return s;
    }
  }
}

/** A whole object of the kind, as a client might create or send it. */
function object(g: Gen, type: ResourceType): Any {
  const o: Any = { apiVersion: type.group ? `${type.group}/${type.version}` : type.version, kind: type.kind, metadata: meta(g, type.namespaced) };
  if (type.kind === 'ConfigMap') {
    if (g.chance(0.8)) o.data = g.maybe(() => map(g, ['a', 'b', 'c', 'config.yaml', 'toString'], () => g.pick(['1', '2', ''])));
    if (g.chance(0.1)) o.immutable = g.chance(0.5);
    return o;
  }
  if (g.chance(0.9)) o.spec = spec(g, type.kind);
  if (g.chance(0.4)) o.status = status(g, type.kind);
  return o;
}

/** `next` from `live` by a few changes: whole parts replaced, removed, emptied or nulled. */
function mutate(g: Gen, type: ResourceType, live: Any, statusOnly: boolean): Any {
  const next = structuredClone(live);
  const fresh = object(g, type);
  const changes = 1 + g.int(3);
  for (let i = 0; i < changes; i++) {
    if (statusOnly && !g.chance(0.1)) {
      if (g.chance(0.7)) next.status = fresh.status ?? status(g, type.kind);
      else if (next.status && typeof next.status === 'object') {
        const keys = Object.keys(next.status);
        if (keys.length) delete next.status[g.pick(keys)];
      } else next.status = g.pick([{}, null, undefined]);
      continue;
    }
    const top = g.pick(['metadata', 'spec', 'data', 'status']);
    const from = fresh[top];
    const to = next[top];
    if (from && to && typeof from === 'object' && typeof to === 'object' && !Array.isArray(to) && g.chance(0.8)) {
      // One member of the part: replaced from the fresh object, removed, or emptied.
      const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].filter((k) => k !== 'name' || g.chance(0.1));
      if (!keys.length) continue;
      const k = g.pick(keys);
      const r = g.next();
      if (r < 0.6) to[k] = Object.hasOwn(from, k) ? structuredClone(from[k]) : undefined;
      else if (r < 0.85) delete to[k];
      else to[k] = g.pick([{}, [], null]);
    } else if (g.chance(0.8)) {
      next[top] = structuredClone(from);
    } else {
      delete next[top];
    }
  }
  return next;
}

const KINDS = [ConfigMaps, PersistentVolumes, PersistentVolumeClaims, Pods, StatefulSets];
const VERSIONS = ['v1', 'v1beta1', 'apps/v1'];

function clock(g: Gen, t: number): { t: number; now: string } {
  const next = t + (g.chance(0.3) ? 0 : g.int(5));
  return { t: next, now: new Date(Date.UTC(2024, 0, 1) + next * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') };
}

/** Entries to put into a request or a stored object: variations on `base`, some of them invalid. */
function entriesVariant(g: Gen, base: unknown, t: number): unknown {
  const r = g.next();
  const list = (Array.isArray(base) ? structuredClone(base) : []) as Any[];
  for (let i = 0; i < list.length; i++) if (list[i] === null || typeof list[i] !== 'object') list[i] = {};
  if (r < 0.25) {
    // Reordered: entries and the keys of their fieldsV1.
    list.reverse();
    for (const e of list) if (e.fieldsV1) e.fieldsV1 = Object.fromEntries(Object.entries(e.fieldsV1).reverse());
    return list;
  }
  if (r < 0.45) {
    // Apply-created entries next to the updates (what server-side apply leaves behind).
    for (const e of list.slice(0, 2)) list.push({ ...structuredClone(e), manager: g.pick(['kubectl', 'helm', 'kubectl-client-side-apply']), operation: 'Apply' });
    return list;
  }
  if (r < 0.7) {
    // Many update managers (beyond ten), some of other versions, times tied or missing.
    const n = 9 + g.int(8);
    const fields = list[0]?.fieldsV1 ?? { 'f:metadata': { 'f:labels': { 'f:app': {} } } };
    for (let i = 0; i < n; i++) {
      const e: Any = { manager: `x${g.int(20)}`, operation: 'Update', apiVersion: g.pick(VERSIONS), fieldsType: 'FieldsV1', fieldsV1: structuredClone(fields) };
      if (g.chance(0.9)) e.time = new Date(Date.UTC(2024, 0, 1) + (t - g.int(30)) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      if (g.chance(0.2)) e.subresource = 'status';
      list.push(e);
    }
    return list;
  }
  if (r < 0.8) return g.pick([[], [{}], null]);
  if (r < 0.9) {
    // Invalid: decoding gives up and the object's own entries count.
    const bad = structuredClone(list);
    bad.push(g.pick([{ manager: 'z', operation: 'Patch', apiVersion: 'v1', fieldsType: 'FieldsV1' }, { manager: 'z', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV2' },
      { manager: 'z', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'x:bad': {} } }, { manager: 'z', operation: 'Update', fieldsType: 'FieldsV1' }]));
    return g.chance(0.2) ? 'not a list' : bad;
  }
  // Duplicates: the same manager twice (the later entry wins).
  if (list.length) list.push(structuredClone(list[0]));
  return list;
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    for (const k of Object.keys(v)) deepFreeze((v as Any)[k]);
    Object.freeze(v);
  }
  return v;
}

function run(fn: () => void): string | undefined {
  try { fn(); return undefined; } catch (e) { return `${(e as Error).name}: ${(e as Error).message}`; }
}

export interface Mismatch { readonly caseNo: number; readonly step: number; readonly what: string; readonly old: string; readonly now: string }

/** Runs `cases` seeded histories; returns the number of recordUpdate calls compared and the mismatches. */
export function differential(cases: number, seed = 1): { calls: number; mismatches: Mismatch[]; seen: Record<string, number> } {
  const mismatches: Mismatch[] = [];
  let calls = 0;
  // What the outputs held, so that a test can tell the histories reach the interesting cases.
  const seen: Record<string, number> = { untracked: 0, ancient: 0, applied: 0, status: 0, errors: 0 };
  for (let c = 0; c < cases && mismatches.length < 5; c++) {
    const g = new Gen(rng(seed * 1_000_003 + c));
    const type = g.pick(KINDS);
    const root = kindNode(type);
    let t = 0;
    const scope = (now: string, subresource?: string): FieldManagerScope =>
      ({ root, group: type.group, version: type.version, kind: type.kind, subresource, now });
    const compare = (step: number, live: Any | undefined, frozenLive: Any | undefined, next: Any, manager: string, s: FieldManagerScope): Any => {
      calls++;
      const a = structuredClone(next);
      const b = structuredClone(next);
      const ea = run(() => recordUpdateV0(s, live === undefined ? undefined : structuredClone(live) as KubeObject, a as KubeObject, manager));
      const eb = run(() => recordUpdate(s, frozenLive as KubeObject | undefined, b as KubeObject, manager));
      const ja = JSON.stringify(a);
      const jb = JSON.stringify(b);
      const entries = (b.metadata?.managedFields ?? []) as Any[];
      if (!entries.length) seen.untracked++;
      if (entries.some((e) => e.manager === 'ancient-changes')) seen.ancient++;
      if (entries.some((e) => e.operation === 'Apply')) seen.applied++;
      if (entries.some((e) => e.subresource === 'status')) seen.status++;
      if (ea) seen.errors++;
      if (ea !== eb || ja !== jb) mismatches.push({ caseNo: c, step, what: `${type.kind} ${s.subresource ?? 'main'} by ${JSON.stringify(manager)}`, old: ea ?? ja, now: eb ?? jb });
      return b;
    };
    // The create.
    const created = object(g, type);
    if (g.chance(0.25)) created.metadata.managedFields = entriesVariant(g, undefined, t);
    ({ t } = clock(g, t));
    let live = compare(0, undefined, undefined, created, g.pick(MANAGERS), scope(clock(g, t).now));
    let frozen = deepFreeze(structuredClone(live));
    const steps = 1 + g.int(g.chance(0.2) ? 24 : 8);
    for (let step = 1; step <= steps && mismatches.length < 5; step++) {
      const tick = clock(g, t);
      t = tick.t;
      if (g.chance(0.1)) {
        // The stored object's entries replaced: more managers, appliers, odd orders, ...
        live = structuredClone(live);
        (live.metadata ??= {}).managedFields = entriesVariant(g, live.metadata.managedFields, t);
        frozen = deepFreeze(structuredClone(live));
      }
      const statusWrite = type.kind !== 'ConfigMap' && g.chance(0.4);
      const next = mutate(g, type, live, statusWrite);
      if (!statusWrite) {
        const r = g.next();
        if (r < 0.15) delete next.metadata?.managedFields;
        else if (r < 0.3 && next.metadata) next.metadata.managedFields = entriesVariant(g, live.metadata?.managedFields, t);
      }
      const manager = g.pick(MANAGERS);
      const s = scope(tick.now, statusWrite ? 'status' : undefined);
      // At times a write that lost a race first, against the same (frozen) live object.
      if (g.chance(0.1)) compare(step, live, frozen, mutate(g, type, live, statusWrite), g.pick(MANAGERS), s);
      const out = compare(step, live, frozen, next, manager, s);
      if (g.chance(0.85)) {
        live = out;
        // The registry's cache keeps the very object a write produced (its FieldsV1 encodings
        // included), or one decoded from the stored bytes.
        frozen = g.chance(0.5) ? deepFreeze(out) : deepFreeze(structuredClone(out));
      }
    }
  }
  return { calls, mismatches, seen };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cases = Number(process.argv[2] ?? 100_000);
  const seed = Number(process.argv[3] ?? 7);
  const started = Date.now();
  const { calls, mismatches, seen } = differential(cases, seed);
  console.log(`${cases} cases, ${calls} recordUpdate calls compared, ${mismatches.length} mismatches (${((Date.now() - started) / 1000).toFixed(1)} s)`, seen);
  for (const m of mismatches) console.log(JSON.stringify(m, null, 1));
  process.exitCode = mismatches.length ? 1 : 0;
}
