// What both slice-writing controllers (EndpointSlice, mirroring) do with their slices: find a
// key's managed slices in the cache, refuse to act on a cache that lags their own writes, apply
// a plan, and turn slice events into work only when someone else made them.
import { EndpointSlices, isNotFound, type KubeObject } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import type { InformerSet, Informer, Request, Watch } from '../../controller-runtime/index.js';
import { isNamespaceTerminating } from './pods.js';
import { LABEL_MANAGED_BY, LABEL_SERVICE_NAME, type EndpointSliceObject } from './slice-reconciler.js';
import { SliceTracker } from './slice-tracker.js';

/** `<namespace>/<service>` of a slice managed by `controllerName`, if it is one. */
export function managedSliceService(slice: KubeObject, controllerName: string): string | undefined {
  const labels = slice.metadata?.labels ?? {};
  const svc = labels[LABEL_SERVICE_NAME];
  return labels[LABEL_MANAGED_BY] === controllerName && svc ? `${slice.metadata?.namespace}/${svc}` : undefined;
}

interface Changes { readonly create: readonly EndpointSliceObject[]; readonly update: readonly EndpointSliceObject[]; readonly delete: readonly EndpointSliceObject[] }

export class SliceWriter {
  readonly informer: Informer<EndpointSliceObject>;
  readonly #tracker = new SliceTracker();
  readonly #index: string;

  constructor(private readonly client: ApiClient, informers: InformerSet, private readonly controllerName: string) {
    this.informer = informers.informerFor<EndpointSliceObject>(EndpointSlices);
    this.#index = `slices-managed-by/${controllerName}`;
    this.informer.addIndex(this.#index, (s) => {
      const k = managedSliceService(s, controllerName);
      return k ? [k] : [];
    });
  }

  /**
   * The key's managed slices, leaving out those already being deleted (upstream
   * dropEndpointSlicesPendingDeletion). Throws while the cache misses our own last writes:
   * acting on it would duplicate slices; the retry comes once it has caught up.
   */
  current(key: string, namespace: string): EndpointSliceObject[] {
    const slices = this.informer.lister.byIndex(this.#index, key).filter((s) => !s.metadata?.deletionTimestamp);
    if (this.#tracker.stale(key, slices, (name) => this.informer.lister.get({ namespace, name }))) {
      throw new Error(`EndpointSlice informer cache is out of date for ${key}`);
    }
    return slices;
  }

  /** Writes a plan; `create: false` skips creates (owner being deleted). */
  async apply(key: string, namespace: string, plan: Changes, opts: { create?: boolean; decorate?: (s: EndpointSliceObject) => EndpointSliceObject } = {}): Promise<void> {
    const decorate = opts.decorate ?? ((s) => s);
    if (opts.create !== false) {
      for (const slice of plan.create) {
        try {
          this.#tracker.wrote(key, await this.client.create(EndpointSlices, decorate(slice)));
        } catch (e) {
          // A terminating namespace refuses creates for good: nothing to retry.
          if (isNamespaceTerminating(e)) return;
          throw e;
        }
      }
    }
    for (const slice of plan.update) this.#tracker.wrote(key, await this.client.update(EndpointSlices, decorate(slice)));
    for (const slice of plan.delete) {
      this.#tracker.deleting(key, slice);
      try {
        await this.client.delete(EndpointSlices, { namespace, name: slice.metadata!.name! });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }

  forget(key: string): void {
    this.#tracker.forget(key);
  }

  /** Slice events → the owner's key, except echoes of our own writes and deletions. */
  watch(): Watch<EndpointSliceObject> {
    return {
      informer: this.informer,
      toRequests: (slice): Request[] => {
        const key = managedSliceService(slice, this.controllerName);
        if (!key) return [];
        const [namespace, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
        const live = this.informer.lister.get({ namespace, name: slice.metadata?.name ?? '' });
        const gone = !live || live.metadata?.uid !== slice.metadata?.uid;
        if (gone ? !this.#tracker.removed(key, slice) : !this.#tracker.isForeign(key, slice)) return [];
        return [{ namespace, name }];
      },
    };
  }
}
