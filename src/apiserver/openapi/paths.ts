// The REST operations of every served resource, described once and rendered by v2.ts (swagger)
// and v3.ts. Shaped like upstream's: operation ids, actions, GVKs and the query parameters
// kubectl looks for (a PATCH carrying `fieldValidation` tells it the server validates fields).
import { ALL_RESOURCES, type ResourceType } from '../../core/index.js';
import { kindDefinition } from '../../core/index.js';

export interface Param {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly type: 'string' | 'integer' | 'boolean';
  readonly description: string;
  readonly required?: boolean;
}

export type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';

export interface Operation {
  readonly method: Method;
  readonly operationId: string;
  readonly description: string;
  readonly tag: string;
  /** upstream's x-kubernetes-action: get, list, post, put, patch, delete, deletecollection. */
  readonly action: string;
  readonly gvk: { readonly group: string; readonly version: string; readonly kind: string };
  readonly params: readonly Param[];
  /** Definition name of the request body; `patch` bodies are any of the patch media types. */
  readonly body?: string;
  /** Status code -> definition name of the response body. */
  readonly responses: Readonly<Record<string, string>>;
}

export interface PathItem {
  readonly path: string;
  readonly params: readonly Param[];
  readonly ops: readonly Operation[];
}

export interface GroupVersion { readonly group: string; readonly version: string; readonly resources: readonly ResourceType[] }

const q = (name: string, type: Param['type'], description: string): Param => ({ name, in: 'query', type, description });
const PRETTY = q('pretty', 'string', "If 'true', the output is pretty printed.");
const DRY_RUN = q('dryRun', 'string', 'When present (only "All"), the request is processed but nothing is persisted.');
const FIELD_MANAGER = q('fieldManager', 'string', 'Name of the actor making the change, recorded in managedFields.');
const FIELD_VALIDATION = q('fieldValidation', 'string',
  'How to treat unknown or duplicate fields in the body: Ignore (drop them), Warn (drop them and send a warning per field) or Strict (fail the request).');
const FORCE = q('force', 'boolean', 'Apply requests only: take over fields other managers own instead of failing with a conflict.');
const LIST_PARAMS: readonly Param[] = [
  q('allowWatchBookmarks', 'boolean', 'Ask for BOOKMARK events on a watch.'),
  q('continue', 'string', 'Token from a previous limited list, to get the next chunk.'),
  q('fieldSelector', 'string', 'Only return objects whose fields match, e.g. metadata.name=x.'),
  q('labelSelector', 'string', 'Only return objects whose labels match.'),
  q('limit', 'integer', 'Most objects to return; the rest is reachable with continue.'),
  q('resourceVersion', 'string', 'Which version of the data to serve; see resourceVersionMatch.'),
  q('resourceVersionMatch', 'string', 'How resourceVersion applies: Exact or NotOlderThan.'),
  q('sendInitialEvents', 'boolean', 'On a watch, start with ADDED events for the current objects.'),
  q('timeoutSeconds', 'integer', 'End the list or watch after this many seconds.'),
  q('watch', 'boolean', 'Watch for changes instead of listing.'),
];
const DELETE_PARAMS: readonly Param[] = [
  DRY_RUN,
  q('gracePeriodSeconds', 'integer', 'Seconds before the object is deleted; 0 deletes at once.'),
  q('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy.'),
  q('propagationPolicy', 'string', 'What happens to dependents: Orphan, Background or Foreground.'),
];
const NAME: Param = { name: 'name', in: 'path', type: 'string', required: true, description: 'name of the object' };
const NAMESPACE: Param = { name: 'namespace', in: 'path', type: 'string', required: true, description: 'object name and auth scope, such as for teams and projects' };

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** The served group-versions, in discovery order. */
export function groupVersions(): GroupVersion[] {
  const out: { group: string; version: string; resources: ResourceType[] }[] = [];
  for (const r of ALL_RESOURCES) {
    let gv = out.find((g) => g.group === r.group && g.version === r.version);
    if (!gv) out.push(gv = { group: r.group, version: r.version, resources: [] });
    gv.resources.push(r);
  }
  return out;
}

/** `api/v1`, `apis/apps/v1`: the key of a group-version in /openapi/v3. */
export const gvPath = (g: { group: string; version: string }): string => (g.group ? `apis/${g.group}/${g.version}` : `api/${g.version}`);

/** `CoreV1`, `StorageV1`, `CoordinationV1`: how upstream spells a group-version in operation ids. */
function gvId(g: { group: string; version: string }): string {
  const name = g.group ? g.group.split('.')[0]! : 'core';
  return name[0]!.toUpperCase() + name.slice(1) + g.version[0]!.toUpperCase() + g.version.slice(1);
}

const defName = (group: string, version: string, kind: string): string => {
  const d = kindDefinition(group, version, kind);
  if (!d) throw new Error(`openapi: no definition for ${group}/${version} ${kind}`);
  return d.name;
};

/** Every path of one group-version, in a stable order. */
export function resourcePaths(gv: GroupVersion): PathItem[] {
  const items: PathItem[] = [];
  const base = `/${gvPath(gv)}`;
  const tag = `${gv.group ? gv.group.split('.')[0] : 'core'}_${gv.version}`;
  for (const r of gv.resources) {
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const obj = defName(r.group, r.version, r.kind);
    const list = defName(r.group, r.version, r.listKind);
    const ns = r.namespaced ? 'Namespaced' : '';
    const id = (verb: string, suffix = '') => `${verb}${gvId(gv)}${ns}${r.kind}${suffix}`;
    const op = (method: Method, action: string, operationId: string, description: string, params: Param[],
      responses: Record<string, string>, body?: string, kind = gvk): Operation =>
      ({ method, action, operationId, description, tag, gvk: kind, params, responses, body });
    const has = (v: string) => r.verbs.includes(v);
    const collection = r.namespaced ? `${base}/namespaces/{namespace}/${r.plural}` : `${base}/${r.plural}`;
    const scope = r.namespaced ? [NAMESPACE, PRETTY] : [PRETTY];
    const writes = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION];
    const ops: Operation[] = [];
    if (has('list')) ops.push(op('get', 'list', id('list'), `list or watch objects of kind ${r.kind}`, [...LIST_PARAMS], { 200: list }));
    if (has('create')) ops.push(op('post', 'post', id('create'), `create a ${r.kind}`, writes, { 200: obj, 201: obj, 202: obj }, obj));
    if (has('deletecollection')) {
      ops.push(op('delete', 'deletecollection', `delete${gvId(gv)}Collection${ns}${r.kind}`, `delete collection of ${r.kind}`,
        [...LIST_PARAMS.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks'), ...DELETE_PARAMS],
        { 200: `${META}.Status` }, `${META}.DeleteOptions`));
    }
    items.push({ path: collection, params: scope, ops });
    const item: Operation[] = [];
    if (has('get')) item.push(op('get', 'get', id('read'), `read the specified ${r.kind}`, [], { 200: obj }));
    if (has('update')) item.push(op('put', 'put', id('replace'), `replace the specified ${r.kind}`, writes, { 200: obj, 201: obj }, obj));
    if (has('patch')) item.push(op('patch', 'patch', id('patch'), `partially update the specified ${r.kind}`, [...writes, FORCE], { 200: obj, 201: obj }, `${META}.Patch`));
    if (has('delete')) item.push(op('delete', 'delete', id('delete'), `delete a ${r.kind}`, [...DELETE_PARAMS], { 200: obj, 202: obj }, `${META}.DeleteOptions`));
    items.push({ path: `${collection}/{name}`, params: [NAME, ...scope], ops: item });
    for (const sub of r.subresources) {
      const path = `${collection}/{name}/${sub}`;
      const subId = sub[0]!.toUpperCase() + sub.slice(1);
      if (sub === 'status' || sub === 'scale') {
        const k = sub === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : gvk;
        const d = defName(k.group, k.version, k.kind);
        items.push({ path, params: [NAME, ...scope], ops: [
          op('get', 'get', id('read', subId), `read ${sub} of the specified ${r.kind}`, [], { 200: d }, undefined, k),
          op('put', 'put', id('replace', subId), `replace ${sub} of the specified ${r.kind}`, writes, { 200: d, 201: d }, d, k),
          op('patch', 'patch', id('patch', subId), `partially update ${sub} of the specified ${r.kind}`, [...writes, FORCE], { 200: d, 201: d }, `${META}.Patch`, k),
        ] });
      } else if (sub === 'binding' || sub === 'eviction') {
        const k = sub === 'binding' ? { group: '', version: 'v1', kind: 'Binding' } : { group: 'policy', version: 'v1', kind: 'Eviction' };
        const d = defName(k.group, k.version, k.kind);
        items.push({ path, params: [NAME, ...scope], ops: [
          op('post', 'post', id('create', subId), `create ${sub} of a ${r.kind}`, writes, { 200: d, 201: d, 202: d }, d, k),
        ] });
      }
    }
    if (r.namespaced && has('list')) {
      items.push({ path: `${base}/${r.plural}`, params: [PRETTY], ops: [
        op('get', 'list', `list${gvId(gv)}${r.kind}ForAllNamespaces`, `list or watch objects of kind ${r.kind}`, [...LIST_PARAMS], { 200: list }),
      ] });
    }
  }
  return items;
}
