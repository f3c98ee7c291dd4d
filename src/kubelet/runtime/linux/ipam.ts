// Contract: pod IPs from the node's pod CIDR (IPv4), persisted as one file per address under
// <root>/ipam holding the owning sandbox id. A file is created with O_EXCL, so one address is
// never handed out twice, also across runtime instances; it survives agent restarts and is
// deleted on release. The network address, the gateway (.1 = the bridge) and the broadcast
// address are never allocated.
import { readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gatewayOf, parseCidr as parseCoreCidr, toDotted, type Cidr } from '../../../core/index.js';
import { RuntimeError } from '../types.js';

/** The pod CIDR, parsed by core's one IPv4 parser; a bad one is a RuntimeError naming it. */
export function parseCidr(cidr: string): Cidr {
  try {
    return parseCoreCidr(cidr);
  } catch (e) {
    throw new RuntimeError(`pod CIDR ${(e as Error).message}`);
  }
}

export { gatewayOf, toDotted, type Cidr };

export class Ipam {
  private cidr: Cidr | undefined;

  constructor(private readonly dir: string) {}

  configure(cidr: Cidr): void {
    this.cidr = cidr;
  }

  get configured(): Cidr | undefined {
    return this.cidr;
  }

  async allocate(owner: string): Promise<string> {
    const c = this.cidr;
    if (!c) throw new RuntimeError('no pod CIDR configured: the node has no spec.podCIDR yet');
    const taken = new Set(await this.files());
    for (let i = 2; i < c.size - 1; i++) {
      const ip = toDotted(c.base + i);
      if (taken.has(ip)) continue;
      try {
        await writeFile(join(this.dir, ip), owner, { flag: 'wx' });
        return ip;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
    throw new RuntimeError(`pod CIDR ${toDotted(c.base)}/${c.prefix} has no free address`);
  }

  /** Releases `ip` if `owner` holds it (a stale release never frees someone else's address). */
  async release(ip: string, owner: string): Promise<void> {
    const file = join(this.dir, ip);
    const holder = await readFile(file, 'utf8').catch(() => undefined);
    if (holder === owner) await unlink(file).catch(() => undefined);
  }

  /** Addresses and their owners, for releasing those whose sandbox no longer exists. */
  async owners(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const ip of await this.files()) {
      const owner = await readFile(join(this.dir, ip), 'utf8').catch(() => undefined);
      if (owner !== undefined) out.set(ip, owner);
    }
    return out;
  }

  private async files(): Promise<string[]> {
    return (await readdir(this.dir).catch(() => [] as string[])).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f));
  }
}
