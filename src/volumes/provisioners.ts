// The provisioners Berth serves from one volumes root: local-path directories at
// `<root>/<pv-name>`, local-block images at `<root>/block/<pv-name>.img`. The provisioner and
// the resize controller build the same list, so both agree on where a volume lives.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localBlockProvisioner } from './local-block/provisioner.js';
import { localPathProvisioner } from './local-path/provisioner.js';
import type { Provisioner } from './types.js';

/** Where volumes live when nobody says (`berth up` passes `<data-dir>/volumes`). */
export const DEFAULT_VOLUMES_ROOT = join(tmpdir(), 'berth-local-path');

export function berthProvisioners(root: string = DEFAULT_VOLUMES_ROOT, nodeName?: string): Provisioner[] {
  return [localPathProvisioner({ root, nodeName }), localBlockProvisioner({ root: join(root, 'block'), nodeName })];
}
