// rbd volumes in the volume manager. Off unless the node runs with --enable-rbd: the rbd CLI
// reaches a Ceph cluster beyond this machine, which a user turns on knowingly. On, a pod's inline
// `rbd` volume or a PV's `spec.rbd` becomes what volumes/rbd.ts maps and mounts, with the key of
// its `secretRef` read through the API as upstream's plugin read it. The program is looked up
// on PATH at each mount (installing ceph-common needs no restart); teardown undoes mappings even
// when the flag is off now, so a restart without it strands nothing.
import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import type { RBDPersistentVolumeSource, RBDVolumeSource } from 'kubernetes-types/core/v1.js';
import { isNotFound, Secrets } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import { mountAt, mountRbd, RBD_DEFAULTS, readMounts, recordedRbdDirs, unmountRbd, type RbdVolume, type SharedRoot } from '../../volumes/index.js';
import { findProgram } from '../runtime/linux/preflight.js';
import { VolumeError } from './sources.js';

/** The directory kind of rbd volumes under a pod's `volumes/`. */
export const RBD_KIND = 'rbd';

export const RBD_DISABLED_MESSAGE =
  'rbd volumes are disabled on this node: start berth with --enable-rbd (needs the rbd CLI from Debian\'s ceph-common)';

export function rbdMissingMessage(command: string): string {
  const where = command.includes('/') ? `${command} is not an executable file` : `no "${command}" on this node's PATH`;
  return `rbd: rbd cmd not found (${where}): install the rbd CLI with apt-get install ceph-common`;
}

export interface RbdOptions {
  /** berth up --enable-rbd. */
  readonly enabled: boolean;
  /** The rbd program: a name looked up on PATH (default `rbd`) or a path. */
  readonly command?: string;
}

/** The key upstream's plugin took from a Secret: `key`, else the last value (parseSecretMap). */
function secretKey(data: Record<string, string> | undefined): string {
  let value = '';
  for (const [k, v] of Object.entries(data ?? {})) {
    const decoded = Buffer.from(v, 'base64').toString('utf8');
    if (k === 'key') return decoded;
    value = decoded;
  }
  return value;
}

export class RbdVolumes {
  private readonly command: string;

  constructor(private readonly client: ApiClient, private readonly shared: SharedRoot, private readonly opts: RbdOptions) {
    this.command = opts.command ?? 'rbd';
  }

  /** The rbd program's path, or undefined when this node has none. */
  async program(): Promise<string | undefined> {
    if (!this.command.includes('/')) return findProgram(this.command);
    return access(this.command, constants.X_OK).then(() => this.command, () => undefined);
  }

  /**
   * Maps and mounts src at dir. `readOnly`: the pod's inline `rbd.readOnly`, or for a PV the
   * claim volume's `readOnly` (upstream ignores the PV's own flag: "gets the ReadOnly flag
   * indirectly through the persistent-claim volume"). A `secretRef` without a namespace (an
   * inline volume's never has one) is read from the pod's namespace.
   */
  async setUp(src: RBDVolumeSource | RBDPersistentVolumeSource, readOnly: boolean, podNamespace: string,
    dir: string, mountOptions: readonly string[] = []): Promise<string> {
    // Mounted already (every sync of a running pod comes here): no Secret read, no CLI run.
    if (mountAt(await readMounts(), dir)) return dir;
    if (!this.opts.enabled) throw new VolumeError(RBD_DISABLED_MESSAGE);
    const cmd = await this.program();
    if (!cmd) throw new VolumeError(rbdMissingMessage(this.command));
    const volume: RbdVolume = {
      monitors: src.monitors ?? [], pool: src.pool || RBD_DEFAULTS.pool, image: src.image,
      user: src.user || RBD_DEFAULTS.user, keyring: src.keyring || RBD_DEFAULTS.keyring,
      secret: await this.secret(src, podNamespace), fsType: src.fsType || RBD_DEFAULTS.fsType, readOnly, mountOptions,
    };
    await this.shared.withShared(() => mountRbd(cmd, volume, dir));
    return dir;
  }

  /** Unmounts and unmaps every rbd volume under a pod's `volumes/` directory. */
  async tearDown(podVolumesDir: string): Promise<void> {
    const dirs = await recordedRbdDirs(join(podVolumesDir, RBD_KIND));
    if (!dirs.length) return;
    const cmd = (await this.program()) ?? this.command;
    for (const dir of dirs) await unmountRbd(cmd, dir);
  }

  private async secret(src: RBDVolumeSource | RBDPersistentVolumeSource, podNamespace: string): Promise<string | undefined> {
    const ref = src.secretRef as { name?: string; namespace?: string } | undefined;
    if (!ref?.name) return undefined;
    const namespace = ref.namespace || podNamespace;
    try {
      const secret = await this.client.get(Secrets, { namespace, name: ref.name });
      return secretKey(secret.data as Record<string, string> | undefined) || undefined;
    } catch (e) {
      if (isNotFound(e)) throw new VolumeError(`couldn't get secret ${namespace}/${ref.name} err: ${(e as Error).message}`);
      throw e;
    }
  }
}
