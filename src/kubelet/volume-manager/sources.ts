// Per-volume-type setup: where a pod volume lives on the host, created or checked as upstream's
// volume plugins do (persistentVolumeClaim, hostPath, emptyDir, configMap, secret,
// downwardAPI, projected). Contract: idempotent; throws VolumeError with the message the
// kubelet shows in a FailedMount event; never deletes data a volume points at.
import { chmod, lstat, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pod, Volume } from 'kubernetes-types/core/v1.js';
import { ConfigMaps, PersistentVolumeClaims, PersistentVolumes, Secrets, isNotFound } from '../../core/index.js';
import type { ApiClient } from '../../client/index.js';
import type { PersistentVolumeClaimObject as ClaimObject, PersistentVolumeObject as VolumeObject } from '../../volumes/index.js';

export class VolumeError extends Error {
  constructor(message: string, readonly reason = 'FailedMount') { super(message); this.name = 'VolumeError'; }
}

type FileMap = Map<string, { data: Buffer; mode: number }>;


/** A pod's claim and the PV it is bound to; the errors say what keeps the volume from mounting. */
export async function boundVolume(client: ApiClient, pod: Pod, claimName: string): Promise<{ claim: ClaimObject; pv: VolumeObject }> {
  const ns = pod.metadata?.namespace;
  let claim: ClaimObject;
  try {
    claim = await client.get<ClaimObject>(PersistentVolumeClaims, { namespace: ns, name: claimName });
  } catch (e) {
    if (isNotFound(e)) throw new VolumeError(`persistentvolumeclaim "${claimName}" not found`);
    throw e;
  }
  if (claim.metadata?.deletionTimestamp) throw new VolumeError(`persistentvolumeclaim "${claimName}" is being deleted`);
  const volumeName = claim.spec?.volumeName;
  if (!volumeName || claim.status?.phase !== 'Bound') throw new VolumeError(`persistentvolumeclaim "${claimName}" is not bound`);
  return { claim, pv: await client.get<VolumeObject>(PersistentVolumes, { name: volumeName }) };
}

/** The host directory of a directory-backed PV (local, hostPath). */
export async function volumePath(pv: VolumeObject): Promise<string> {
  const volumeName = pv.metadata?.name ?? '';
  const spec = pv.spec ?? {};
  if (spec.local?.path) return ensureDir(spec.local.path, `local volume ${volumeName}`);
  if (spec.hostPath?.path) return hostPath(spec.hostPath.path, spec.hostPath.type ?? '');
  throw new VolumeError(`MountVolume.SetUp failed for volume "${volumeName}": this node cannot mount this kind of persistent volume`);
}

async function ensureDir(path: string, what: string): Promise<string> {
  try {
    const s = await stat(path);
    if (!s.isDirectory()) throw new VolumeError(`${what}: ${path} is not a directory`);
  } catch (e) {
    if (e instanceof VolumeError) throw e;
    await mkdir(path, { recursive: true });
  }
  return path;
}

/** hostPath with upstream's `type` checks. */
export async function hostPath(path: string, type: string): Promise<string> {
  const info = await lstat(path).catch(() => undefined);
  const fail = (what: string) => { throw new VolumeError(`hostPath type check failed: ${path} is not a ${what}`); };
  switch (type) {
    case '': return path;
    case 'DirectoryOrCreate': if (!info) await mkdir(path, { recursive: true, mode: 0o755 }); else if (!info.isDirectory()) fail('directory'); return path;
    case 'Directory': if (!info?.isDirectory()) fail('directory'); return path;
    case 'FileOrCreate': if (!info) await writeFile(path, '', { mode: 0o644 }); else if (!info.isFile()) fail('file'); return path;
    case 'File': if (!info?.isFile()) fail('file'); return path;
    case 'Socket': if (!info?.isSocket()) fail('socket'); return path;
    case 'CharDevice': if (!info?.isCharacterDevice()) fail('character device'); return path;
    case 'BlockDevice': if (!info?.isBlockDevice()) fail('block device'); return path;
    default: throw new VolumeError(`hostPath type ${type} is not supported`);
  }
}

/**
 * Writes a file set into `dir`, each file replaced atomically (write + rename) and stale files
 * removed. The directory itself stays: running containers have it bind-mounted.
 */
export async function writeFiles(dir: string, files: FileMap): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [rel, f] of files) {
    if (rel.split('/').includes('..') || rel.startsWith('/')) throw new VolumeError(`invalid path in volume: ${rel}`);
    const target = join(dir, rel);
    await mkdir(join(target, '..'), { recursive: true });
    const tmp = `${target}.berth-tmp`;
    await writeFile(tmp, f.data);
    await chmod(tmp, f.mode);
    await rename(tmp, target);
  }
  const wanted = new Set([...files.keys()].map((k) => k.split('/')[0]));
  for (const entry of await readdir(dir)) if (!wanted.has(entry)) await rm(join(dir, entry), { recursive: true, force: true });
  return dir;
}

interface KeyToPath { key: string; path: string; mode?: number }

function selectKeys(data: Map<string, Buffer>, items: KeyToPath[] | undefined, defaultMode: number, what: string): FileMap {
  const out: FileMap = new Map();
  if (!items?.length) {
    for (const [k, v] of data) out.set(k, { data: v, mode: defaultMode });
    return out;
  }
  for (const it of items) {
    const v = data.get(it.key);
    if (!v) throw new VolumeError(`configmap references non-existent config key: ${it.key}`.replace('configmap', what));
    out.set(it.path, { data: v, mode: it.mode ?? defaultMode });
  }
  return out;
}

export async function configMapFiles(client: ApiClient, ns: string, src: { name?: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean }): Promise<FileMap> {
  try {
    const cm = await client.get(ConfigMaps, { namespace: ns, name: src.name ?? '' });
    const data = new Map<string, Buffer>();
    for (const [k, v] of Object.entries((cm.data as Record<string, string>) ?? {})) data.set(k, Buffer.from(v));
    for (const [k, v] of Object.entries((cm.binaryData as Record<string, string>) ?? {})) data.set(k, Buffer.from(v, 'base64'));
    return selectKeys(data, src.items, src.defaultMode ?? 0o644, 'configmap');
  } catch (e) {
    if (isNotFound(e) && src.optional) return new Map();
    if (isNotFound(e)) throw new VolumeError(`configmap "${src.name}" not found`);
    throw e;
  }
}

export async function secretFiles(client: ApiClient, ns: string, src: { secretName?: string; name?: string; items?: KeyToPath[]; defaultMode?: number; optional?: boolean }): Promise<FileMap> {
  const name = src.secretName ?? src.name ?? '';
  try {
    const secret = await client.get(Secrets, { namespace: ns, name });
    const data = new Map<string, Buffer>();
    for (const [k, v] of Object.entries((secret.data as Record<string, string>) ?? {})) data.set(k, Buffer.from(v, 'base64'));
    return selectKeys(data, src.items, src.defaultMode ?? 0o644, 'secret');
  } catch (e) {
    if (isNotFound(e) && src.optional) return new Map();
    if (isNotFound(e)) throw new VolumeError(`secret "${name}" not found`);
    throw e;
  }
}

function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {}).sort().map((k) => `${k}=${JSON.stringify(m![k])}`).join('\n');
}

export function downwardFiles(pod: Pod, src: { items?: { path: string; fieldRef?: { fieldPath: string }; resourceFieldRef?: { containerName?: string; resource: string }; mode?: number }[]; defaultMode?: number }): FileMap {
  const out: FileMap = new Map();
  for (const it of src.items ?? []) {
    let value = '';
    const fp = it.fieldRef?.fieldPath;
    if (fp === 'metadata.name') value = pod.metadata?.name ?? '';
    else if (fp === 'metadata.namespace') value = pod.metadata?.namespace ?? '';
    else if (fp === 'metadata.uid') value = pod.metadata?.uid ?? '';
    else if (fp === 'metadata.labels') value = formatMap(pod.metadata?.labels);
    else if (fp === 'metadata.annotations') value = formatMap(pod.metadata?.annotations);
    else if (fp?.startsWith('metadata.labels[')) value = pod.metadata?.labels?.[fp.slice(17, -2)] ?? '';
    else if (fp?.startsWith('metadata.annotations[')) value = pod.metadata?.annotations?.[fp.slice(22, -2)] ?? '';
    else if (it.resourceFieldRef) {
      const c = pod.spec?.containers.find((x) => x.name === (it.resourceFieldRef!.containerName ?? pod.spec?.containers[0].name));
      const [kind, res] = it.resourceFieldRef.resource.split('.');
      value = String((c?.resources as Record<string, Record<string, string>> | undefined)?.[kind]?.[res] ?? '0');
    } else if (fp) throw new VolumeError(`downwardAPI field ${fp} is not supported`);
    out.set(it.path, { data: Buffer.from(value), mode: it.mode ?? src.defaultMode ?? 0o644 });
  }
  return out;
}

export type { Volume };
