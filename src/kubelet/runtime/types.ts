// Runtime: what the node agent needs from "something that runs containers". CRI-shaped
// (upstream cri-api RuntimeService + ImageService): a pod is a sandbox (namespaces, network,
// an IP) holding containers; containers are created per attempt and never reused.
//
// Contract for every implementation (sim/ today, linux/ next):
// - The runtime reports runtime-native facts only: states, timestamps, exit codes, IPs. It
//   never sees restart policies, init-container order, phases or API objects; the agent owns
//   those rules once for all runtimes (upstream kubelet generateAPIPodStatus does the same).
// - Idempotent: runPodSandbox returns the existing sandbox for the same (podUid, attempt);
//   createContainer returns the existing container for the same (sandbox, name, attempt).
//   stop*/remove* of something already stopped or gone succeed. A call may be retried after
//   any failure and must converge.
// - Restart-safe: state survives the agent (a new agent on the same runtime re-adopts running
//   sandboxes and never restarts them). Where the state lives is the runtime's business; the
//   sim runtime takes a pluggable StateStore (state.ts) so a restart can be exercised in tests.
// - Errors are thrown as Error; RuntimeError.reason, when given, is what the agent reports as
//   the container's waiting reason (e.g. ErrImagePull, CreateContainerError).
// - Optional capabilities are optional members: a runtime without watchEvents is polled.

/** What the agent knows about a pod when it asks for a sandbox. */
export interface SandboxConfig {
  readonly podUid: string;
  readonly podName: string;
  readonly podNamespace: string;
  /** 0 for the first sandbox of a pod; a new attempt replaces a sandbox that died. */
  readonly attempt: number;
  readonly hostname: string;
  /** Shares the node's network namespace: no pod IP of its own. */
  readonly hostNetwork: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** spec.subdomain: /etc/hosts then names the pod `<hostname>.<subdomain>.<ns>.svc.<clusterDomain>`. */
  readonly subdomain?: string;
  /** Default cluster.local. */
  readonly clusterDomain?: string;
  /** /etc/resolv.conf of the pod (dnsPolicy/dnsConfig resolved by the agent); absent = the node's. */
  readonly dns?: { readonly servers: readonly string[]; readonly searches: readonly string[]; readonly options: readonly string[] };
  /** spec.hostAliases, appended to /etc/hosts. */
  readonly hostAliases?: ReadonlyArray<{ readonly ip: string; readonly hostnames: readonly string[] }>;
  /** spec.shareProcessNamespace: containers join the pause's PID namespace (default: one each). */
  readonly shareProcessNamespace?: boolean;
}

export type SandboxState = 'ready' | 'notready';

export interface SandboxStatus {
  readonly id: string;
  readonly podUid: string;
  readonly podName: string;
  readonly podNamespace: string;
  readonly attempt: number;
  readonly state: SandboxState;
  readonly createdAt: Date;
  /** Pod IPs, primary first; empty for host-network sandboxes and stopped ones. */
  readonly ips: readonly string[];
}

export interface Mount {
  readonly containerPath: string;
  readonly hostPath: string;
  readonly readOnly: boolean;
}

export interface ContainerConfig {
  readonly name: string;
  /** 0 for the first run; the agent bumps it for each restart (it becomes restartCount). */
  readonly attempt: number;
  /** Image as written in the pod spec; imageRef is what pullImage/imageStatus resolved to. */
  readonly image: string;
  readonly imageRef: string;
  readonly command: readonly string[];
  readonly args: readonly string[];
  readonly workingDir?: string;
  readonly env: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly mounts: readonly Mount[];
  readonly tty: boolean;
  readonly stdin: boolean;
  /** Stdin closes once the first attached client detaches (kubectl run -it --rm sets it). */
  readonly stdinOnce?: boolean;
  readonly labels: Readonly<Record<string, string>>;
  /** The container's securityContext merged with the pod's (the agent merges, as upstream does). */
  readonly securityContext?: ContainerSecurity;
  /** Limits as cgroup values (upstream CRI LinuxContainerResources); absent = unlimited. */
  readonly resources?: ContainerResources;
}

export interface ContainerSecurity {
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly supplementalGroups?: readonly number[];
  readonly readOnlyRootFilesystem?: boolean;
  readonly privileged?: boolean;
  /** Names as in the API (NET_ADMIN, ALL); applied to the runtime's default set. */
  readonly capabilities?: { readonly add?: readonly string[]; readonly drop?: readonly string[] };
}

export interface ContainerResources {
  /** limits.memory in bytes. */
  readonly memoryLimitBytes?: number;
  /** requests.cpu as shares: max(2, milliCPU * 1024 / 1000). */
  readonly cpuShares?: number;
  /** limits.cpu as CFS quota per period: milliCPU * period / 1000 (period default 100000 µs). */
  readonly cpuQuota?: number;
  readonly cpuPeriod?: number;
}

export type ContainerState = 'created' | 'running' | 'exited' | 'unknown';

export interface ContainerStatus {
  /** Runtime-native id; the API shows `<runtime type>://<id>`. */
  readonly id: string;
  readonly sandboxId: string;
  readonly podUid: string;
  readonly name: string;
  readonly attempt: number;
  /** The image's normalised name (docker.io/library/nginx:1.9.1), shown as status.image. */
  readonly image: string;
  readonly imageRef: string;
  readonly state: ContainerState;
  readonly createdAt: Date;
  readonly startedAt?: Date;
  readonly finishedAt?: Date;
  readonly exitCode?: number;
  /** Runtime's reason for an exit: Completed, Error, OOMKilled, ... */
  readonly reason?: string;
  readonly message?: string;
}

export interface ImageStatus {
  /** Resolved reference (digest form), shown as the container's imageID. */
  readonly ref: string;
  /** The normalised name, shown as the container's image (e.g. docker.io/library/nginx:1.9.1). */
  readonly name: string;
  readonly sizeBytes: number;
}

/** Credentials for one pull (CRI AuthConfig): the agent tries each keyring match in turn. */
export interface RegistryAuth {
  readonly username?: string;
  readonly password?: string;
  readonly identityToken?: string;
  readonly registryToken?: string;
}

/** An image on the node as CRI ListImages reports it (for image garbage collection). */
export interface RuntimeImage {
  /** Image ID (config digest). */
  readonly id: string;
  readonly repoTags: readonly string[];
  /** name@digest forms: what containers' imageRef may name instead of the ID. */
  readonly repoDigests: readonly string[];
  readonly sizeBytes: number;
}

/** The filesystem holding images (CRI ImageFsInfo, as the kubelet's stats provider sees it). */
export interface ImageFsInfo {
  readonly capacityBytes: number;
  readonly availableBytes: number;
}

export interface RuntimeVersion {
  /** e.g. `sim`, `runc`; the node shows `<runtimeName>://<runtimeVersion>`. */
  readonly runtimeName: string;
  readonly runtimeVersion: string;
}

/** Something changed in the runtime for this pod (a container exited): re-sync it. */
export interface RuntimeEvent {
  readonly podUid: string;
}

export class RuntimeError extends Error {
  constructor(message: string, readonly reason?: string) {
    super(message);
    this.name = 'RuntimeError';
  }
}

export interface SandboxFilter {
  readonly podUid?: string;
  readonly podNamespace?: string;
  readonly podName?: string;
}

export interface Runtime {
  /** The scheme of container IDs (`sim` → `sim://<id>`). */
  readonly type: string;
  version(): Promise<RuntimeVersion>;
  /** CRI UpdateRuntimeConfig: the node's pod CIDR, from which sandboxes get their IPs. */
  updateRuntimeConfig(config: { readonly podCIDR?: string }): Promise<void>;

  /** Idempotent per (podUid, attempt); returns the sandbox id. */
  runPodSandbox(config: SandboxConfig, signal?: AbortSignal): Promise<string>;
  /** Kills every container of the sandbox and releases its network. Idempotent. */
  stopPodSandbox(id: string): Promise<void>;
  /** Removes the sandbox and its containers. Missing = success. */
  removePodSandbox(id: string): Promise<void>;
  listPodSandboxes(filter?: SandboxFilter): Promise<SandboxStatus[]>;

  /** Idempotent per (sandboxId, name, attempt); returns the container id. */
  createContainer(sandboxId: string, config: ContainerConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** Asks the process to stop, forcing it after timeoutSeconds. Idempotent. */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  listContainers(filter?: { readonly podUid?: string; readonly sandboxId?: string }): Promise<ContainerStatus[]>;

  /** undefined when the image is not present on the node. */
  imageStatus(image: string): Promise<ImageStatus | undefined>;
  /** `auth`: the one credential to present to the image's registry (none = anonymous). */
  pullImage(image: string, signal?: AbortSignal, auth?: RegistryAuth): Promise<ImageStatus>;
  /** Optional image service for image garbage collection (a runtime without it is never collected). */
  listImages?(): Promise<RuntimeImage[]>;
  /** Removes the image (every name of it) and the data no other image needs. */
  removeImage?(id: string): Promise<void>;
  imageFsInfo?(): Promise<ImageFsInfo>;

  /** Optional push of state changes (upstream's evented PLEG); without it the agent polls. */
  watchEvents?(signal: AbortSignal): AsyncIterable<RuntimeEvent>;

  /**
   * Optional CRI ExecSync: runs `command` in the running container and collects its output.
   * A command still running after timeoutMs is killed and the call rejects with a
   * RuntimeError whose reason is `DeadlineExceeded` (CRI's status code). Runtimes that run no
   * processes (sim) leave it out; the agent then has no real probes.
   */
  execSync?(containerId: string, command: readonly string[], timeoutMs: number): Promise<ExecSyncResult>;

  /**
   * Optional: the disk a pod's containers and files take on the node (what upstream's CRI stats
   * provider reports: each container's writable layer, its log files, the pod's /etc/hosts),
   * for local ephemeral storage eviction. Runtimes without files (sim) leave it out.
   */
  podDiskUsage?(podUid: string): Promise<PodDiskUsage>;
}

/** Disk of one container (every attempt is reported; the agent picks what counts). */
export interface ContainerDiskUsage {
  readonly id: string;
  readonly name: string;
  readonly attempt: number;
  readonly state: ContainerState;
  /** Allocated bytes of the container's writable layer (CRI ContainerStats.writable_layer). */
  readonly writableLayerBytes: number;
  /** Allocated bytes of this attempt's log file. */
  readonly logBytes: number;
}

export interface PodDiskUsage {
  readonly containers: readonly ContainerDiskUsage[];
  /** The pod's /etc/hosts, which upstream counts in the pod's ephemeral storage too. */
  readonly etcHostsBytes: number;
}

export interface ExecSyncResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** RuntimeError.reason of an execSync that ran past its timeout. */
export const EXEC_DEADLINE_EXCEEDED = 'DeadlineExceeded';
