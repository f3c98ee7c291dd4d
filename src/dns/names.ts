// Name helpers: DNS names are compared case-insensitively (RFC 4343) and without the trailing
// dot; addresses go to and from their reverse (in-addr.arpa, ip6.arpa) and dashed
// (`10-1-2-3`, the pod-record form) spellings.
import { isIPv4, isIPv6 } from 'node:net';

/** Lower-case, no trailing dot: the form every lookup key uses. */
export function canonical(name: string): string {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  return n.toLowerCase();
}

/** The part of `name` below `zone` ('' for the apex), or undefined when name is outside the zone. */
export function trimZone(name: string, zone: string): string | undefined {
  if (name === zone) return '';
  if (zone === '') return name;
  return name.endsWith(`.${zone}`) ? name.slice(0, -zone.length - 1) : undefined;
}

/** One spelling per address: IPv4 as is, IPv6 in RFC 5952 form (the URL parser's). undefined for anything else. */
export function normalizeIP(ip: string): string | undefined {
  if (isIPv4(ip)) return ip;
  if (isIPv6(ip) && !ip.includes('%')) return new URL(`http://[${ip}]`).hostname.slice(1, -1);
  return undefined;
}

export const ipFamily = (ip: string): 4 | 6 => (ip.includes(':') ? 6 : 4);

/** The address a reverse name stands for (normalized), or undefined if it names none. */
export function addressFromReverse(name: string): string | undefined {
  const v4 = trimZone(name, 'in-addr.arpa');
  if (v4 !== undefined) {
    const parts = v4.split('.');
    if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) < 256)) return undefined;
    return parts.reverse().join('.');
  }
  const v6 = trimZone(name, 'ip6.arpa');
  if (v6 !== undefined) {
    const nibbles = v6.split('.');
    if (nibbles.length !== 32 || !nibbles.every((n) => /^[0-9a-f]$/.test(n))) return undefined;
    return normalizeIP(nibbles.reverse().join('').match(/.{4}/g)!.join(':'));
  }
  return undefined;
}

/** True for names under in-addr.arpa or ip6.arpa (whether or not they spell a whole address). */
export function isReverse(name: string): boolean {
  return trimZone(name, 'in-addr.arpa') !== undefined || trimZone(name, 'ip6.arpa') !== undefined;
}

/** `10-1-2-3` for 10.1.2.3; IPv6 groups joined by dashes: the label CoreDNS gives addresses. */
export function dashed(ip: string): string {
  return ip.replace(/[.:]/g, '-');
}

/**
 * The address of a pod-record label (`1-2-3-4`, `fd00--1`), as CoreDNS reads it: three dashes
 * and no double dash is IPv4, anything else is tried as IPv6.
 */
export function addressFromDashed(label: string): string | undefined {
  const v4 = (label.match(/-/g)?.length ?? 0) === 3 && !label.includes('--');
  return normalizeIP(v4 ? label.replace(/-/g, '.') : label.replace(/-/g, ':'));
}

/** A DNS-1123 label: what an endpoint hostname must be to name a record (CoreDNS ignores others). */
export const isLabel = (s: string): boolean => s.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s);
