// The OpenAPI documents: swagger 2.0 (/openapi/v2, JSON form) and OpenAPI 3.0 per group-version
// (/openapi/v3/<gv>), both rendered from paths.ts and the generated definitions.
import { KUBE_GIT_VERSION } from '../version.js';
import { gvPath, groupVersions, resourcePaths, type GroupVersion, type Operation, type Param, type PathItem } from './paths.js';
import { closure, V3_REF_PREFIX, v2Definitions, v2Ref, v3Definition } from './schemas.js';

const INFO = { title: 'Kubernetes', version: KUBE_GIT_VERSION.split('+')[0] };
const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];
const PRODUCES = ['application/json', 'application/yaml'];
const STATUS_TEXT: Record<string, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 401: 'Unauthorized' };
const BEARER = { type: 'apiKey', name: 'authorization', in: 'header', description: 'Bearer Token authentication' };
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

const gvk = (op: Operation) => ({ group: op.gvk.group, kind: op.gvk.kind, version: op.gvk.version });
const produces = (op: Operation): string[] => (op.action === 'list' ? [...PRODUCES, 'application/json;stream=watch'] : PRODUCES);

/** Definitions a set of paths refers to (plus the meta kinds every group serves). */
function referenced(items: readonly PathItem[]): string[] {
  const names = new Set<string>([`${META}.Status`, `${META}.DeleteOptions`, `${META}.WatchEvent`]);
  for (const item of items) {
    for (const op of item.ops) {
      if (op.body) names.add(op.body);
      for (const d of Object.values(op.responses)) names.add(d);
    }
  }
  return closure(names);
}

function v2Param(p: Param): Record<string, unknown> {
  return { description: p.description, in: p.in, name: p.name, ...(p.required ? { required: true } : {}), type: p.type, uniqueItems: true };
}

function v2Operation(op: Operation): Record<string, unknown> {
  const params = op.params.map(v2Param);
  if (op.body) params.unshift({ in: 'body', name: 'body', required: op.method !== 'delete', schema: { $ref: v2Ref(op.body) } });
  const responses: Record<string, unknown> = {};
  for (const [code, def] of Object.entries(op.responses)) responses[code] = { description: STATUS_TEXT[code], schema: { $ref: v2Ref(def) } };
  responses[401] = { description: STATUS_TEXT[401] };
  return {
    consumes: op.method === 'patch' ? PATCH_TYPES : ['*/*'], description: op.description, operationId: op.operationId,
    ...(params.length ? { parameters: params } : {}), produces: produces(op), responses, schemes: ['https'], tags: [op.tag],
    'x-kubernetes-action': op.action, 'x-kubernetes-group-version-kind': gvk(op),
  };
}

/** The swagger 2.0 document for every served group-version. */
export function buildV2(): Record<string, unknown> {
  const items = groupVersions().flatMap(resourcePaths);
  const paths: Record<string, unknown> = {};
  for (const item of items) {
    const entry: Record<string, unknown> = {};
    for (const op of item.ops) entry[op.method] = v2Operation(op);
    entry.parameters = item.params.map(v2Param);
    paths[item.path] = entry;
  }
  return {
    swagger: '2.0', info: INFO, paths, definitions: v2Definitions(referenced(items)),
    securityDefinitions: { BearerToken: BEARER }, security: [{ BearerToken: [] }],
  };
}

function v3Param(p: Param): Record<string, unknown> {
  return { description: p.description, in: p.in, name: p.name, ...(p.required ? { required: true } : {}), schema: { type: p.type, uniqueItems: true } };
}

const content = (types: readonly string[], def: string) =>
  Object.fromEntries(types.map((t) => [t, { schema: { $ref: V3_REF_PREFIX + def } }]));

function v3Operation(op: Operation): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [code, def] of Object.entries(op.responses)) responses[code] = { description: STATUS_TEXT[code], content: content(produces(op), def) };
  responses[401] = { description: STATUS_TEXT[401] };
  return {
    description: op.description, operationId: op.operationId,
    ...(op.params.length ? { parameters: op.params.map(v3Param) } : {}),
    ...(op.body ? { requestBody: { content: content(op.method === 'patch' ? PATCH_TYPES : ['*/*'], op.body), ...(op.method === 'delete' ? {} : { required: true }) } } : {}),
    responses, tags: [op.tag],
    'x-kubernetes-action': op.action, 'x-kubernetes-group-version-kind': gvk(op),
  };
}

/** The OpenAPI 3.0 document of one group-version. */
export function buildV3(gv: GroupVersion): Record<string, unknown> {
  const items = resourcePaths(gv);
  const paths: Record<string, unknown> = {};
  for (const item of items) {
    const entry: Record<string, unknown> = {};
    for (const op of item.ops) entry[op.method] = v3Operation(op);
    entry.parameters = item.params.map(v3Param);
    paths[item.path] = entry;
  }
  const schemas = Object.fromEntries(referenced(items).map((n) => [n, v3Definition(n)]));
  return {
    openapi: '3.0.0', info: INFO, paths,
    components: { schemas, securitySchemes: { BearerToken: BEARER } }, security: [{ BearerToken: [] }],
  };
}

/** Every /openapi/v3 document by its group-version path (`api/v1`, `apis/apps/v1`). */
export function buildV3All(): Map<string, Record<string, unknown>> {
  return new Map(groupVersions().map((gv) => [gvPath(gv), buildV3(gv)]));
}
