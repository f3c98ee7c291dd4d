// The registry's managedFields hooks: every create and update records its writer in
// metadata.managedFields (as an "Update" operation) before the strategy prepares the object,
// i.e. on the object as the client sent it, defaults applied, as upstream records it.
// Server-side apply computes managedFields itself; its writes carry the APPLY mark so the
// hooks leave them alone. Writer names come from WriteOptions.fieldManager, which handlers
// fill with `fieldManagerFor` (the fieldManager parameter, else the User-Agent's product).
import type { KubeObject, ResourceType } from '../../core/index.js';
import { cached, kindNode, recordUpdate, type FieldManagerScope, type StructNode } from '../patch/index.js';
import { jsonEqual } from '../patch/index.js';
import { rfc3339 } from './meta.js';

/** Marks WriteOptions of a server-side apply: managedFields are already final. */
export const APPLY = Symbol('berth.apply');

export interface ManagedFieldsOptions {
  readonly fieldManager?: string;
  readonly subresource?: string;
  readonly [APPLY]?: boolean;
}

const FIELD_MANAGER_MAX = 128;

/**
 * Upstream's default manager: the fieldManager parameter, else the User-Agent up to its first
 * '/', printable characters only, at most 128 bytes (`kubectl/v1.33.1 (linux/amd64)` -> kubectl).
 * Empty when neither is known; the entry is then recorded as "unknown".
 */
export function fieldManagerFor(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  return cached(managersByAgent, AGENTS_MAX, userAgent ?? '', managerFromAgent);
}

// Every request asks; clients send a handful of different User-Agents.
const managersByAgent = new Map<string, string>();
const AGENTS_MAX = 256;

function managerFromAgent(userAgent: string): string {
  let out = '';
  for (const ch of userAgent.split('/')[0]) {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) continue;
    if (Buffer.byteLength(out + ch) > FIELD_MANAGER_MAX) break;
    out += ch;
  }
  return out;
}

// The kind's schema node, looked up once per resource type.
const roots = new WeakMap<ResourceType, StructNode>();

function scope(type: ResourceType, subresource: string | undefined, now: Date): FieldManagerScope {
  let root = roots.get(type);
  if (!root) {
    root = kindNode(type);
    roots.set(type, root);
  }
  return { root, group: type.group, version: type.version, kind: type.kind, subresource, now: secondsText(now) };
}

// Writes come many to a second; the text only changes with the second.
let lastSecond = NaN;
let lastText = '';

function secondsText(now: Date): string {
  const second = Math.floor(now.getTime() / 1000);
  if (second !== lastSecond) {
    lastText = rfc3339(now);
    lastSecond = second;
  }
  return lastText;
}

/** Hook: a create of `obj` (defaults applied, strategy not yet run). */
export function trackCreate(type: ResourceType, obj: KubeObject, opts: ManagedFieldsOptions, now: Date): void {
  if (opts[APPLY]) return;
  recordUpdate(scope(type, undefined, now), undefined, obj, opts.fieldManager ?? '');
}

/** Hook: an update of `current` to `next` through the main resource or /status. */
export function trackUpdate(type: ResourceType, current: KubeObject, next: KubeObject, opts: ManagedFieldsOptions, now: Date): void {
  if (opts[APPLY]) return;
  // binding, finalize and scale write one field on the server's behalf: upstream tracks them
  // under their own REST paths; here they keep the managedFields they had.
  if (opts.subresource && opts.subresource !== 'status') return;
  recordUpdate(scope(type, opts.subresource, now), current, next, opts.fieldManager ?? '');
}

/** Whether two versions of an object have the same managedFields (a write must not drop a change). */
export function sameManagedFields(a: KubeObject, b: KubeObject): boolean {
  return jsonEqual(a.metadata?.managedFields ?? null, b.metadata?.managedFields ?? null);
}
