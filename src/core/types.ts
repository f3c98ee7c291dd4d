// Shapes every served object shares. Concrete kinds come from `kubernetes-types`.
import type { ObjectMeta as ReadonlyObjectMeta, OwnerReference } from 'kubernetes-types/meta/v1.js';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/** kubernetes-types marks server-set fields readonly; the server is the one that sets them. */
export type ObjectMeta = Mutable<ReadonlyObjectMeta>;
export type { OwnerReference };

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  // Served kinds carry spec/status/data/...; the generic layers treat them as open records.
  [field: string]: unknown;
}

/** A (namespace, name) pair: the key a reconcile receives and an object is stored under. */
export interface ObjectKey {
  readonly namespace?: string;
  readonly name: string;
}

export type Subresource = 'status' | 'scale' | 'binding' | 'log' | 'exec' | 'attach' | 'portforward' | 'eviction' | 'proxy';

/** What the API knows about one resource: enough for routing, discovery and clients. */
export interface ResourceType {
  readonly group: string;        // '' for the core group
  readonly version: string;
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;       // URL segment and the name used in messages
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly subresources: readonly Subresource[];
  /** Verbs the collection and item support (discovery). */
  readonly verbs: readonly string[];
}

export const apiVersionOf = (t: Pick<ResourceType, 'group' | 'version'>): string =>
  t.group ? `${t.group}/${t.version}` : t.version;

export function keyOf(obj: KubeObject): ObjectKey {
  return { namespace: obj.metadata?.namespace || undefined, name: obj.metadata?.name ?? '' };
}

export function keyString(k: ObjectKey): string {
  return k.namespace ? `${k.namespace}/${k.name}` : k.name;
}
