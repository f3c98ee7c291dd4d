// `kubectl get endpoints`: NAME ENDPOINTS (first three `ip:port`, then `+ N more...`) AGE.
import type { Endpoints } from 'kubernetes-types/core/v1.js';
import type { TableSpec } from '../../registry/strategy.js';
import { age, AGE_COLUMN, column, NAME_COLUMN, type Obj } from '../printing.js';

const MAX_SHOWN = 3;

/** net.JoinHostPort: IPv6 addresses get brackets. */
const hostPort = (ip: string, port: number): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    // Headless services may have no ports: then the bare IPs are listed.
    const ports = ss.ports?.length ? ss.ports.map((p) => p.port) : [undefined];
    for (const port of ports) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === MAX_SHOWN) { more = true; break; }
        list.push(port === undefined ? a.ip : hostPort(a.ip, port));
      }
    }
  }
  const s = list.join(',');
  return more ? `${s} + ${count - MAX_SHOWN} more...` : s;
}

export const endpointsTable: TableSpec<Obj<Endpoints>> = {
  columns: [NAME_COLUMN, column('Endpoints', 'Ready addresses and ports of the service.'), AGE_COLUMN],
  row: (ep, now) => [ep.metadata?.name ?? '', formatEndpoints(ep), age(ep, now)],
};
