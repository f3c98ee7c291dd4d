// Accept header → response shape (plain JSON, a Table, or partial object metadata).
export type OutputShape =
  | { readonly kind: 'json' }
  | { readonly kind: 'table'; readonly version: 'v1' | 'v1beta1' }
  | { readonly kind: 'partial'; readonly version: 'v1' | 'v1beta1' };

export function negotiate(accept: string | undefined): OutputShape {
  if (!accept) return { kind: 'json' };
  // Clients list what they can take in preference order; the first we can produce wins.
  for (const item of accept.split(',')) {
    const [type, ...params] = item.split(';').map((s) => s.trim());
    const p = Object.fromEntries(params.map((kv) => kv.split('=').map((s) => s.trim()) as [string, string]));
    if (type !== 'application/json' && type !== '*/*' && type !== 'application/*') continue;
    if (!p.as) return { kind: 'json' };
    if (p.g !== 'meta.k8s.io' || (p.v !== 'v1' && p.v !== 'v1beta1')) continue;
    if (p.as === 'Table') return { kind: 'table', version: p.v };
    if (p.as === 'PartialObjectMetadata' || p.as === 'PartialObjectMetadataList') return { kind: 'partial', version: p.v };
  }
  return { kind: 'json' };
}
