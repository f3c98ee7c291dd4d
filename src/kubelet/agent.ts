// nodeAgent(): the node agent as a long-running component ({ name, run(client, signal) }):
// registers its Node, keeps its Lease and status fresh, and runs the pods bound to it on a
// Runtime. Everything the agent knows about pods comes from a watch on
// spec.nodeName=<node>; everything it says goes through the API (status, events, the final
// DELETE of a pod it stopped).
//
// Lifecycle of run(client, signal): runtime config (pod CIDR) → register → lease and status
// loops → pod informer → pod workers, image garbage collection (image-gc.ts) and local storage
// eviction (eviction/); when the signal aborts everything winds down and the
// runtime is left as it is: pods keep "running", and a new agent on the same runtime adopts
// them without restarting anything.
import { cpus, totalmem } from 'node:os';
import type { Taint } from 'kubernetes-types/core/v1.js';
import { Pods } from '../core/index.js';
import type { ApiClient } from '../client/index.js';
import { InformerSet, consoleLogger, realClock, type Clock, type Logger } from '../controller-runtime/index.js';
import { createEventRecorder } from './events.js';
import { EvictionManager, trackVolumeDirs } from './eviction/index.js';
import { collectsImages, DEFAULT_IMAGE_GC_POLICY, ImageGcManager, runImageGc, type ImageGcPolicy } from './image-gc.js';
import { runLease } from './node/lease.js';
import { defaultLabels, newBootID, type NodeIdentity } from './node/node-object.js';
import { register, runNodeStatus } from './node/register.js';
import { Backoff } from './pods/backoff.js';
import type { PodObject, PodSyncContext, PodVolumes } from './pods/context.js';
import { PodKills } from './pods/kill.js';
import { DEFAULT_CLUSTER_DOMAIN } from './pods/pod-config.js';
import { runPodWorkers } from './pods/workers.js';
import { ProbeManager } from './probes/index.js';
import type { Runtime } from './runtime/index.js';

/** Structurally the cluster's Component: the kubelet does not depend on src/cluster. */
export interface AgentComponent {
  readonly name: string;
  run(client: ApiClient, signal: AbortSignal): Promise<void>;
}

export interface NodeAgentOptions {
  readonly nodeName: string;
  readonly runtime: Runtime;
  /** Default: this machine's CPUs and memory, 110 pods, 100Gi ephemeral storage. */
  readonly capacity?: Readonly<Record<string, string>>;
  /** Default: the capacity. */
  readonly allocatable?: Readonly<Record<string, string>>;
  /** Added to the default kubernetes.io/{hostname,os,arch} labels (e.g. a node-role). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Registered with the Node (e.g. a control-plane NoSchedule taint). */
  readonly taints?: readonly Taint[];
  /** The node's pod CIDR; the runtime gives pods IPs from it. */
  readonly podCIDR?: string;
  /** InternalIP of the node (hostIP of its pods). Default 127.0.0.1. */
  readonly address?: string;
  readonly volumes?: PodVolumes;
  /** Cluster DNS server IPs for ClusterFirst pods (kubelet --cluster-dns); none = the node's resolv.conf. */
  readonly clusterDNS?: readonly string[];
  /** Default cluster.local. */
  readonly clusterDomain?: string;
  /** Pods synced in parallel; default 16. */
  readonly workers?: number;
  readonly leaseRenewIntervalMs?: number;      // default 10 000
  readonly statusUpdateIntervalMs?: number;    // default 10 000
  readonly statusReportIntervalMs?: number;    // default 300 000
  readonly relistIntervalMs?: number;          // default 1 000 (runtimes without events)
  /** Eviction of pods over their local ephemeral storage limits (runtimes that measure disk); default 10 000. */
  readonly evictionMonitoringPeriodMs?: number;
  /** kubelet localStorageCapacityIsolation: false = emptyDir sizeLimit and ephemeral-storage limits are not enforced. Default true. */
  readonly localStorageCapacityIsolation?: boolean;
  /** Image garbage collection (runtimes with an image service); false = off. Default: upstream's policy. */
  readonly imageGc?: Partial<ImageGcPolicy> | false;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

export function defaultCapacity(): Record<string, string> {
  return { cpu: String(cpus().length), memory: `${Math.floor(totalmem() / 1024)}Ki`, pods: '110', 'ephemeral-storage': '100Gi' };
}

export function nodeAgent(opts: NodeAgentOptions): AgentComponent {
  const clock = opts.clock ?? realClock;
  const logger = opts.logger ?? consoleLogger;
  const bootID = newBootID();
  return {
    name: `node-agent/${opts.nodeName}`,
    async run(client, signal) {
      const { runtime, nodeName } = opts;
      const address = opts.address ?? '127.0.0.1';
      if (opts.podCIDR) await runtime.updateRuntimeConfig({ podCIDR: opts.podCIDR });
      const version = await runtime.version();
      const capacity = opts.capacity ?? defaultCapacity();
      const id: NodeIdentity = {
        name: nodeName, labels: { ...defaultLabels(nodeName), ...(opts.labels ?? {}) }, taints: opts.taints ?? [],
        podCIDR: opts.podCIDR, addresses: [{ type: 'InternalIP', address }, { type: 'Hostname', address: nodeName }],
        capacity, allocatable: opts.allocatable ?? capacity,
        containerRuntimeVersion: `${version.runtimeName}://${version.runtimeVersion}`, bootID, machineID: bootID.replace(/-/g, ''),
      };
      const node = await register(client, id, clock, logger, signal);
      if (!node) return;

      const informers = new InformerSet(client, { logger });
      const pods = informers.informerFor<PodObject>(Pods, { fieldSelector: `spec.nodeName=${nodeName}` });
      const events = createEventRecorder(client, { component: 'kubelet', host: nodeName }, logger, () => clock.now());
      // Real probes need a runtime that runs processes (execSync); sim pods keep simulated ones.
      const probes = runtime.execSync ? new ProbeManager({ runtime, events, clock, logger, signal }) : undefined;
      // Local storage limits need a runtime that measures disk; sim pods write nothing.
      const measure = opts.localStorageCapacityIsolation !== false && runtime.podDiskUsage ? runtime.podDiskUsage.bind(runtime) : undefined;
      const tracked = measure && opts.volumes ? trackVolumeDirs(opts.volumes) : undefined;
      const kills = new PodKills();
      const ctx: PodSyncContext = {
        client, runtime, nodeName, hostIPs: [address], events, backoff: new Backoff(), clock, logger, volumes: tracked?.volumes ?? opts.volumes, signal, probes, kills,
        dns: { clusterDNS: opts.clusterDNS ?? [], clusterDomain: opts.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN },
      };
      informers.start(signal);
      const nodeRef = { apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName, uid: nodeName } };
      const gcPolicy = opts.imageGc === false ? undefined : { ...DEFAULT_IMAGE_GC_POLICY, ...(opts.imageGc ?? {}) };
      const imageGc = gcPolicy && collectsImages(runtime)
        ? runImageGc(new ImageGcManager(runtime, gcPolicy, events, nodeRef, clock, logger), { periodMs: gcPolicy.periodMs, events, node: nodeRef, clock, logger }, signal)
        : Promise.resolve();
      const eviction = measure
        ? new EvictionManager({
          podDiskUsage: measure, pods: () => pods.lister.list(), volumeDirs: (uid) => tracked?.dirsOf(uid), kills, events, clock, logger,
          monitoringPeriodMs: opts.evictionMonitoringPeriodMs,
        }).run(signal)
        : Promise.resolve();
      await Promise.all([
        imageGc,
        eviction,
        runLease(client, { nodeName, nodeUid: node.metadata?.uid, renewIntervalMs: opts.leaseRenewIntervalMs ?? 10_000 }, clock, logger, signal),
        runNodeStatus(client, id, {
          intervalMs: opts.statusUpdateIntervalMs ?? 10_000, reportIntervalMs: opts.statusReportIntervalMs ?? 300_000,
        }, clock, logger, signal),
        runPodWorkers(ctx, pods, { workers: opts.workers ?? 16, relistIntervalMs: opts.relistIntervalMs ?? 1000 }),
      ]);
      await probes?.stop();
      await informers.stopped();
      await events.flush();
    },
  };
}
