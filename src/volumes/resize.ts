// Claim status during a volume expansion, as upstream's external-resizer and kubelet write it
// (RecoverVolumeExpansionFailure on, as in 1.33):
// - controller side starts: `allocatedResources.storage` = the new size,
//   `allocatedResourceStatuses.storage` = ControllerResizeInProgress, condition Resizing;
// - controller side done, filesystem still to grow: NodeResizePending, condition
//   FileSystemResizePending ("Waiting for user to (re-)start a pod ...");
// - node side done: `capacity.storage` = the new size, the status entry and both conditions go.
// Pure functions over a claim copy; shared by the resize controller and the node agent.
import type { PersistentVolumeClaimCondition } from 'kubernetes-types/core/v1.js';
import { tryParseQuantity } from '../core/index.js';
import { requestedStorage, volumeCapacity, type PersistentVolumeClaimObject as Claim, type PersistentVolumeObject as Volume } from './objects.js';

export const CONDITION_RESIZING = 'Resizing';
export const CONDITION_FS_RESIZE_PENDING = 'FileSystemResizePending';
export const FS_RESIZE_PENDING_MESSAGE = 'Waiting for user to (re-)start a pod to finish file system resize of volume on node.';
export const CONTROLLER_RESIZE_IN_PROGRESS = 'ControllerResizeInProgress';
export const NODE_RESIZE_PENDING = 'NodeResizePending';
export const NODE_RESIZE_IN_PROGRESS = 'NodeResizeInProgress';
/** On a claim: the resizer that expands its volume (upstream volume.kubernetes.io/storage-resizer). */
export const ANN_STORAGE_RESIZER = 'volume.kubernetes.io/storage-resizer';

type Rec = Record<string, string>;
const quantity = (m: unknown) => tryParseQuantity((m as Rec | undefined)?.storage);
const resizeStatus = (claim: Claim) => (claim.status?.allocatedResourceStatuses as Rec | undefined)?.storage;

/**
 * The size the controller side must grow the claim's volume to, or undefined when there is
 * nothing for it to do: not bound, not larger than the capacity, or already handed to the node.
 */
export function controllerResizeTarget(claim: Claim): string | undefined {
  if (claim.status?.phase !== 'Bound' || !claim.spec?.volumeName) return undefined;
  const request = requestedStorage(claim);
  const capacity = quantity(claim.status.capacity);
  if (!capacity || request.cmp(capacity) <= 0) return undefined;
  const allocated = quantity(claim.status.allocatedResources);
  const status = resizeStatus(claim);
  if ((status === NODE_RESIZE_PENDING || status === NODE_RESIZE_IN_PROGRESS) && allocated && allocated.cmp(request) >= 0) return undefined;
  return (claim.spec.resources?.requests as Rec).storage;
}

/** Whether the filesystem of the claim's volume waits for the node: the PV grew past the claim's capacity. */
export function nodeResizePending(claim: Claim, pv: Volume): boolean {
  const status = resizeStatus(claim);
  const pending = status === NODE_RESIZE_PENDING || status === NODE_RESIZE_IN_PROGRESS ||
    (claim.status?.conditions ?? []).some((c) => c.type === CONDITION_FS_RESIZE_PENDING && c.status === 'True');
  const capacity = quantity(claim.status?.capacity);
  return pending && !!capacity && volumeCapacity(pv).cmp(capacity) > 0;
}

function setCondition(claim: Claim, cond: PersistentVolumeClaimCondition | undefined): void {
  const status = (claim.status ??= {});
  const others = (status.conditions ?? []).filter((c) => c.type !== CONDITION_RESIZING && c.type !== CONDITION_FS_RESIZE_PENDING);
  status.conditions = cond ? [...others, cond] : others;
  if (!status.conditions.length) delete status.conditions;
}

function setResizeStatus(claim: Claim, value: string | undefined): void {
  const status = (claim.status ??= {});
  const next: Rec = { ...(status.allocatedResourceStatuses as Rec | undefined) };
  if (value) next.storage = value; else delete next.storage;
  if (Object.keys(next).length) status.allocatedResourceStatuses = next; else delete status.allocatedResourceStatuses;
}

export function markControllerResizeInProgress(claim: Claim, size: string, now: Date): void {
  const status = (claim.status ??= {});
  status.allocatedResources = { ...(status.allocatedResources as Rec | undefined), storage: size };
  setResizeStatus(claim, CONTROLLER_RESIZE_IN_PROGRESS);
  setCondition(claim, { type: CONDITION_RESIZING, status: 'True', lastTransitionTime: now.toISOString().replace(/\.\d+Z$/, 'Z') });
}

export function markNodeResizePending(claim: Claim, now: Date): void {
  setResizeStatus(claim, NODE_RESIZE_PENDING);
  setCondition(claim, {
    type: CONDITION_FS_RESIZE_PENDING, status: 'True', lastTransitionTime: now.toISOString().replace(/\.\d+Z$/, 'Z'),
    message: FS_RESIZE_PENDING_MESSAGE,
  });
}

/** The resize is complete: capacity is the new size; the status entry and conditions go. */
export function markResizeFinished(claim: Claim, capacity: string): void {
  const status = (claim.status ??= {});
  status.capacity = { ...(status.capacity as Rec | undefined), storage: capacity };
  setResizeStatus(claim, undefined);
  setCondition(claim, undefined);
}
