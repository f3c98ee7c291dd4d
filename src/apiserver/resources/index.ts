// Every served kind's strategy, in one list (the API server builds its registry from it).
import type { ResourceStrategy } from '../registry/strategy.js';
import { namespaceResource } from './namespace/index.js';
import { nodeResource } from './node/index.js';
import { podResource } from './pod/index.js';
import { serviceResource } from './service/index.js';
import { endpointsResource } from './endpoints/index.js';
import { eventResource } from './event/index.js';
import { configMapResource } from './configmap/index.js';
import { secretResource } from './secret/index.js';
import { serviceAccountResource } from './serviceaccount/index.js';
import { persistentVolumeResource } from './persistentvolume/index.js';
import { persistentVolumeClaimResource } from './persistentvolumeclaim/index.js';
import { storageClassResource } from './storageclass/index.js';
import { statefulSetResource } from './statefulset/index.js';
import { controllerRevisionResource } from './controllerrevision/index.js';
import { leaseResource } from './lease/index.js';
import { endpointSliceResource } from './endpointslice/index.js';

export function allStrategies(): ResourceStrategy[] {
  return [
    namespaceResource, nodeResource, podResource, serviceResource, endpointsResource, eventResource, configMapResource, secretResource, serviceAccountResource, persistentVolumeResource, persistentVolumeClaimResource, storageClassResource, statefulSetResource, controllerRevisionResource, leaseResource,
    endpointSliceResource,
  ];
}
