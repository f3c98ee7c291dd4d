// What a single-node provisioner (local-path, local-block) cannot give a claim, refused as a
// final ProvisioningError that says what to change.
import type { PersistentVolumeClaimObject } from './objects.js';
import { ProvisioningError } from './types.js';

const SINGLE_NODE_MODES = ['ReadWriteOnce', 'ReadWriteOncePod'];

export function refuse(message: string): never {
  throw new ProvisioningError(message, true);
}

/**
 * Refuses multi-node access modes, a volumeMode other than Filesystem, selectors and data
 * sources. `what` says what one volume is ("a directory on one node's disk"), `noBlock` why
 * volumeMode Block is not offered.
 */
export function refuseUnsupportedClaim(provisioner: string, claim: PersistentVolumeClaimObject, what: string, noBlock: string): void {
  const spec = claim.spec ?? {};
  for (const mode of spec.accessModes ?? []) {
    if (!SINGLE_NODE_MODES.includes(mode)) {
      refuse(`access mode ${mode} is not supported by ${provisioner}: ${what}; ask for ReadWriteOnce (or ReadWriteOncePod) instead`);
    }
  }
  if ((spec.volumeMode ?? 'Filesystem') !== 'Filesystem') {
    refuse(`volumeMode ${spec.volumeMode} is not supported by ${provisioner}${noBlock}; use volumeMode Filesystem`);
  }
  if (spec.selector) refuse('claim Selector is not supported');
  if (spec.dataSource || spec.dataSourceRef) refuse(`${provisioner} cannot populate a volume from a data source; remove spec.dataSource`);
}
