// What a probe run says, in upstream's words (Go's error texts, which its events show).
import { isIPv6 } from 'node:net';
import { KUBELET_VERSION } from '../node/node-object.js';

export type ProbeOutcome = 'success' | 'warning' | 'failure' | 'unknown';

export interface ProbeRun {
  readonly result: ProbeOutcome;
  readonly output: string;
}

/** `kube-probe/1.33`: the kubelet's major.minor. */
export const PROBE_USER_AGENT = `kube-probe/${/^v?(\d+\.\d+)/.exec(KUBELET_VERSION)?.[1] ?? '1.33'}`;

const CONNECT_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connect: connection refused', EHOSTUNREACH: 'connect: no route to host', ENETUNREACH: 'connect: network is unreachable',
  ETIMEDOUT: 'i/o timeout', EADDRNOTAVAIL: 'connect: cannot assign requested address',
};

/** Node's socket errors as Go's net.OpError text (what upstream's events show). */
export function dialError(e: Error & { code?: string }, host: string, addr: string): string {
  if (e.code && CONNECT_ERRORS[e.code]) return `dial tcp ${addr}: ${CONNECT_ERRORS[e.code]}`;
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return `dial tcp: lookup ${host}: no such host`;
  if (e.code === 'ECONNRESET') return 'read: connection reset by peer';
  return e.message;
}

export function joinHostPort(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Go's %q for the strings that occur here (JSON's escaping agrees for printable text). */
export const goQuote = (s: string) => JSON.stringify(s);

