// The client's view of the API: typed by ResourceType descriptors, errors as ApiError.
import type { KubeObject, ObjectKey, ResourceType } from '../core/index.js';

export interface ListOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly limit?: number;
  readonly continue?: string;
  readonly resourceVersion?: string;
}

export interface WatchOptions extends ListOptions {
  readonly resourceVersion: string;
  readonly allowWatchBookmarks?: boolean;
  readonly timeoutSeconds?: number;
}

export interface ObjectList<T extends KubeObject = KubeObject> {
  readonly items: T[];
  readonly metadata: { resourceVersion?: string; continue?: string };
}

export type WatchEvent<T extends KubeObject = KubeObject> =
  | { readonly type: 'ADDED' | 'MODIFIED' | 'DELETED'; readonly object: T }
  | { readonly type: 'BOOKMARK'; readonly object: KubeObject }
  | { readonly type: 'ERROR'; readonly object: KubeObject };

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface WriteOptions {
  readonly dryRun?: boolean;
  readonly fieldManager?: string;
  readonly force?: boolean;
}

export interface DeleteOptions {
  readonly gracePeriodSeconds?: number;
  readonly propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  readonly preconditions?: { uid?: string; resourceVersion?: string };
  readonly dryRun?: boolean;
}

/** One request as the transports carry it. */
export interface TransportRequest {
  readonly verb: 'get' | 'list' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';
  readonly type: ResourceType;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly patchType?: PatchType;
}

export interface Transport {
  /** Resolves with the decoded response object; rejects with ApiError. */
  request(req: TransportRequest): Promise<KubeObject>;
  watch(req: Omit<TransportRequest, 'verb'>, signal: AbortSignal): AsyncIterable<WatchEvent>;
}

export interface Reader {
  get<T extends KubeObject = KubeObject>(type: ResourceType, key: ObjectKey): Promise<T>;
  list<T extends KubeObject = KubeObject>(type: ResourceType, opts?: ListOptions): Promise<ObjectList<T>>;
}

export interface Writer {
  create<T extends KubeObject = KubeObject>(type: ResourceType, obj: T, opts?: WriteOptions): Promise<T>;
  /** PUT; `subresource` for PUTs to status/scale/finalize. */
  update<T extends KubeObject = KubeObject>(type: ResourceType, obj: T, opts?: WriteOptions & { subresource?: string }): Promise<T>;
  updateStatus<T extends KubeObject = KubeObject>(type: ResourceType, obj: T, opts?: WriteOptions): Promise<T>;
  patch<T extends KubeObject = KubeObject>(type: ResourceType, key: ObjectKey, patchType: PatchType, patch: unknown,
    opts?: WriteOptions & { subresource?: string }): Promise<T>;
  delete(type: ResourceType, key: ObjectKey, opts?: DeleteOptions): Promise<KubeObject>;
  /** POST to a subresource (pods/binding, pods/eviction). */
  createSubresource(type: ResourceType, key: ObjectKey, subresource: string, body: unknown): Promise<KubeObject>;
}

export interface WatchClient {
  watch<T extends KubeObject = KubeObject>(type: ResourceType, opts: WatchOptions, signal: AbortSignal): AsyncIterable<WatchEvent<T>>;
}

export interface ApiClient extends Reader, Writer, WatchClient {}
