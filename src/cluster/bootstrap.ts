// Objects every cluster starts with, created through the API (idempotent: existing ones stay).
import { isAlreadyExists, isNotFound, Namespaces, Services, StorageClasses, type KubeObject, type ResourceType } from '../core/index.js';
import type { ApiClient } from '../client/index.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export const LOCAL_PATH_CLASS: KubeObject = {
  apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
  metadata: { name: 'local-path', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
  provisioner: 'berth.dev/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer',
  allowVolumeExpansion: false,
};

/** Sparse ext4 images on loop devices: real capacity, online expansion (not the default). */
export const LOCAL_BLOCK_CLASS: KubeObject = {
  apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
  metadata: { name: 'local-block' },
  provisioner: 'berth.dev/local-block', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer',
  allowVolumeExpansion: true, parameters: { fsType: 'ext4' },
};

async function ensure(client: ApiClient, type: ResourceType, obj: KubeObject): Promise<void> {
  // Look first: creating an existing object can fail in admission (a taken cluster IP)
  // before the store would say AlreadyExists.
  try {
    await client.get(type, { namespace: obj.metadata?.namespace, name: obj.metadata!.name! });
    return;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  try {
    await client.create(type, obj);
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
}

export async function bootstrap(client: ApiClient, opts: { apiServerPort: number }): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    await ensure(client, Namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  await ensure(client, StorageClasses, LOCAL_PATH_CLASS);
  await ensure(client, StorageClasses, LOCAL_BLOCK_CLASS);
  await ensure(client, Services, {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: opts.apiServerPort }] },
  });
}
