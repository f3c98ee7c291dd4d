// Scheme defaulting for pods and pod templates (upstream pkg/apis/core/v1/defaults.go and the
// generated +default markers): what `kubectl get -o yaml` shows that the user never wrote.
import type { Container, PodSpec, Probe, Volume } from 'kubernetes-types/core/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { normalizeQuantity, normalizeResourceList, type ResourceList } from '../../../core/validation/index.js';
import { defaultPersistentVolumeClaimSpec } from '../persistentvolumeclaim/defaults.js';

type Rec = Record<string, any>;

const TAG_RE = /^[\w][\w.-]{0,127}$/;

/** The tag upstream's image parser sees: "latest" when none and no digest, '' when unparsable. */
export function imageTag(image: string): string {
  if (!image || image.trim() !== image) return '';
  const at = image.indexOf('@');
  const named = at >= 0 ? image.slice(0, at) : image;
  const slash = named.lastIndexOf('/');
  const colon = named.lastIndexOf(':');
  const tag = colon > slash ? named.slice(colon + 1) : '';
  const repo = colon > slash ? named.slice(0, colon) : named;
  const firstSlash = repo.indexOf('/');
  const first = firstSlash >= 0 ? repo.slice(0, firstSlash) : '';
  const hasDomain = firstSlash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  const remote = hasDomain ? repo.slice(firstSlash + 1) : repo;
  if (!remote || remote !== remote.toLowerCase()) return '';
  if (tag && !TAG_RE.test(tag)) return '';
  if (!tag && at < 0) return 'latest';
  return tag;
}

function defaultHTTPGet(h: Rec | undefined): void {
  if (!h) return;
  h.path ||= '/';
  h.scheme ||= 'HTTP';
}

function defaultProbe(p: Probe | undefined): void {
  if (!p) return;
  p.timeoutSeconds ||= 1;
  p.periodSeconds ||= 10;
  p.successThreshold ||= 1;
  p.failureThreshold ||= 3;
  defaultHTTPGet(p.httpGet as Rec | undefined);
  if (p.grpc && p.grpc.service == null) p.grpc.service = '';
}

export function defaultContainer(c: Container): void {
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(c.image ?? '') === 'latest' ? 'Always' : 'IfNotPresent';
  c.terminationMessagePath ||= '/dev/termination-log';
  c.terminationMessagePolicy ||= 'File';
  // A struct, not a pointer, upstream: it always serialises, as {} when empty.
  c.resources ??= {};
  for (const port of c.ports ?? []) port.protocol ||= 'TCP';
  for (const env of c.env ?? []) {
    const ref = env.valueFrom?.fieldRef;
    if (ref) ref.apiVersion ||= 'v1';
    const rref = env.valueFrom?.resourceFieldRef as Rec | undefined;
    if (rref?.divisor !== undefined) rref.divisor = normalizeQuantity(rref.divisor);
  }
  normalizeResourceList(c.resources?.limits as ResourceList | undefined);
  normalizeResourceList(c.resources?.requests as ResourceList | undefined);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultHTTPGet(c.lifecycle?.postStart?.httpGet as Rec | undefined);
  defaultHTTPGet(c.lifecycle?.preStop?.httpGet as Rec | undefined);
}

const MODE_0644 = 0o644;

function defaultVolume(v: Volume): void {
  const src = v as Rec;
  const sources = Object.keys(src).filter((k) => k !== 'name' && src[k] !== undefined && src[k] !== null);
  if (sources.length === 0) src.emptyDir = {};
  if (src.emptyDir?.sizeLimit !== undefined) src.emptyDir.sizeLimit = normalizeQuantity(src.emptyDir.sizeLimit);
  for (const k of ['secret', 'configMap', 'downwardAPI', 'projected']) if (src[k] && src[k].defaultMode == null) src[k].defaultMode = MODE_0644;
  for (const item of src.downwardAPI?.items ?? []) if (item.fieldRef) item.fieldRef.apiVersion ||= 'v1';
  for (const s of src.projected?.sources ?? []) {
    for (const item of s.downwardAPI?.items ?? []) if (item.fieldRef) item.fieldRef.apiVersion ||= 'v1';
    if (s.serviceAccountToken && s.serviceAccountToken.expirationSeconds == null) s.serviceAccountToken.expirationSeconds = 3600;
  }
  defaultVolumeSourceFields(src);
  const tpl = src.ephemeral?.volumeClaimTemplate;
  if (tpl?.spec) defaultPersistentVolumeClaimSpec(tpl.spec);
  if (src.image && !src.image.pullPolicy) src.image.pullPolicy = imageTag(src.image.reference ?? '') === 'latest' ? 'Always' : 'IfNotPresent';
}

/** +default markers on in-tree sources (shared with PersistentVolume sources). */
export function defaultVolumeSourceFields(src: Rec): void {
  if (src.hostPath && src.hostPath.type == null) src.hostPath.type = '';
  if (src.iscsi) src.iscsi.iscsiInterface ||= 'default';
  if (src.rbd) {
    src.rbd.pool ||= 'rbd';
    src.rbd.user ||= 'admin';
    src.rbd.keyring ||= '/etc/ceph/keyring';
  }
  if (src.azureDisk) {
    src.azureDisk.cachingMode ??= 'ReadWrite';
    src.azureDisk.fsType ??= 'ext4';
    src.azureDisk.readOnly ??= false;
    src.azureDisk.kind ??= 'Shared';
  }
  if (src.scaleIO) {
    src.scaleIO.storageMode ||= 'ThinProvisioned';
    src.scaleIO.fsType ||= 'xfs';
  }
}

/** SetDefaults_PodSpec plus everything nested in it: applies to pods and pod templates. */
export function defaultPodSpec(spec: PodSpec): void {
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.restartPolicy ||= 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ||= 'default-scheduler';
  // v1's deprecated serviceAccount mirrors serviceAccountName (conversion, both directions).
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  for (const v of spec.volumes ?? []) defaultVolume(v);
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const c of spec.ephemeralContainers ?? []) defaultContainer(c as Container);
  normalizeResourceList(spec.overhead as ResourceList | undefined);
}

/** SetDefaults_Pod: only real pods (not templates) get these. */
export function defaultPod(pod: Pod): void {
  const spec = (pod.spec ??= { containers: [] });
  defaultPodSpec(spec);
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    const limits = c.resources?.limits;
    if (!limits) continue;
    const requests = (c.resources!.requests ??= {});
    for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
  }
  spec.enableServiceLinks ??= true;
  if (spec.hostNetwork) {
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
      for (const port of c.ports ?? []) if (!port.hostPort) port.hostPort = port.containerPort;
    }
  }
}
