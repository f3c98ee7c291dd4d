// Contract: the OCI image-spec and Docker v2 document shapes this module reads, the media
// types it accepts, and the choice of one platform manifest from an index / manifest list.
// Parsing validates what the rest of the module relies on (digests well formed, layers a
// list) and throws InvalidImage / Unsupported otherwise, so a hostile registry or archive
// cannot reach the filesystem code with garbage.
import { invalidImage, notFound, unsupported } from './errors.js';
import { isDigest } from './reference.js';

export const MT = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

/** Sent on every manifest GET: without it registries 404 OCI manifests and downgrade Docker v2 to schema1. */
export const MANIFEST_ACCEPT = [MT.ociIndex, MT.ociManifest, MT.dockerList, MT.dockerManifest].join(', ');

const INDEX_TYPES = new Set<string>([MT.ociIndex, MT.dockerList]);
const MANIFEST_TYPES = new Set<string>([MT.ociManifest, MT.dockerManifest]);

export interface Platform { os: string; architecture: string; variant?: string }
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
  urls?: string[];
}
export interface IndexDoc { kind: 'index'; mediaType: string; manifests: Descriptor[] }
export interface ManifestDoc { kind: 'manifest'; mediaType: string; config: Descriptor; layers: Descriptor[] }

/** The runtime-relevant part of an image config (OCI "config" / Docker "config"). */
export interface ImageRuntimeConfig {
  User?: string;
  ExposedPorts?: Record<string, object>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, object>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
}
export interface ImageConfigDoc {
  architecture?: string;
  os?: string;
  created?: string;
  config?: ImageRuntimeConfig;
  rootfs: { type: string; diff_ids: string[] };
}

function descriptor(d: any, where: string): Descriptor {
  if (!d || typeof d !== 'object' || typeof d.digest !== 'string' || !isDigest(d.digest)) {
    throw invalidImage(`${where}: descriptor without a valid sha256 digest`);
  }
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) throw invalidImage(`${where}: descriptor ${d.digest} has no valid size`);
  return d as Descriptor;
}

/** Parses a manifest or index; `contentType` (from HTTP or a parent descriptor) breaks ties. */
export function parseManifest(bytes: Buffer, contentType?: string): IndexDoc | ManifestDoc {
  let doc: any;
  try { doc = JSON.parse(bytes.toString('utf8')); } catch { throw invalidImage('manifest is not valid JSON'); }
  if (!doc || typeof doc !== 'object') throw invalidImage('manifest is not a JSON object');
  const ct = (contentType ?? '').split(';')[0]!.trim();
  const mediaType: string = typeof doc.mediaType === 'string' ? doc.mediaType : ct;
  if (doc.schemaVersion === 1 || mediaType === MT.dockerSchema1 || ct === MT.dockerSchema1) {
    throw unsupported('Docker image manifest schema 1 is not supported (push the image again with a current client)');
  }
  if (INDEX_TYPES.has(mediaType) || (!MANIFEST_TYPES.has(mediaType) && Array.isArray(doc.manifests))) {
    if (!Array.isArray(doc.manifests)) throw invalidImage('image index has no manifests');
    return { kind: 'index', mediaType: mediaType || MT.ociIndex, manifests: doc.manifests.map((d: any) => descriptor(d, 'index')) };
  }
  if (MANIFEST_TYPES.has(mediaType) || (doc.config && Array.isArray(doc.layers))) {
    if (!Array.isArray(doc.layers)) throw invalidImage('image manifest has no layers');
    return {
      kind: 'manifest', mediaType: mediaType || MT.ociManifest,
      config: descriptor(doc.config, 'manifest config'), layers: doc.layers.map((d: any) => descriptor(d, 'manifest layer')),
    };
  }
  throw unsupported(`unsupported manifest media type "${mediaType || 'unknown'}"`);
}

export function parseConfig(bytes: Buffer): ImageConfigDoc {
  let doc: any;
  try { doc = JSON.parse(bytes.toString('utf8')); } catch { throw invalidImage('image config is not valid JSON'); }
  const ids = doc?.rootfs?.diff_ids;
  if (!Array.isArray(ids) || !ids.every((d: unknown) => typeof d === 'string' && isDigest(d))) {
    throw invalidImage('image config has no valid rootfs.diff_ids');
  }
  return doc as ImageConfigDoc;
}

/** Layer media types we can unpack (compression is detected from the bytes, not trusted). */
export function checkLayerMediaType(mt: string): void {
  if (mt.endsWith('+zstd') || mt.endsWith('.zstd')) throw unsupported(`zstd-compressed layers are not supported (${mt})`);
  if (/tar|rootfs/.test(mt)) return;
  throw unsupported(`unsupported layer media type "${mt}"`);
}

/** The platform this process runs on, in OCI terms. */
export function hostPlatform(): Platform {
  const arch: Record<string, [string, string?]> = { x64: ['amd64'], arm64: ['arm64', 'v8'], arm: ['arm', 'v7'], ia32: ['386'], ppc64: ['ppc64le'], s390x: ['s390x'], riscv64: ['riscv64'] };
  const [architecture, variant] = arch[process.arch] ?? [process.arch];
  return { os: 'linux', architecture, variant };
}

/** Picks the manifest for `want` (default: the host) as containerd's platform matcher would. */
export function selectPlatform(index: IndexDoc, want: Platform = hostPlatform()): Descriptor {
  const candidates = index.manifests.filter((d) =>
    d.platform?.os === want.os && d.platform.architecture === want.architecture);
  // arm64: an entry without a variant means v8; for amd64 variants are micro-architecture levels, any will do.
  const exact = candidates.find((d) => (d.platform!.variant ?? (want.architecture === 'arm64' ? 'v8' : undefined)) === want.variant);
  const pick = exact ?? candidates.find((d) => !want.variant || want.architecture === 'amd64' || !d.platform!.variant) ?? candidates[0];
  if (!pick) {
    throw notFound(`no matching manifest for ${want.os}/${want.architecture}${want.variant ? `/${want.variant}` : ''} in the manifest list entries`);
  }
  return pick;
}

export const isIndexMediaType = (mt: string) => INDEX_TYPES.has(mt);
