// URL → what is being asked (upstream: RequestInfoFactory). Pure; no I/O.
import { badRequest, findResource, type ResourceType } from '../../core/index.js';
import type { Verb } from '../request.js';

export type Route =
  | { readonly kind: 'resource'; readonly verb: Verb; readonly type: ResourceType; readonly namespace?: string; readonly name?: string; readonly subresource?: string }
  | { readonly kind: 'unknown-resource'; readonly group: string; readonly version: string; readonly resource: string }
  | { readonly kind: 'discovery'; readonly path: string }
  | { readonly kind: 'other'; readonly path: string };

// Namespace subresources live at /namespaces/{name}/{status|finalize}.
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);
const TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);

export function route(method: string, pathname: string, query: Readonly<Record<string, string>>): Route {
  let parts: string[];
  try {
    parts = pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  } catch {
    throw badRequest(`invalid URL escape in path ${JSON.stringify(pathname)}`);
  }
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length <= 2) return { kind: 'discovery', path: pathname };
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length <= 3) return { kind: 'discovery', path: pathname };
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return { kind: 'other', path: pathname };
  }

  let watchPath = false;
  if (rest[0] === 'watch') { watchPath = true; rest = rest.slice(1); }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2])) rest = rest.slice(2);
  }
  // A namespace item path (/namespaces/foo[/status]) names the namespace itself.
  if (rest[0] === 'namespaces') namespace = undefined;
  const [resource, name, subresource, ...extra] = rest;
  if (!resource || extra.length) return { kind: 'other', path: pathname };
  const type = findResource(group, version, resource);
  if (!type) return { kind: 'unknown-resource', group, version, resource };
  const ns = type.namespaced ? namespace : undefined;

  let verb: Verb;
  switch (method) {
    case 'GET': case 'HEAD':
      verb = (watchPath || TRUE.has(query.watch ?? '')) && !subresource ? 'watch' : name ? 'get' : 'list';
      break;
    case 'POST': verb = 'create'; break;
    case 'PUT': verb = 'update'; break;
    case 'PATCH': verb = 'patch'; break;
    case 'DELETE': verb = name ? 'delete' : 'deletecollection'; break;
    default: return { kind: 'other', path: pathname };
  }
  return { kind: 'resource', verb, type, namespace: ns, name, subresource };
}
