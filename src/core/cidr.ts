// IPv4 addresses and CIDR ranges as numbers: the one parser the pod IPAM (real and simulated), the
// node's pod CIDR flag and the Service IP allocator share.

export interface Cidr {
  /** Network address as an unsigned 32-bit number. */
  readonly base: number;
  readonly prefix: number;
  /** Addresses in the range (2^(32-prefix)). */
  readonly size: number;
}

/** a.b.c.d → number; undefined when it is not a dotted IPv4 address. */
export function ipv4ToNumber(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip.trim());
  const o = m ? m.slice(1, 5).map(Number) : [];
  if (!m || o.some((x) => x > 255)) return undefined;
  return ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0;
}

export function toDotted(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** `a.b.c.d/n` with 8 <= n <= 30, normalised to its network address; throws a message naming the value. */
export function parseCidr(cidr: string): Cidr {
  const [ip = '', bits = ''] = cidr.trim().split('/');
  const addr = ipv4ToNumber(ip);
  const prefix = /^\d+$/.test(bits) ? Number(bits) : NaN;
  if (addr === undefined || !(prefix >= 8 && prefix <= 30)) {
    throw new Error(`${JSON.stringify(cidr)}: an IPv4 a.b.c.d/n with 8 <= n <= 30 is expected`);
  }
  const size = 2 ** (32 - prefix);
  return { base: Math.floor(addr / size) * size, prefix, size };
}

/** The first host address (the bridge / gateway of a pod CIDR), e.g. 10.244.0.1. */
export function gatewayOf(c: Cidr): string {
  return toDotted(c.base + 1);
}
