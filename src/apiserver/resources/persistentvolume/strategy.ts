// PersistentVolume strategy: phase Pending and the pv-protection finalizer on create (E1, G1),
// status kept on spec writes, lastPhaseTransitionTime stamped when a status write changes phase.
import type { PersistentVolume, PersistentVolumeStatus } from 'kubernetes-types/core/v1.js';
import { PersistentVolumes, type KubeObject } from '../../../core/index.js';
import type { ResourceStrategy, StrategyContext } from '../../registry/strategy.js';
import { defaultPersistentVolume } from './defaults.js';
import { validatePersistentVolume, validatePersistentVolumeUpdate } from './validation.js';
import { validateObjectMetaUpdate } from '../../../core/validation/index.js';

export type PersistentVolumeObject = PersistentVolume & KubeObject;
type Writable = { status?: PersistentVolumeStatus };

export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

// Writes in the same second stamp the same text: keep the last one. toISOString always ends
// in `.sssZ`, so dropping the milliseconds needs no regex.
let lastSecond = NaN;
let lastStamp = '';
function rfc3339(d: Date): string {
  const second = Math.floor(d.getTime() / 1000);
  if (second !== lastSecond) {
    lastStamp = `${d.toISOString().slice(0, -5)}Z`;
    lastSecond = second;
  }
  return lastStamp;
}

type PersistentVolumeStrategy = Omit<ResourceStrategy<PersistentVolumeObject>, 'table' | 'selectableFields' | 'fieldLabels'> & {
  prepareForStatusUpdate(next: PersistentVolumeObject, prev: PersistentVolumeObject, ctx?: StrategyContext): void;
};

export const persistentVolumeStrategy: PersistentVolumeStrategy = {
  type: PersistentVolumes,
  generation: false,
  defaults: (pv) => defaultPersistentVolume(pv),
  prepareForCreate(pv, ctx) {
    (pv as Writable).status = { phase: 'Pending', lastPhaseTransitionTime: rfc3339(ctx.now) };
    // VolumeAttributesClass is off by default in 1.33: the field is dropped.
    delete (pv.spec as Record<string, unknown> | undefined)?.volumeAttributesClassName;
    // StorageObjectInUseProtection admission.
    const meta = (pv.metadata ??= {});
    if (!(meta.finalizers ?? []).includes(PV_PROTECTION_FINALIZER)) meta.finalizers = [...(meta.finalizers ?? []), PV_PROTECTION_FINALIZER];
  },
  validate: (pv) => validatePersistentVolume(pv),
  prepareForUpdate(next, prev) {
    (next as Writable).status = prev.status;
    if ((prev.spec as Record<string, unknown> | undefined)?.volumeAttributesClassName == null) {
      delete (next.spec as Record<string, unknown> | undefined)?.volumeAttributesClassName;
    }
  },
  validateUpdate: (next, prev) => validatePersistentVolumeUpdate(next, prev),
  /** `ctx` supplies the clock for lastPhaseTransitionTime; without it the wall clock is used. */
  prepareForStatusUpdate(next: PersistentVolumeObject, prev: PersistentVolumeObject, ctx?: StrategyContext) {
    next.spec = prev.spec;
    const status = ((next as Writable).status ??= {});
    const prevStatus = prev.status ?? {};
    const stamped = status.lastPhaseTransitionTime;
    if (status.phase !== prevStatus.phase && (!stamped || stamped === prevStatus.lastPhaseTransitionTime)) {
      status.lastPhaseTransitionTime = rfc3339(ctx?.now ?? new Date());
    }
  },
  validateStatusUpdate: (next, prev) => validateObjectMetaUpdate(next.metadata, prev.metadata),
};
