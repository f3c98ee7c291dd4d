// Contract: everything the proxy does to the host outside its nftables table, all of it undone
// by restore(): the service CIDR routed onto the pod bridge, and two per-interface sysctls on
// that bridge. Per-interface settings instead of the global ones: IPv4 forwards a packet when
// forwarding is on for the interface it arrived on, and route_localnet of the outgoing
// interface lets 127.0.0.1 NodePort traffic leave loopback, so nothing global changes and the
// settings die with the bridge.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';

export interface CommandResult { readonly code: number; readonly stdout: string; readonly stderr: string }

/** Runs a helper program; `input` goes to its stdin. Never throws for a non-zero exit. */
export function runCommand(cmd: string, args: readonly string[], input?: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: 30_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      if (error && code === -1 && !stderr) reject(error); // could not start at all (ENOENT)
      else resolve({ code, stdout, stderr });
    });
    child.stdin?.on('error', () => { /* a program that exits without reading its input is not an error here */ });
    child.stdin?.end(input ?? '');
  });
}

/** Applies one nft transaction; throws with nft's own message. */
export async function nftApply(ruleset: string): Promise<void> {
  const r = await runCommand('nft', ['-f', '-'], ruleset);
  if (r.code !== 0) throw new Error(`nft -f: ${(r.stderr || r.stdout).trim()}`);
}

export async function nftTableExists(table: string): Promise<boolean> {
  return (await runCommand('nft', ['list', 'table', 'ip', table])).code === 0;
}

/** Deletes the table; one that is already gone is fine. */
export async function nftDeleteTable(table: string): Promise<void> {
  const r = await runCommand('nft', ['delete', 'table', 'ip', table]);
  if (r.code !== 0 && await nftTableExists(table)) throw new Error(`nft delete table ip ${table}: ${r.stderr.trim()}`);
}

const SYSCTLS = ['forwarding', 'route_localnet'] as const;
const sysctlPath = (bridge: string, name: string) => `/proc/sys/net/ipv4/conf/${bridge}/${name}`;

/** The route and sysctls the proxy set, so stop() undoes exactly those. */
export class HostNetwork {
  private routeAdded = false;
  private readonly saved = new Map<string, string>();

  constructor(private readonly bridge: string | undefined, private readonly serviceCIDR: string | undefined) {}

  /**
   * Makes sure the bridge forwards and the service CIDR routes onto it. A route through the
   * bridge (not a blackhole, which fails locally generated packets before the output hook can
   * DNAT them) keeps untranslated service traffic away from the default gateway: it can only
   * end at neighbours on the bridge. Returns false while the bridge does not exist yet.
   */
  async ensure(): Promise<boolean> {
    if (!this.bridge) return true;
    for (const name of SYSCTLS) {
      const path = sysctlPath(this.bridge, name);
      const was = (await readFile(path, 'utf8').catch(() => undefined))?.trim();
      if (was === undefined) return false;
      if (was !== '1') {
        if (!this.saved.has(name)) this.saved.set(name, was);
        await writeFile(path, '1');
      }
    }
    if (this.serviceCIDR && !this.routeAdded) {
      const r = await runCommand('ip', ['route', 'add', this.serviceCIDR, 'dev', this.bridge]);
      if (r.code === 0) this.routeAdded = true;
      else if (!/exists/i.test(r.stderr)) throw new Error(`ip route add ${this.serviceCIDR} dev ${this.bridge}: ${r.stderr.trim()}`);
      // An existing route is someone else's (another proxy of the same cluster): leave it to them.
    }
    return true;
  }

  async restore(): Promise<void> {
    if (!this.bridge) return;
    if (this.routeAdded) {
      await runCommand('ip', ['route', 'del', this.serviceCIDR!, 'dev', this.bridge]);
      this.routeAdded = false;
    }
    for (const [name, was] of this.saved) await writeFile(sysctlPath(this.bridge, name), was).catch(() => undefined);
    this.saved.clear();
  }
}
