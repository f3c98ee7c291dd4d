// IP and CIDR checks with upstream's "sloppy" parsing (IPv4 parts may have leading zeros,
// as k8s.io/utils/net.ParseIPSloppy allows), and the non-special-address rules for endpoints.
import { field, type FieldError } from '../errors.js';

export type ParsedIP = { family: 4 | 6; bytes: number[] };

function parseIPv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function parseIPv6(s: string): number[] | undefined {
  if (!s.includes(':') || s.includes('%')) return undefined;
  let tail: number[] = [];
  let body = s;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    const v4 = parseIPv4(s.slice(lastColon + 1));
    if (!v4) return undefined;
    tail = v4;
    body = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      const n = parseInt(g, 16);
      out.push(n >> 8, n & 0xff);
    }
    return out;
  };
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !rest) return undefined;
  let bytes: number[];
  if (halves.length === 2) {
    const fill = 16 - head.length - rest.length;
    if (fill < 2) return undefined;
    bytes = [...head, ...new Array(fill).fill(0), ...rest];
  } else bytes = head;
  if (bytes.length !== 16) return undefined;
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

export function parseIP(s: string): ParsedIP | undefined {
  const v4 = parseIPv4(s);
  if (v4) return { family: 4, bytes: v4 };
  const v6 = parseIPv6(s);
  if (!v6) return undefined;
  // IPv4-mapped IPv6 addresses behave as IPv4 in Go.
  const mapped = v6.slice(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return mapped ? { family: 4, bytes: v6.slice(12) } : { family: 6, bytes: v6 };
}

export function isIPv6String(s: string): boolean {
  return parseIP(s)?.family === 6;
}

export function isValidIP(path: string, value: string): FieldError[] {
  return parseIP(value) ? [] : [field.invalid(path, value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')];
}

export function isValidCIDR(path: string, value: string): FieldError[] {
  const slash = value.indexOf('/');
  const ip = slash < 0 ? undefined : parseIP(value.slice(0, slash));
  const bits = slash < 0 ? NaN : Number(value.slice(slash + 1));
  const ok = ip && /^\d+$/.test(value.slice(slash + 1)) && bits <= (ip.family === 4 ? 32 : 128);
  return ok ? [] : [field.invalid(path, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
}

/** Both families present, one address each (two entries at most is checked by callers). */
export function isDualStack(ips: readonly string[]): boolean {
  const fams = new Set(ips.map((s) => parseIP(s)?.family));
  return fams.has(4) && fams.has(6);
}

/** Endpoints may not point at unspecified, loopback or link-local addresses. */
export function validateNonSpecialIP(value: string, path: string): FieldError[] {
  const ip = parseIP(value);
  if (!ip) return [field.invalid(path, value, 'must be a valid IP address')];
  const b = ip.bytes;
  const errs: FieldError[] = [];
  if (b.every((x) => x === 0)) errs.push(field.invalid(path, value, `may not be unspecified (${value})`));
  const loopback = ip.family === 4 ? b[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
  if (loopback) errs.push(field.invalid(path, value, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  const linkLocal = ip.family === 4 ? b[0] === 169 && b[1] === 254 : b[0] === 0xfe && (b[1] & 0xc0) === 0x80;
  if (linkLocal) errs.push(field.invalid(path, value, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  const llMulticast = ip.family === 4 ? b[0] === 224 && b[1] === 0 && b[2] === 0 : b[0] === 0xff && (b[1] & 0x0f) === 0x02;
  if (llMulticast) errs.push(field.invalid(path, value, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errs;
}
