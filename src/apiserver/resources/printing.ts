// Shared pieces of the server-side tables (`kubectl get`): common columns and the small
// formatting rules upstream's printers apply (access modes, ages, container lists, classes).
// kubectl prints cells verbatim, so every string here is exactly what users see.
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { canonicalQuantity, type KubeObject, timestampSince } from '../../core/index.js';
import type { TableColumn } from '../registry/strategy.js';

/** A kubernetes-types kind usable where the registry wants a KubeObject. */
export type Obj<T> = T & KubeObject;

/** A column; `wide` ones (priority 1) show only with `-o wide`. */
export function column(name: string, description: string, opts: { type?: TableColumn['type']; wide?: boolean } = {}): TableColumn {
  return {
    name, type: opts.type ?? 'string', description,
    ...(opts.wide ? { priority: 1 } : {}),
  };
}

/** The Name column: format `name` makes multi-kind output print `kind/name`. */
export const NAME_COLUMN: TableColumn = {
  name: 'Name', type: 'string', format: 'name', description: 'Name of the object, unique within its namespace.',
};
export const AGE_COLUMN: TableColumn = column('Age', 'Time since the object was created.');

/** The AGE cell: `<unknown>` when creationTimestamp is unset. */
export function age(obj: KubeObject, now: Date): string {
  return timestampSince(obj.metadata?.creationTimestamp, now);
}

/** helper.GetAccessModesAsString: fixed order RWO, ROX, RWX, RWOP, duplicates dropped. */
export function accessModes(modes: readonly string[] | undefined): string {
  const have = new Set(modes ?? []);
  const out: string[] = [];
  if (have.has('ReadWriteOnce')) out.push('RWO');
  if (have.has('ReadOnlyMany')) out.push('ROX');
  if (have.has('ReadWriteMany')) out.push('RWX');
  if (have.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

/** A resource.Quantity as Quantity.String() prints it; a missing quantity prints `0`. */
export function quantity(q: string | number | undefined | null): string {
  return q === undefined || q === null ? '0' : canonicalQuantity(q);
}

/** Container names and images, comma-joined (the wide CONTAINERS / IMAGES columns). */
export function containerCells(containers: ReadonlyArray<{ name: string; image?: string }> | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name).join(','), list.map((c) => c.image ?? '').join(',')];
}

export const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** helper.GetPersistentVolumeClass / GetPersistentVolumeClaimClass: the beta annotation wins. */
export function storageClassOf(obj: KubeObject & { spec?: { storageClassName?: string | null } }): string {
  const annotations = obj.metadata?.annotations;
  if (annotations && Object.prototype.hasOwnProperty.call(annotations, BETA_STORAGE_CLASS_ANNOTATION)) {
    return annotations[BETA_STORAGE_CLASS_ANNOTATION]!;
  }
  return obj.spec?.storageClassName ?? '';
}

/** metav1.GetControllerOf: the owner reference marked controller, if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/** `<none>` for an empty cell, as most printers do. */
export const orNone = (s: string | undefined | null): string => (s ? s : '<none>');
