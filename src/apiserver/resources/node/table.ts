// `kubectl get nodes`: NAME STATUS (Ready / NotReady / Unknown, `,SchedulingDisabled` when
// cordoned) ROLES (from node-role labels) AGE VERSION, + addresses and node info wide.
import type { Node } from 'kubernetes-types/core/v1.js';
import type { TableSpec } from '../../registry/strategy.js';
import { age, AGE_COLUMN, column, NAME_COLUMN, type Obj } from '../printing.js';

const ROLE_LABEL_PREFIX = 'node-role.kubernetes.io/';
const LEGACY_ROLE_LABEL = 'kubernetes.io/role';

/** Roles from `node-role.kubernetes.io/<role>` keys and `kubernetes.io/role=<role>`, sorted. */
export function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(ROLE_LABEL_PREFIX)) {
      const role = k.slice(ROLE_LABEL_PREFIX.length);
      if (role) roles.add(role);
    } else if (k === LEGACY_ROLE_LABEL && v !== '') {
      roles.add(v);
    }
  }
  return [...roles].sort();
}

function nodeStatus(node: Node): string {
  const status: string[] = [];
  // Only the Ready condition counts; the last one of that type wins, as in upstream's map.
  const ready = (node.status?.conditions ?? []).filter((c) => c.type === 'Ready').pop();
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  else status.push('Unknown');
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

const address = (node: Node, type: string): string =>
  (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? '<none>';

export const nodeTable: TableSpec<Obj<Node>> = {
  columns: [
    NAME_COLUMN,
    column('Status', 'Readiness of the node, and whether scheduling is disabled.'),
    column('Roles', 'Roles from node-role.kubernetes.io labels.'),
    AGE_COLUMN,
    column('Version', 'Kubelet version.'),
    column('Internal-IP', 'First InternalIP address.', { wide: true }),
    column('External-IP', 'First ExternalIP address.', { wide: true }),
    column('OS-Image', 'Operating system image.', { wide: true }),
    column('Kernel-Version', 'Kernel version.', { wide: true }),
    column('Container-Runtime', 'Container runtime and version.', { wide: true }),
  ],
  row(node, now) {
    const info = node.status?.nodeInfo;
    return [
      node.metadata?.name ?? '', nodeStatus(node), nodeRoles(node).join(',') || '<none>', age(node, now),
      info?.kubeletVersion ?? '',
      address(node, 'InternalIP'), address(node, 'ExternalIP'),
      info?.osImage || '<unknown>', info?.kernelVersion || '<unknown>', info?.containerRuntimeVersion || '<unknown>',
    ];
  },
};
