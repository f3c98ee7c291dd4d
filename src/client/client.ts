// ApiClient over any Transport: builds requests, nothing else.
import type { KubeObject, ObjectKey, ResourceType } from '../core/index.js';
import type {
  ApiClient, DeleteOptions, ListOptions, ObjectList, PatchType, Transport, WatchEvent, WatchOptions, WriteOptions,
} from './types.js';

function writeQuery(opts?: WriteOptions): Record<string, string> {
  const q: Record<string, string> = {};
  if (opts?.dryRun) q.dryRun = 'All';
  if (opts?.fieldManager) q.fieldManager = opts.fieldManager;
  if (opts?.force !== undefined) q.force = String(opts.force);
  return q;
}

function listQuery(opts?: ListOptions): Record<string, string> {
  const q: Record<string, string> = {};
  if (opts?.labelSelector) q.labelSelector = opts.labelSelector;
  if (opts?.fieldSelector) q.fieldSelector = opts.fieldSelector;
  if (opts?.limit) q.limit = String(opts.limit);
  if (opts?.continue) q.continue = opts.continue;
  if (opts?.resourceVersion !== undefined) q.resourceVersion = opts.resourceVersion;
  return q;
}

const ns = (type: ResourceType, namespace?: string) => (type.namespaced ? namespace : undefined);

export function createClient(transport: Transport): ApiClient {
  return {
    async get<T extends KubeObject>(type: ResourceType, key: ObjectKey) {
      return (await transport.request({ verb: 'get', type, namespace: ns(type, key.namespace), name: key.name })) as T;
    },
    async list<T extends KubeObject>(type: ResourceType, opts?: ListOptions) {
      return (await transport.request({ verb: 'list', type, namespace: ns(type, opts?.namespace), query: listQuery(opts) })) as unknown as ObjectList<T>;
    },
    async create<T extends KubeObject>(type: ResourceType, obj: T, opts?: WriteOptions) {
      return (await transport.request({ verb: 'create', type, namespace: ns(type, obj.metadata?.namespace), body: obj, query: writeQuery(opts) })) as T;
    },
    async update<T extends KubeObject>(type: ResourceType, obj: T, opts?: WriteOptions & { subresource?: string }) {
      return (await transport.request({
        verb: 'update', type, namespace: ns(type, obj.metadata?.namespace), name: obj.metadata?.name,
        subresource: opts?.subresource, body: obj, query: writeQuery(opts),
      })) as T;
    },
    async updateStatus<T extends KubeObject>(type: ResourceType, obj: T, opts?: WriteOptions) {
      return (await transport.request({
        verb: 'update', type, namespace: ns(type, obj.metadata?.namespace), name: obj.metadata?.name, subresource: 'status', body: obj, query: writeQuery(opts),
      })) as T;
    },
    async patch<T extends KubeObject>(type: ResourceType, key: ObjectKey, patchType: PatchType, patch: unknown, opts?: WriteOptions & { subresource?: string }) {
      return (await transport.request({
        verb: 'patch', type, namespace: ns(type, key.namespace), name: key.name, subresource: opts?.subresource,
        patchType, body: patch, query: writeQuery(opts),
      })) as T;
    },
    async delete(type: ResourceType, key: ObjectKey, opts?: DeleteOptions) {
      const { dryRun, ...body } = opts ?? {};
      return transport.request({
        verb: 'delete', type, namespace: ns(type, key.namespace), name: key.name,
        body: { kind: 'DeleteOptions', apiVersion: 'v1', ...body }, query: dryRun ? { dryRun: 'All' } : {},
      });
    },
    async createSubresource(type: ResourceType, key: ObjectKey, subresource: string, body: unknown) {
      return transport.request({ verb: 'create', type, namespace: ns(type, key.namespace), name: key.name, subresource, body });
    },
    watch<T extends KubeObject>(type: ResourceType, opts: WatchOptions, signal: AbortSignal) {
      const query = listQuery(opts);
      query.watch = 'true';
      if (opts.allowWatchBookmarks) query.allowWatchBookmarks = 'true';
      if (opts.timeoutSeconds) query.timeoutSeconds = String(opts.timeoutSeconds);
      return transport.watch({ type, namespace: ns(type, opts.namespace), query }, signal) as AsyncIterable<WatchEvent<T>>;
    },
  };
}
