// Shared setup for the storage tests: a cluster running the storage controllers (binder,
// provisioner, both protections) with its volumes under a private temp dir, object builders,
// and readers for phases and events.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controllerManager } from '../../src/cluster/index.js';
import { silentLogger } from '../../src/controller-runtime/index.js';
import { Events, Nodes, PersistentVolumeClaims, PersistentVolumes, type KubeObject } from '../../src/core/index.js';
import { pvBinder } from '../../src/controllers/pv-binder/index.js';
import { provisionerController } from '../../src/controllers/provisioner/index.js';
import { pvcProtection } from '../../src/controllers/pvc-protection/index.js';
import { pvProtection } from '../../src/controllers/pv-protection/index.js';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { localPathProvisioner, type PersistentVolumeClaimObject, type PersistentVolumeObject, type Provisioner } from '../../src/volumes/index.js';
import { eventually } from './helpers.js';

export const NODE = 'node-a';

export interface StorageCluster {
  readonly cluster: TestCluster;
  /** The local-path root of this cluster's provisioner. */
  readonly root: string;
  stop(): Promise<void>;
}

/** `extraProvisioners` serve beside local-path (for storage backends a test must make fail). */
export async function startStorageCluster(opts: { extraProvisioners?: readonly Provisioner[] } = {}): Promise<StorageCluster> {
  const root = mkdtempSync(join(tmpdir(), 'berth-volumes-'));
  const provisioners = [localPathProvisioner({ root, nodeName: NODE }), ...(opts.extraProvisioners ?? [])];
  const controllers = [pvBinder, pvcProtection, pvProtection, provisionerController({ root, nodeName: NODE, provisioners })];
  const cluster = await startTestCluster({ components: [controllerManager({ controllers, logger: silentLogger, leaderElection: false })] });
  await cluster.client.create(Nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE, labels: { 'kubernetes.io/hostname': NODE } } });
  return {
    cluster, root,
    async stop() {
      await cluster.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface VolumeOptions {
  capacity?: string;
  modes?: string[];
  storageClassName?: string;
  labels?: Record<string, string>;
  claimRef?: { namespace: string; name: string; uid?: string };
  reclaim?: 'Retain' | 'Delete' | 'Recycle';
  volumeMode?: 'Filesystem' | 'Block';
  path?: string;
}

export function volume(name: string, o: VolumeOptions = {}): PersistentVolumeObject {
  return {
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name, ...(o.labels ? { labels: o.labels } : {}) },
    spec: {
      capacity: { storage: o.capacity ?? '1Gi' }, accessModes: o.modes ?? ['ReadWriteOnce'],
      storageClassName: o.storageClassName ?? '', hostPath: { path: o.path ?? `/mnt/berth-test/${name}` },
      ...(o.claimRef ? { claimRef: o.claimRef } : {}), ...(o.reclaim ? { persistentVolumeReclaimPolicy: o.reclaim } : {}),
      ...(o.volumeMode ? { volumeMode: o.volumeMode } : {}),
    },
  };
}

export interface ClaimOptions {
  request?: string;
  modes?: string[];
  /** null: leave storageClassName out (the default class admission may fill it). */
  storageClassName?: string | null;
  selector?: Record<string, unknown>;
  volumeName?: string;
  volumeMode?: 'Filesystem' | 'Block';
  namespace?: string;
}

export function claim(name: string, o: ClaimOptions = {}): PersistentVolumeClaimObject {
  return {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: o.namespace ?? 'default' },
    spec: {
      accessModes: o.modes ?? ['ReadWriteOnce'], resources: { requests: { storage: o.request ?? '1Gi' } },
      ...(o.storageClassName === null ? {} : { storageClassName: o.storageClassName ?? '' }),
      ...(o.selector ? { selector: o.selector } : {}), ...(o.volumeName ? { volumeName: o.volumeName } : {}),
      ...(o.volumeMode ? { volumeMode: o.volumeMode } : {}),
    },
  };
}

export const getClaim = (c: TestCluster, name: string, namespace = 'default') =>
  c.client.get<PersistentVolumeClaimObject>(PersistentVolumeClaims, { namespace, name });
export const getVolume = (c: TestCluster, name: string) => c.client.get<PersistentVolumeObject>(PersistentVolumes, { name });

/** Waits until the claim is Bound and returns it. */
export const boundClaim = (c: TestCluster, name: string, namespace = 'default') =>
  eventually(async () => { const pvc = await getClaim(c, name, namespace); return pvc.status?.phase === 'Bound' && pvc; }, `claim ${name} Bound`);

export async function volumePhase(c: TestCluster, name: string, phase: string): Promise<PersistentVolumeObject> {
  return eventually(async () => { const pv = await getVolume(c, name); return pv.status?.phase === phase && pv; }, `PV ${name} ${phase}`);
}

export async function gone(read: () => Promise<unknown>, what: string): Promise<void> {
  await eventually(async () => {
    try { await read(); return false; } catch (e) { return (e as { reason?: string }).reason === 'NotFound'; }
  }, `${what} gone`);
}

export interface EventView { type: string; reason: string; message: string; count: number; source: string }

/** Events about one object, as `kubectl describe` finds them. */
export async function eventsFor(c: TestCluster, kind: string, name: string, namespace = 'default'): Promise<EventView[]> {
  const list = await c.client.list<KubeObject>(Events, { namespace, fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}` });
  return list.items.map((e) => ({
    type: e.type as string, reason: e.reason as string, message: e.message as string, count: e.count as number,
    source: (e.source as { component?: string } | undefined)?.component ?? '',
  }));
}

/** Waits for an event with this reason and returns it. */
export async function eventWith(c: TestCluster, kind: string, name: string, reason: string, namespace = 'default'): Promise<EventView> {
  return eventually(async () => (await eventsFor(c, kind, name, namespace)).find((e) => e.reason === reason), `${reason} event on ${kind} ${name}`);
}
