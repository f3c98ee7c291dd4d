// Pod IPs for the sim runtime: the lowest free host address of the node's pod CIDR, skipping
// the network address and .1 (the bridge/gateway on a real node). IPv4 only.

export class IpPool {
  private base = 0;
  private size = 0;
  private readonly used = new Set<number>();

  configure(cidr: string): void {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
    if (!m) throw new Error(`sim runtime: unsupported pod CIDR ${JSON.stringify(cidr)} (IPv4 a.b.c.d/n expected)`);
    const prefix = Number(m[5]);
    if (prefix < 8 || prefix > 30) throw new Error(`sim runtime: pod CIDR prefix /${prefix} out of range`);
    const addr = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
    this.size = 2 ** (32 - prefix);
    this.base = (addr & ~(this.size - 1)) >>> 0;
  }

  get configured(): boolean {
    return this.size > 0;
  }

  /** Marks an address as taken (re-adopted sandboxes); ignores addresses outside the range. */
  reserve(ip: string): void {
    const n = toNumber(ip);
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
    const n = toNumber(ip);
    if (n !== undefined) this.used.delete(n - this.base);
  }
}

function toNumber(ip: string): number | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

function toDotted(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
