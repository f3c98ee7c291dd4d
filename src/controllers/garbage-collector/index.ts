// Garbage collector: ownerReferences with background, foreground and orphan propagation
// (upstream pkg/controller/garbagecollector), for every served kind.
//
// - Background: a dependent none of whose owners exists any more (by uid, confirmed with a
//   live GET, never only from the cache) is deleted; dangling refs next to live owners go.
// - Foreground: an owner with the `foregroundDeletion` finalizer gets its dependents deleted
//   (foreground too, so the cascade is depth-first), and loses the finalizer once no dependent
//   with `blockOwnerDeletion: true` is left.
// - Orphan: an owner with the `orphan` finalizer loses its refs from every dependent, then the
//   finalizer.
import {
  ALL_RESOURCES, Events, findResourceByKind, isConflict, isNotFound, type KubeObject, type OwnerReference, type ResourceType,
} from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import type { ControllerSpec, Informer, InformerSet, Reconciler, Request } from '../../controller-runtime/index.js';

const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';
const OWNER_INDEX = 'owner-uid';
const SEPARATOR = '|';

const typeId = (t: ResourceType) => `${t.plural}.${t.group}`;
const TYPES = new Map(ALL_RESOURCES.map((t) => [typeId(t), t]));
/** Kinds the collector does not watch: upstream's DefaultIgnoredResources (core/v1 events). */
const IGNORED: ReadonlySet<ResourceType> = new Set([Events]);

function request(type: ResourceType, obj: KubeObject): Request {
  return { namespace: obj.metadata?.namespace || undefined, name: `${typeId(type)}${SEPARATOR}${obj.metadata?.name ?? ''}` };
}

export function garbageCollector(client: ApiClient, informers: InformerSet): ControllerSpec {
  const byType = new Map<ResourceType, Informer<KubeObject>>();
  for (const type of ALL_RESOURCES) {
    if (IGNORED.has(type)) continue;
    const inf = informers.informerFor<KubeObject>(type);
    inf.addIndex(OWNER_INDEX, (o) => (o.metadata?.ownerReferences ?? []).map((r) => r.uid));
    byType.set(type, inf);
  }
  const dependentsOf = (uid: string): { type: ResourceType; obj: KubeObject }[] =>
    [...byType].flatMap(([type, inf]) => inf.lister.byIndex(OWNER_INDEX, uid).map((obj) => ({ type, obj })));

  const reconciler: Reconciler = {
    async reconcile(req) {
      const sep = req.name.indexOf(SEPARATOR);
      const type = TYPES.get(req.name.slice(0, sep));
      const name = req.name.slice(sep + 1);
      if (!type) return {};
      const obj = byType.get(type)!.lister.get({ namespace: req.namespace, name });
      if (!obj) return {};
      const meta = obj.metadata ?? {};
      if (meta.deletionTimestamp && meta.finalizers?.includes(ORPHAN)) {
        await orphanDependents(client, meta.uid!, dependentsOf(meta.uid!));
        await removeFinalizer(client, type, obj, ORPHAN);
        return {};
      }
      if (meta.deletionTimestamp && meta.finalizers?.includes(FOREGROUND)) {
        const dependents = dependentsOf(meta.uid!);
        for (const d of dependents) {
          if (d.obj.metadata?.deletionTimestamp) continue;
          await ignoreNotFound(client.delete(d.type, key(d.obj), { propagationPolicy: 'Foreground', preconditions: { uid: d.obj.metadata?.uid } }));
        }
        const blocking = dependents.filter((d) => d.obj.metadata?.ownerReferences?.some((r) => r.uid === meta.uid && r.blockOwnerDeletion));
        if (blocking.length) return { requeueAfterMs: 1000 };
        await removeFinalizer(client, type, obj, FOREGROUND);
        return {};
      }
      const refs = meta.ownerReferences ?? [];
      if (!refs.length) return {};
      const absent: OwnerReference[] = [];
      for (const ref of refs) if (!(await ownerExists(client, byType, obj, ref))) absent.push(ref);
      if (!absent.length) return {};
      if (absent.length === refs.length) {
        // Already going (finalizers or grace hold it): deleting again would change nothing.
        if (meta.deletionTimestamp && !meta.finalizers?.includes(FOREGROUND)) return {};
        await ignoreNotFound(client.delete(type, key(obj), { propagationPolicy: 'Background', preconditions: { uid: meta.uid } }));
      } else {
        const gone = new Set(absent.map((r) => r.uid));
        await updateLive(client, type, obj, (live) => {
          live.metadata!.ownerReferences = (live.metadata!.ownerReferences ?? []).filter((r) => !gone.has(r.uid));
        });
      }
      return {};
    },
  };

  const watches = [...byType].map(([type, informer]) => ({
    informer,
    toRequests(obj: KubeObject): Request[] {
      const out: Request[] = [];
      const meta = obj.metadata ?? {};
      if (meta.ownerReferences?.length || meta.finalizers?.some((f) => f === ORPHAN || f === FOREGROUND)) out.push(request(type, obj));
      // Dependents need a look when their owner is gone or going.
      const current = informer.lister.get({ namespace: meta.namespace || undefined, name: meta.name ?? '' });
      if (!current || current.metadata?.uid !== meta.uid || current.metadata?.deletionTimestamp) {
        for (const d of dependentsOf(meta.uid ?? '')) out.push(request(d.type, d.obj));
      }
      return out;
    },
  }));
  return { name: 'garbage-collector', reconciler, watches, concurrency: 4 };
}

const key = (o: KubeObject) => ({ namespace: o.metadata?.namespace || undefined, name: o.metadata?.name ?? '' });

async function ownerExists(client: ApiClient, byType: Map<ResourceType, Informer<KubeObject>>, dependent: KubeObject, ref: OwnerReference): Promise<boolean> {
  const type = findResourceByKind(ref.apiVersion, ref.kind);
  // Owners of kinds this server does not serve cannot be checked; leave such refs alone.
  if (!type) return true;
  const namespace = type.namespaced ? dependent.metadata?.namespace : undefined;
  const cached = byType.get(type)?.lister.get({ namespace, name: ref.name });
  if (cached?.metadata?.uid === ref.uid) return true;
  try {
    const live = await client.get(type, { namespace, name: ref.name });
    return live.metadata?.uid === ref.uid;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

async function orphanDependents(client: ApiClient, ownerUid: string, dependents: { type: ResourceType; obj: KubeObject }[]): Promise<void> {
  for (const d of dependents) {
    await updateLive(client, d.type, d.obj, (live) => {
      const refs = (live.metadata!.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
      if (refs.length) live.metadata!.ownerReferences = refs; else delete live.metadata!.ownerReferences;
    });
  }
}

async function removeFinalizer(client: ApiClient, type: ResourceType, obj: KubeObject, finalizer: string): Promise<void> {
  await updateLive(client, type, obj, (live) => {
    const rest = (live.metadata!.finalizers ?? []).filter((f) => f !== finalizer);
    if (rest.length) live.metadata!.finalizers = rest; else delete live.metadata!.finalizers;
  });
}

/** Read-modify-write of the live object, retried on conflicts; a vanished object is fine. */
async function updateLive(client: ApiClient, type: ResourceType, obj: KubeObject, change: (live: KubeObject) => void): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    let live: KubeObject;
    try {
      live = await client.get(type, key(obj));
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    if (live.metadata?.uid !== obj.metadata?.uid) return;
    change(live);
    try {
      await client.update(type, live);
      return;
    } catch (e) {
      if (isNotFound(e)) return;
      if (!isConflict(e)) throw e;
    }
  }
  throw new Error(`too many conflicts updating ${type.plural} ${obj.metadata?.name}`);
}

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try { await p; } catch (e) { if (!isNotFound(e)) throw e; }
}
