// `kubectl get endpointslices`: NAME ADDRESSTYPE PORTS ENDPOINTS AGE (upstream printEndpointSlice).
import type { Endpoint, EndpointPort, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { TableSpec } from '../../registry/strategy.js';
import { age, AGE_COLUMN, column, NAME_COLUMN, type Obj } from '../printing.js';

const MAX_SHOWN = 3;

/** listWithMoreString: the first three, then `+ N more...`; an empty list is `<unset>`. */
function listWithMore(all: readonly string[]): string {
  const shown = all.slice(0, MAX_SHOWN).join(',');
  if (all.length > MAX_SHOWN) return `${shown} + ${all.length - MAX_SHOWN} more...`;
  return shown === '' ? '<unset>' : shown;
}

/** A port prints its number; without one its name (`""` after defaulting), `*` if neither is set. */
export function formatSlicePorts(ports: readonly EndpointPort[] | undefined): string {
  return listWithMore((ports ?? []).map((p) => (p.port != null ? String(p.port) : p.name ?? '*')));
}

export function formatSliceEndpoints(endpoints: readonly Endpoint[] | undefined): string {
  return listWithMore((endpoints ?? []).flatMap((e) => e.addresses ?? []));
}

export const endpointSliceTable: TableSpec<Obj<EndpointSlice>> = {
  columns: [
    NAME_COLUMN,
    column('AddressType', 'addressType specifies the type of address carried by this EndpointSlice.'),
    column('Ports', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
    column('Endpoints', 'endpoints is a list of unique endpoints in this slice.'),
    AGE_COLUMN,
  ],
  row: (s, now) => [
    s.metadata?.name ?? '', s.addressType ?? '', formatSlicePorts(s.ports), formatSliceEndpoints(s.endpoints), age(s, now),
  ],
};
