// `kubectl get controllerrevisions`: NAME CONTROLLER (`statefulset.apps/web`) REVISION AGE.
import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import type { TableSpec } from '../../registry/strategy.js';
import { age, AGE_COLUMN, column, controllerOf, NAME_COLUMN, type Obj } from '../printing.js';

/** `kind.group/name` in lower case (`pod/x` for the core group), `<none>` without a controller. */
function controllerName(cr: ControllerRevision): string {
  const ref = controllerOf(cr as Obj<ControllerRevision>);
  if (!ref) return '<none>';
  const apiVersion = ref.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const kind = ref.kind ?? '';
  if (kind === '' && group === '') return ref.name;
  return `${(group ? `${kind}.${group}` : kind).toLowerCase()}/${ref.name}`;
}

export const controllerRevisionTable: TableSpec<Obj<ControllerRevision>> = {
  columns: [
    NAME_COLUMN,
    column('Controller', 'The object that owns this revision.'),
    column('Revision', 'Revision number of the recorded state.'),
    AGE_COLUMN,
  ],
  row: (cr, now) => [cr.metadata?.name ?? '', controllerName(cr), cr.revision ?? 0, age(cr, now)],
};
