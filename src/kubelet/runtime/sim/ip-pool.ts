// Pod IPs for the sim runtime: the lowest free host address of the node's pod CIDR, skipping
// the network address and .1 (the bridge/gateway on a real node). IPv4 only.
import { ipv4ToNumber, parseCidr, toDotted } from '../../../core/index.js';

export class IpPool {
  private base = 0;
  private size = 0;
  private readonly used = new Set<number>();

  configure(cidr: string): void {
    let c;
    try {
      c = parseCidr(cidr);
    } catch (e) {
      throw new Error(`sim runtime: pod CIDR ${(e as Error).message}`);
    }
    this.size = c.size;
    this.base = c.base;
  }

  get configured(): boolean {
    return this.size > 0;
  }

  /** Marks an address as taken (re-adopted sandboxes); ignores addresses outside the range. */
  reserve(ip: string): void {
    const n = ipv4ToNumber(ip);
    if (n !== undefined && n >= this.base && n < this.base + this.size) this.used.add(n - this.base);
  }

  allocate(): string {
    for (let i = 2; i < this.size - 1; i++) {
      if (!this.used.has(i)) {
        this.used.add(i);
        return toDotted(this.base + i);
      }
    }
    throw new Error('sim runtime: pod CIDR exhausted');
  }

  release(ip: string): void {
    const n = ipv4ToNumber(ip);
    if (n !== undefined) this.used.delete(n - this.base);
  }
}
