// Mappers from a changed object to the Requests to reconcile (controller-runtime
// pkg/handler): informer handlers only map objects to keys; they never reconcile.
//
// - enqueueForObject: the object itself (the controller's primary resource).
// - enqueueForOwner(kind, apiVersion?): the object's controller — the ownerReference with
//   controller: true — if it is of that kind (and API group, when apiVersion is given).
//   Objects without such a reference map to nothing. The owner is looked up in the
//   dependent's namespace, or cluster-wide when the owner's kind is cluster-scoped.
// - A custom mapper is any (obj) => Request[] (controller-runtime EnqueueRequestsFromMapFunc).
// On an update the controller calls the mapper with both the old and the new object, so a
// change of owner re-reconciles both owners.

import { findResourceByKind, ALL_RESOURCES, type KubeObject } from '../core/index.js';
import type { Request } from './reconcile.js';

export type RequestMapper<T extends KubeObject = KubeObject> = (obj: T) => readonly Request[];

export const enqueueForObject: RequestMapper = (obj) =>
  [{ namespace: obj.metadata?.namespace || undefined, name: obj.metadata?.name ?? '' }];

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

export function enqueueForOwner(ownerKind: string, ownerApiVersion?: string): RequestMapper {
  const group = ownerApiVersion === undefined ? undefined : groupOf(ownerApiVersion);
  const known = ownerApiVersion !== undefined
    ? findResourceByKind(ownerApiVersion, ownerKind)
    : ALL_RESOURCES.find((r) => r.kind === ownerKind);
  // Unknown kinds (custom resources) are taken to be namespaced, the common case.
  const namespaced = known?.namespaced ?? true;
  return (obj) => {
    const ref = obj.metadata?.ownerReferences?.find((r) => r.controller === true);
    if (!ref || ref.kind !== ownerKind) return [];
    if (group !== undefined && groupOf(ref.apiVersion) !== group) return [];
    return [{ namespace: namespaced ? obj.metadata?.namespace || undefined : undefined, name: ref.name }];
  };
}
