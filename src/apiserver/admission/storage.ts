// Storage admission: the default StorageClass for new claims (DefaultStorageClass) and the
// protection finalizers on claims and volumes (StorageObjectInUseProtection).
import { PersistentVolumeClaims, PersistentVolumes, StorageClasses, type KubeObject } from '../../core/index.js';
import type { AdmissionPlugin } from './types.js';

const DEFAULT_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
const BETA_DEFAULT_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';
const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** The default class: newest creationTimestamp wins, ties by name (upstream GetDefaultClass). */
export function pickDefaultClass(classes: readonly KubeObject[]): KubeObject | undefined {
  const defaults = classes.filter((c) => {
    const a = c.metadata?.annotations ?? {};
    return a[DEFAULT_ANNOTATION] === 'true' || a[BETA_DEFAULT_ANNOTATION] === 'true';
  });
  defaults.sort((x, y) => {
    const tx = x.metadata?.creationTimestamp ?? '';
    const ty = y.metadata?.creationTimestamp ?? '';
    if (tx !== ty) return tx > ty ? -1 : 1;
    return (x.metadata?.name ?? '') < (y.metadata?.name ?? '') ? -1 : 1;
  });
  return defaults[0];
}

export const defaultStorageClass: AdmissionPlugin = {
  name: 'DefaultStorageClass',
  async admit(a) {
    if (a.type !== PersistentVolumeClaims || a.operation !== 'CREATE' || !a.object) return;
    const spec = (a.object.spec ??= {}) as { storageClassName?: string | null };
    if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
    if (a.object.metadata?.annotations?.[BETA_CLASS_ANNOTATION] !== undefined) return;
    const def = pickDefaultClass(await a.reader.list(StorageClasses));
    if (def?.metadata?.name) spec.storageClassName = def.metadata.name;
  },
};

function addFinalizer(obj: KubeObject, f: string): void {
  const meta = (obj.metadata ??= {});
  if (!(meta.finalizers ?? []).includes(f)) meta.finalizers = [...(meta.finalizers ?? []), f];
}

export const storageObjectInUseProtection: AdmissionPlugin = {
  name: 'StorageObjectInUseProtection',
  admit(a) {
    if (a.operation !== 'CREATE' || !a.object) return;
    if (a.type === PersistentVolumeClaims) addFinalizer(a.object, 'kubernetes.io/pvc-protection');
    if (a.type === PersistentVolumes) addFinalizer(a.object, 'kubernetes.io/pv-protection');
  },
};
