// What the fuzz test aims at: every served kind with a valid object to start from (the corpus
// that mutations work on), and the URLs of its collection, items and subresources.
import { ALL_RESOURCES, type ResourceType } from '../../src/core/index.js';

export const NS = 'fuzz';

export interface Target {
  readonly type: ResourceType;
  /** A valid object of this kind named `name` (in NS when namespaced). */
  readonly valid: (name: string) => Record<string, any>;
}

const container = (name = 'app', image = 'nginx:1.25') => ({ name, image, ports: [{ containerPort: 80, name: 'http' }], env: [{ name: 'A', value: '1' }] });
const podSpec = () => ({ containers: [container(), container('side', 'busybox:1.36')], volumes: [{ name: 'data', emptyDir: {} }] });
const labels = { app: 'fuzz', tier: 'a' };

const VALID: Record<string, (name: string) => Record<string, any>> = {
  Namespace: () => ({}),
  Node: () => ({ spec: { unschedulable: true, podCIDR: '10.250.0.0/24', taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] } }),
  Pod: () => ({ spec: podSpec() }),
  Service: () => ({ spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'm', port: 9100 }] } }),
  Endpoints: () => ({ subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80, name: 'http' }] }] }),
  EndpointSlice: () => ({
    addressType: 'IPv4', ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true }, hostname: 'web-0', nodeName: 'berth-control-plane' }],
  }),
  Event: (name) => ({
    reason: 'Fuzzed', message: 'a seed event', type: 'Normal', count: 1,
    involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', name, namespace: NS },
  }),
  ConfigMap: () => ({ data: { a: '1', 'b.txt': 'hello' }, binaryData: { bin: Buffer.from([0, 1, 2]).toString('base64') } }),
  Secret: () => ({ type: 'Opaque', data: { user: Buffer.from('admin').toString('base64') }, stringData: { pass: 'p' } }),
  ServiceAccount: () => ({ secrets: [{ name: 'token' }], automountServiceAccountToken: false }),
  PersistentVolume: (name) => ({
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'manual', persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: `/tmp/berth-fuzz/${name}` } },
  }),
  PersistentVolumeClaim: () => ({ spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'manual', resources: { requests: { storage: '1Gi' } } } }),
  StorageClass: () => ({ provisioner: 'example.com/fuzz', reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer', parameters: { a: 'b' } }),
  StatefulSet: (name) => ({
    spec: {
      replicas: 2, serviceName: name, selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { ...podSpec(), containers: [{ ...container(), volumeMounts: [{ name: 'www', mountPath: '/www' }] }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  }),
  ControllerRevision: () => ({ revision: 1, data: { spec: { template: { metadata: { labels } } } } }),
  Lease: () => ({ spec: { holderIdentity: 'fuzz', leaseDurationSeconds: 15, leaseTransitions: 0 } }),
};

export const TARGETS: readonly Target[] = ALL_RESOURCES.map((type) => {
  const body = VALID[type.kind];
  if (!body) throw new Error(`no fuzz seed for ${type.kind}: add one`);
  return {
    type,
    valid: (name: string) => ({
      apiVersion: type.group ? `${type.group}/${type.version}` : type.version, kind: type.kind,
      metadata: { name, ...(type.namespaced ? { namespace: NS } : {}), labels: { ...labels, seed: 'yes' }, annotations: { note: 'fuzz seed' } },
      ...body(name),
    }),
  };
});

/** Percent-encodes a path segment; lone surrogates (which encodeURIComponent refuses) go as U+FFFD. */
export function segment(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function collectionPath(type: ResourceType, namespace: string = NS): string {
  const root = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  return `${root}${type.namespaced ? `/namespaces/${segment(namespace)}` : ''}/${type.plural}`;
}

export function itemPath(type: ResourceType, name: string, namespace: string = NS, subresource?: string): string {
  return `${collectionPath(type, namespace)}/${segment(name)}${subresource ? `/${subresource}` : ''}`;
}

/** Subresources that take a body (log, exec and the other streams are out of scope). */
export function bodySubresources(type: ResourceType): string[] {
  return type.subresources.filter((s) => s === 'status' || s === 'scale' || s === 'binding');
}
