// The unbound-claim paths that do not bind (upstream syncUnboundClaim's "no volume found"
// branch): retroactive default class (E13), WaitForFirstConsumer events (E14), and handing a
// claim to its provisioner (F4-F6). Berth provisioners are out-of-tree in upstream's terms
// (not `kubernetes.io/`), so the binder only annotates the claim and says it is waiting; the
// provisioner controller does the work.
//
// One Berth extension: a WaitForFirstConsumer claim whose pod is already on a node (a pod
// created with spec.nodeName never meets the scheduler) gets what the scheduler would have
// given it — the smallest static PV the node may use, or `volume.kubernetes.io/selected-node`
// to start provisioning there. Upstream leaves such a claim Pending forever.
import { PersistentVolumeClaims } from '../../core/index.js';
import {
  ANN_BETA_STORAGE_PROVISIONER, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, HOSTNAME_LABEL, NO_PROVISIONER, claimClass,
  claimHasClass, defaultStorageClass, isPodTerminated, type PersistentVolumeClaimObject as Claim, copyForWrite,
} from '../../volumes/index.js';
import { bindVolumeToClaim } from './bind.js';
import { findForNode } from './match.js';
import type { BinderState } from './state.js';

export const externalProvisioningMessage = (provisioner: string): string =>
  `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. ` +
  'If volume creation is delayed, please verify that the provisioner is running and correctly registered.';

/** The claim's class exists and binds WaitForFirstConsumer (a missing class counts as Immediate). */
export function isDelayBinding(b: BinderState, claim: Claim): boolean {
  const cls = claimClass(claim);
  return cls !== '' && b.classes.get(cls)?.volumeBindingMode === 'WaitForFirstConsumer';
}

async function updateClaim(b: BinderState, claim: Claim, change: (c: Claim) => void): Promise<Claim> {
  const next = copyForWrite(claim);
  change(next);
  const saved = await b.client.update<Claim>(PersistentVolumeClaims, next);
  b.claims.assume(saved);
  return saved;
}

/** E13: a claim with no class at all (nil, not "") gets today's default class. */
export async function assignDefaultClass(b: BinderState, claim: Claim): Promise<boolean> {
  if (claimHasClass(claim)) return false;
  const def = defaultStorageClass(b.classes.list());
  if (!def?.metadata?.name) return false;
  await updateClaim(b, claim, (c) => { (c.spec ??= {}).storageClassName = def.metadata!.name; });
  return true;
}

/** WaitForFirstConsumer, or WaitForPodScheduled naming the pods the scheduler has yet to place. */
export function emitDelayBindingEvent(b: BinderState, claim: Claim): void {
  const waiting = b.podsUsing(claim).filter((p) => !isPodTerminated(p) && !p.spec?.nodeName).map((p) => p.metadata?.name ?? '');
  if (!waiting.length) {
    b.recorder.event(PersistentVolumeClaims, claim, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
  } else {
    const message = waiting.length > 1 ? `waiting for pods ${waiting.join(',')} to be scheduled` : `waiting for pod ${waiting[0]} to be scheduled`;
    b.recorder.event(PersistentVolumeClaims, claim, 'Normal', 'WaitForPodScheduled', message);
  }
}

/** F4-F6: name the provisioner on the claim and say so, or say why nobody can provision it. */
export async function provisionClaim(b: BinderState, claim: Claim): Promise<void> {
  const cls = claimClass(claim);
  const sc = b.classes.get(cls);
  if (!sc) {
    b.recorder.event(PersistentVolumeClaims, claim, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${cls}" not found`);
    return;
  }
  const provisioner = sc.provisioner ?? '';
  // In-tree plugins are upstream's; Berth has none, so every kubernetes.io/ name is unknown.
  if (provisioner.startsWith('kubernetes.io/')) {
    b.recorder.event(PersistentVolumeClaims, claim, 'Warning', 'ProvisioningFailed', `no volume plugin matched name: ${provisioner}`);
    return;
  }
  let current = claim;
  if (claim.metadata?.annotations?.[ANN_STORAGE_PROVISIONER] !== provisioner) {
    try {
      current = await updateClaim(b, claim, (c) => {
        (c.metadata ??= {}).annotations = { ...c.metadata.annotations, [ANN_BETA_STORAGE_PROVISIONER]: provisioner, [ANN_STORAGE_PROVISIONER]: provisioner };
      });
    } catch (e) {
      b.recorder.event(PersistentVolumeClaims, claim, 'Warning', 'ProvisioningFailed', `Error saving claim: ${(e as Error).message}`);
      throw e;
    }
  }
  b.recorder.event(PersistentVolumeClaims, current, 'Normal', 'ExternalProvisioning', externalProvisioningMessage(provisioner));
}

/**
 * The Berth extension described above. True when it acted (the claim will be synced again
 * when the PV or the claim changes).
 */
export async function bindForScheduledConsumer(b: BinderState, claim: Claim): Promise<boolean> {
  const pod = b.podsUsing(claim).filter((p) => !isPodTerminated(p) && p.spec?.nodeName)
    .sort((x, y) => ((x.metadata?.name ?? '') < (y.metadata?.name ?? '') ? -1 : 1))[0];
  const nodeName = pod?.spec?.nodeName;
  if (!nodeName) return false;
  const labels = b.nodes.get({ name: nodeName })?.metadata?.labels ?? { [HOSTNAME_LABEL]: nodeName };
  const pv = findForNode(b.index, claim, labels, nodeName);
  if (pv) {
    const name = pv.metadata?.name ?? '';
    b.index.reserve(name);
    try {
      await bindVolumeToClaim(b, pv, claim);
    } finally {
      b.index.release(name);
    }
    return true;
  }
  const sc = b.classes.get(claimClass(claim));
  if (!sc || sc.provisioner === NO_PROVISIONER) return false;
  await updateClaim(b, claim, (c) => { (c.metadata ??= {}).annotations = { ...c.metadata.annotations, [ANN_SELECTED_NODE]: nodeName }; });
  return true;
}
