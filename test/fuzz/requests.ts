// Builds one fuzz request: a verb on an endpoint of a kind (create, update, four patch types and
// bogus ones, delete, get/list, subresources status/scale/binding, odd URLs), a body drawn from
// the mutation strategies, random headers and query parameters. Pure: the same Rng state gives
// the same request, which is what makes a reported failure reproducible.
import { randomJson, weirdString, type Rng } from './rng.js';
import { applyConfig, bomb, damage, jsonPatch, mergePatch, mutate, serialize, strategicPatch } from './mutate.js';
import { bodySubresources, collectionPath, itemPath, NS, segment, TARGETS, type Target } from './targets.js';

export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
  /** What the generator meant to do, for the report. */
  readonly note: string;
  /** The seed object the request is aimed at, when it is one (for the unchanged-on-4xx check). */
  readonly seed?: { target: Target; name: string };
}

const JSON_CT = 'application/json';
const PATCH_CTS = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'] as const;

const COMMON_PARAMS: Record<string, readonly string[]> = {
  dryRun: ['All', 'All', 'all', 'None', '', 'x'],
  fieldValidation: ['Strict', 'Warn', 'Ignore', 'strict', 'x', ''],
  fieldManager: ['fuzz', 'fuzz', '', 'm'.repeat(129), 'bell\u0007', 'é'],
  pretty: ['true', '1', 'x'],
};
const PATCH_PARAMS: Record<string, readonly string[]> = { ...COMMON_PARAMS, force: ['true', 'false', 'x', ''] };
const DELETE_PARAMS: Record<string, readonly string[]> = {
  dryRun: ['All', 'x'], gracePeriodSeconds: ['0', '30', '-1', 'abc', '1e9', '99999999999'],
  propagationPolicy: ['Foreground', 'Background', 'Orphan', 'x', ''], orphanDependents: ['true', 'false', 'x'],
};
const READ_PARAMS: Record<string, readonly string[]> = {
  labelSelector: ['app=fuzz', 'a in (', '!!', 'x=y,z!=w', 'seed', '!seed', 'a notin (b,c)', 'k=' + 'v'.repeat(70)],
  fieldSelector: ['metadata.name=x', 'metadata.namespace!=fuzz', 'spec.nodeName=', 'bogus=1', 'status.phase=Running', '=', 'a==b'],
  limit: ['1', '0', '-1', 'abc', '1e20', '500'],
  continue: ['abc', 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MSwic3RhcnQiOiJ4In0', '%%%'],
  resourceVersion: ['0', '1', 'abc', '-1', '99999999'],
  resourceVersionMatch: ['Exact', 'NotOlderThan', 'x'],
  sendInitialEvents: ['true', 'x'],
  timeoutSeconds: ['1', '-1', 'x'],
};

function params(rng: Rng, table: Record<string, readonly string[]>): Record<string, string> {
  const q: Record<string, string> = {};
  for (const [k, values] of Object.entries(table)) if (rng.chance(0.25)) q[k] = rng.chance(0.9) ? rng.pick(values) : weirdString(rng);
  if (rng.chance(0.05)) q[weirdString(rng) || 'x'] = weirdString(rng);
  return q;
}

/** A create/update body: mostly a mutated valid object; sometimes garbage of every kind. */
function objectBody(rng: Rng, target: Target, name: string): { body: Buffer; ct: string; note: string } {
  const valid = target.valid(name);
  const s = rng.weighted<string>([[40, 'mutated'], [10, 'yaml'], [10, 'damaged'], [8, 'random'], [4, 'bomb'], [4, 'protobuf'], [4, 'ctype'], [10, 'otherkind'], [10, 'valid']]);
  if (s === 'valid') return { body: serialize(rng, valid, false), ct: JSON_CT, note: 'valid' };
  if (s === 'mutated') return { body: serialize(rng, mutate(rng, valid, rng.int(1, 4)), false), ct: JSON_CT, note: 'mutated' };
  if (s === 'yaml') return { body: serialize(rng, mutate(rng, valid, rng.int(0, 3)), true), ct: 'application/yaml', note: 'yaml' };
  if (s === 'damaged') return { body: damage(rng, JSON.stringify(mutate(rng, valid, rng.int(0, 2)))), ct: JSON_CT, note: 'damaged' };
  if (s === 'random') return { body: serialize(rng, randomJson(rng, 4), false), ct: JSON_CT, note: 'random json' };
  if (s === 'bomb') { const b = bomb(rng); return { body: b.body, ct: b.yaml ? 'application/yaml' : JSON_CT, note: 'bomb' }; }
  if (s === 'protobuf') {
    const junk = Buffer.from(Array.from({ length: rng.int(0, 300) }, () => rng.int(0, 255)));
    return { body: rng.chance(0.6) ? Buffer.concat([Buffer.from('k8s\0'), junk]) : junk, ct: 'application/vnd.kubernetes.protobuf', note: 'protobuf junk' };
  }
  if (s === 'ctype') return { body: serialize(rng, valid, false), ct: rng.pick(['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', '*/*', '']), note: 'content-type' };
  const other = rng.pick(TARGETS).valid(rng.chance(0.5) ? name : weirdString(rng));
  if (rng.chance(0.3)) other.metadata.namespace = rng.pick(['default', 'kube-system', 'nope', weirdString(rng)]);
  return { body: serialize(rng, other, false), ct: JSON_CT, note: 'other kind or namespace' };
}

function patchBody(rng: Rng, target: Target, name: string): { body: Buffer; ct: string; note: string } {
  const obj = target.valid(name);
  const ct = rng.chance(0.95) ? rng.pick(PATCH_CTS) : rng.pick([JSON_CT, 'application/yaml', 'text/plain', 'application/merge-patch+yaml', '']);
  let value: unknown;
  if (ct === 'application/json-patch+json') value = jsonPatch(rng, obj);
  else if (ct === 'application/merge-patch+json') value = mergePatch(rng, obj);
  else if (ct === 'application/apply-patch+yaml') value = applyConfig(rng, obj);
  else value = strategicPatch(rng, obj);
  const r = rng.next();
  const body = r < 0.08 ? damage(rng, JSON.stringify(value)) : r < 0.12 ? serialize(rng, randomJson(rng, 3), false)
    : r < 0.14 ? bomb(rng).body : serialize(rng, value, ct === 'application/apply-patch+yaml' && rng.chance(0.6));
  return { body, ct, note: `patch ${ct.split('/')[1] ?? ct}` };
}

function oddPath(rng: Rng, target: Target): string {
  const base = collectionPath(target.type);
  return rng.pick([
    `${base}/`, `${base}//x`, base.replace('/v1/', '/v2/'), base.replace(/\/[^/]+$/, '/nosuchthings'), `${base}/x/nosuchsub`,
    `/apis/nosuch.group/v1/namespaces/${NS}/things`, `${base}/${segment(weirdString(rng))}`, `${base}/%ZZ`,
    collectionPath(target.type, rng.pick(['nope', 'UPPER', '..', weirdString(rng)])), `${base}/a/status/extra`,
  ]);
}

/** One request against `target`, aimed at one of `names` (the caller's seed objects of that kind). */
export function buildRequest(rng: Rng, target: Target, names: readonly string[]): FuzzRequest {
  const { type } = target;
  const roll = rng.next();
  const seedName = rng.pick(names);
  const name = roll < 0.9 ? seedName : rng.chance(0.5) ? `nope-${rng.int(0, 999)}` : weirdString(rng);
  const seed = name === seedName ? { target, name } : undefined;
  const verb = rng.weighted<string>([[25, 'create'], [15, 'update'], [30, 'patch'], [5, 'delete'], [8, 'read'], [14, 'sub'], [3, 'odd']]);

  if (verb === 'create') {
    const b = objectBody(rng, target, rng.chance(0.9) ? `f-${rng.int(0, 1e6)}` : weirdString(rng));
    return { method: 'POST', path: collectionPath(type), query: params(rng, COMMON_PARAMS), headers: { 'Content-Type': b.ct }, body: b.body, note: `create ${b.note}` };
  }
  if (verb === 'update') {
    const b = objectBody(rng, target, rng.chance(0.9) ? name : weirdString(rng));
    return { method: 'PUT', path: itemPath(type, name), query: params(rng, COMMON_PARAMS), headers: { 'Content-Type': b.ct }, body: b.body, note: `update ${b.note}`, seed };
  }
  if (verb === 'patch') {
    const b = patchBody(rng, target, name);
    return { method: 'PATCH', path: itemPath(type, name), query: params(rng, PATCH_PARAMS), headers: { 'Content-Type': b.ct }, body: b.body, note: b.note, seed };
  }
  if (verb === 'delete') {
    const body = rng.chance(0.5) ? undefined : serialize(rng, rng.chance(0.5)
      ? { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: rng.pick([0, 5, -1, 1.5]), propagationPolicy: rng.pick(['Foreground', 'Orphan', 'x']), preconditions: { uid: rng.pick(['', 'x']), resourceVersion: rng.pick(['1', '']) } }
      : randomJson(rng, 2), false);
    return { method: 'DELETE', path: itemPath(type, name), query: params(rng, DELETE_PARAMS), headers: body ? { 'Content-Type': JSON_CT } : {}, body, note: 'delete', seed };
  }
  if (verb === 'read') {
    const path = rng.chance(0.5) ? collectionPath(type) : itemPath(type, name);
    return { method: 'GET', path, query: params(rng, READ_PARAMS), headers: rng.chance(0.2) ? { Accept: rng.pick(['application/json;as=Table;v=v1;g=meta.k8s.io', 'application/yaml', 'application/vnd.kubernetes.protobuf', 'text/html', 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io']) } : {}, note: 'read' };
  }
  if (verb === 'sub') {
    const subs = bodySubresources(type);
    if (!subs.length) return buildRequest(rng, target, names);
    const sub = rng.pick(subs);
    if (sub === 'binding') {
      const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { apiVersion: 'v1', kind: 'Node', name: rng.pick(['node-a', '', weirdString(rng)]) } };
      const body = rng.chance(0.7) ? serialize(rng, mutate(rng, binding, rng.int(0, 2)), false) : damage(rng, JSON.stringify(binding));
      return { method: 'POST', path: itemPath(type, name, NS, 'binding'), query: params(rng, COMMON_PARAMS), headers: { 'Content-Type': JSON_CT }, body, note: 'binding', seed };
    }
    const method = rng.pick(['GET', 'PUT', 'PATCH']);
    if (method === 'GET') return { method, path: itemPath(type, name, NS, sub), query: {}, headers: {}, note: `get ${sub}` };
    if (method === 'PATCH') {
      const b = patchBody(rng, target, name);
      return { method, path: itemPath(type, name, NS, sub), query: params(rng, PATCH_PARAMS), headers: { 'Content-Type': b.ct }, body: b.body, note: `${sub} ${b.note}`, seed };
    }
    const body = sub === 'scale'
      ? serialize(rng, mutate(rng, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name, namespace: NS }, spec: { replicas: 3 } }, rng.int(0, 2)), false)
      : objectBody(rng, target, name).body;
    return { method, path: itemPath(type, name, NS, sub), query: params(rng, COMMON_PARAMS), headers: { 'Content-Type': JSON_CT }, body, note: `update ${sub}`, seed };
  }
  const method = rng.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE']);
  return { method, path: oddPath(rng, target), query: params(rng, COMMON_PARAMS), headers: { 'Content-Type': JSON_CT }, body: method === 'GET' || method === 'HEAD' ? undefined : Buffer.from('{}'), note: 'odd path' };
}
