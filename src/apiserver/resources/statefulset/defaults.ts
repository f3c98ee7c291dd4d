// Scheme defaulting for StatefulSets (apps/v1 SetDefaults_StatefulSet, D1 and B11), their pod
// template (as pods) and volume claim templates (as claims, Pending status included).
import type { StatefulSet, StatefulSetStatus } from 'kubernetes-types/apps/v1.js';
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import { defaultPodSpec } from '../pod/defaults.js';
import { defaultPersistentVolumeClaim } from '../persistentvolumeclaim/defaults.js';

export function defaultStatefulSet(sts: StatefulSet): void {
  const spec = (sts.spec ??= {} as NonNullable<StatefulSet['spec']>);
  spec.podManagementPolicy ||= 'OrderedReady';
  const strategy = (spec.updateStrategy ??= {});
  if (!strategy.type) {
    strategy.type = 'RollingUpdate';
    strategy.rollingUpdate ??= {};
  }
  if (strategy.type === 'RollingUpdate' && strategy.rollingUpdate && strategy.rollingUpdate.partition == null) {
    strategy.rollingUpdate.partition = 0;
  }
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
  retention.whenDeleted ||= 'Retain';
  retention.whenScaled ||= 'Retain';
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  const template = (spec.template ??= {});
  defaultPodSpec((template.spec ??= {} as PodSpec));
  for (const claim of spec.volumeClaimTemplates ?? []) {
    // Embedded claims carry their type and are defaulted as whole claims.
    claim.apiVersion ??= 'v1';
    claim.kind ??= 'PersistentVolumeClaim';
    defaultPersistentVolumeClaim(claim);
  }
  const status = (sts as { status?: StatefulSetStatus }).status;
  if (status) status.replicas ??= 0;
}
