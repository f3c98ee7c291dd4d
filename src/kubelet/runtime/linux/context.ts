// Contract: what the linux runtime's parts share: the on-disk layout, the helper programs, the
// records in memory (the files under <root> are the truth; these maps mirror them), the IP
// allocator and the image source. One RuntimeContext per LinuxRuntime instance.
import type { ImageFsInfo, RegistryAuth } from '../types.js';
import { run, type RunOptions, type RunResult } from './exec.js';
import type { CgroupMode } from './cgroups.js';
import type { Ipam } from './ipam.js';
import type { ContainerRecord, Layout, SandboxRecord } from './records.js';

/** What the runtime needs of the image store (src/images `Images` satisfies it). */
export interface ImageSource {
  resolveImage(ref: string): Promise<{
    id: string;
    config: {
      Entrypoint?: string[] | null; Cmd?: string[] | null; Env?: string[]; WorkingDir?: string; User?: string; StopSignal?: string;
    };
    layerDirs: string[];
  }>;
  status(ref: string): Promise<{ ref: string; name: string; sizeBytes: number } | undefined>;
  /** `credentials(host, path)`: what to present to a registry (imagePullSecrets), absent = anonymous. */
  pull(ref: string, opts?: { signal?: AbortSignal; credentials?: (host: string, path: string) => RegistryAuth | undefined }): Promise<unknown>;
  /** For image garbage collection; a source without them is never collected. */
  list?(): Promise<Array<{ ref: string; name?: string; digest: string; id: string; size: number }>>;
  remove?(ref: string): Promise<string[]>;
  gc?(opts: { inUse?: Iterable<string>; gracePeriodMs?: number }): Promise<unknown>;
  fsInfo?(): Promise<ImageFsInfo>;
}

export interface Tools {
  readonly runc: string;
  readonly conmon: string;
  readonly catatonit: string;
}

export interface RuntimeContext {
  readonly layout: Layout;
  readonly tools: Tools;
  readonly ipam: Ipam;
  readonly bridge: string;
  readonly cgroupMode: CgroupMode;
  /** Name of the cgroup that holds every pod of this runtime (below the agent's own cgroup on v1). */
  readonly cgroupParent: string;
  readonly images: ImageSource;
  readonly sandboxes: Map<string, SandboxRecord>;
  readonly containers: Map<string, ContainerRecord>;
  /** Told when a container of a pod ended on its own (watchEvents). */
  notify(podUid: string): void;
}

export function runc(ctx: RuntimeContext, args: readonly string[], opts?: RunOptions): Promise<RunResult> {
  return run(ctx.tools.runc, ['--root', ctx.layout.runcRoot, ...args], opts);
}

/** `runc delete --force`; a container runc does not know is already deleted. */
export async function runcDelete(ctx: RuntimeContext, id: string): Promise<void> {
  const r = await runc(ctx, ['delete', '--force', id]);
  if (r.code !== 0 && !/does not exist|not found/i.test(r.stderr)) {
    throw new Error(`runc delete ${id}: ${r.stderr.trim()}`);
  }
}
