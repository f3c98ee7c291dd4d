// Contract: pod networking with iproute2 only. One Linux bridge per node (default `berth0`)
// carries the gateway address (first host of the pod CIDR); each sandbox gets a veth pair whose
// pod end is created directly inside the pause's network namespace as eth0, with the pod IP,
// lo up and a default route via the bridge. No NAT, no forwarding sysctls, no firewall rules:
// the only addresses Berth assigns are its bridge's and those inside namespaces it created,
// and it never touches another interface.
import { check, run } from './exec.js';
import { gatewayOf, type Cidr } from './ipam.js';

const IP = 'ip';

/** Creates the bridge with the gateway address if missing; idempotent, and safe when it exists. */
export async function ensureBridge(bridge: string, cidr: Cidr): Promise<void> {
  const gw = `${gatewayOf(cidr)}/${cidr.prefix}`;
  const shown = await run(IP, ['-o', 'addr', 'show', 'dev', bridge]);
  if (shown.code !== 0) {
    const add = await run(IP, ['link', 'add', bridge, 'type', 'bridge']);
    // Another agent may have created it between the two calls: only a bridge that is still missing is an error.
    if (add.code !== 0 && (await run(IP, ['link', 'show', 'dev', bridge])).code !== 0) {
      await check(`creating bridge ${bridge}`, IP, ['link', 'add', bridge, 'type', 'bridge']);
    }
  }
  const kind = await run(IP, ['-d', '-o', 'link', 'show', 'dev', bridge]);
  if (!/\bbridge\b/.test(kind.stdout)) throw new Error(`${bridge} exists and is not a bridge: choose another bridge name`);
  if (!shown.stdout.includes(` ${gw} `)) {
    const r = await run(IP, ['addr', 'add', gw, 'dev', bridge]);
    if (r.code !== 0 && !/exists/i.test(r.stderr)) await check(`adding ${gw} to ${bridge}`, IP, ['addr', 'add', gw, 'dev', bridge]);
  }
  await check(`bringing ${bridge} up`, IP, ['link', 'set', bridge, 'up']);
}

/** Host-side veth name for a sandbox: ≤ 15 characters, stable, and recognisably Berth's. */
export function vethName(sandboxId: string): string {
  return `bth${sandboxId.slice(0, 12)}`;
}

/**
 * Wires the pause's network namespace to the bridge: veth pair (host end on the bridge, pod
 * end eth0 inside), pod address, lo up, default route. Two iproute2 batches, one per
 * namespace, run by the sandbox's start script (sandbox.ts) in the same process as runc.
 * hostSideBatch gives the shell words that print the host-side batch (its arguments are shell
 * expressions); podSideBatch the pod-side batch itself.
 */
export function hostSideBatch(veth: string, netnsPath: string, bridge: string): string {
  // hairpin: a pod that reaches its own Service is DNATed back to itself, out of the port it came in on.
  return `printf 'link add %s type veth peer name eth0 netns %s\\nlink set %s master %s\\nlink set %s type bridge_slave hairpin on\\nlink set %s up\\n' ${veth} ${netnsPath} ${veth} ${bridge} ${veth} ${veth}`;
}

/**
 * The pod's MAC follows from its IP (0a:58 + the four address bytes, as the CNI bridge plugin
 * did): a pod recreated with the same IP keeps the same MAC, so neighbours' ARP entries stay
 * right instead of sending to a gone interface until they expire.
 */
export function macOf(ip: string): string {
  return ['0a', '58', ...ip.split('.').map((o) => Number(o).toString(16).padStart(2, '0'))].join(':');
}

export function podSideBatch(cidr: Cidr, ip: string): string {
  return `link set lo up\nlink set eth0 address ${macOf(ip)}\naddr add ${ip}/${cidr.prefix} dev eth0\nlink set eth0 up\nroute add default via ${gatewayOf(cidr)} dev eth0\n`;
}

/** Deletes the host end (which takes the pod end with it); missing = done. */
export async function detachPod(veth: string | undefined): Promise<void> {
  if (!veth) return;
  const r = await run(IP, ['link', 'del', veth]);
  if (r.code !== 0 && (await run(IP, ['link', 'show', 'dev', veth])).code === 0) {
    await check(`deleting ${veth}`, IP, ['link', 'del', veth]);
  }
}
