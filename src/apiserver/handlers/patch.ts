// PATCH for all four content types, as upstream's patch handler (endpoints/handlers/patch.go):
//   json / merge / strategic: applied to the stored object inside guaranteedUpdate, the result
//     decoded against the kind's schema (a type error is 422 `patch: Invalid value`), unknown
//     fields and repeated keys reported per fieldValidation (Strict: 422, Warn: warnings);
//     managedFields are recorded by the registry's update hook;
//   apply (server-side apply): the configuration is merged by field ownership (patch/
//     field-manager.ts); a missing object is created (201); conflicts are 409.
// A resourceVersion in the result is a precondition; dryRun writes nothing; immutable-field
// rules, validation and admission are the registry's, so a rejected patch stores nothing.
import {
  ApiError, badRequest, conflict, field, invalid, isNotFound, isAlreadyExists, kindDefinitionFor, OPTIMISTIC_LOCK_MESSAGE,
  type FieldError, type KubeObject,
} from '../../core/index.js';
import {
  applyJsonPatch, applyMergePatch, applyStrategicMergePatch, goValue, kindNode, namedNode, recordApply,
} from '../patch/index.js';
import { applyConfiguration, parsePatchBody, type PatchKind } from '../patch/patch-body.js';
import { APPLY, fieldManagerFor } from '../registry/managed-fields.js';
import type { WriteOptions } from '../registry/registry.js';
import type { ApiRequest } from '../request.js';
import type { HandlerContext } from './context.js';
import { boolParam, dryRunParam, fieldValidationParam } from './params.js';
import { checkTypeMeta } from './typemeta.js';

/** Applies a parsed patch body of the given type to an object (JSON values in, JSON out). */
export type PatchApplier = (current: KubeObject, patch: unknown, req: ApiRequest) => unknown;

const UNSUPPORTED = 'the body of the request was in an unknown format - accepted media types include: '
  + 'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json';

const kindOf = (req: ApiRequest): PatchKind => {
  if (!req.patchType) throw new ApiError(415, 'UnsupportedMediaType', UNSUPPORTED);
  return req.patchType;
};

/** The schema an object's own apiVersion/kind name (the Scale subresource patches a Scale). */
function nodeOf(obj: KubeObject, req: ApiRequest) {
  const def = kindDefinitionFor(obj.apiVersion ?? '', obj.kind ?? '');
  return def ? namedNode(def.name) : kindNode(req.type);
}

/** A patch applier for subresources that patch a derived object (scale); apply merges there. */
export function patchApplier(req: ApiRequest): PatchApplier {
  const kind = kindOf(req);
  return (cur, body) => {
    const { value } = parsePatchBody(kind, body, false);
    switch (kind) {
      case 'json': return applyJsonPatch(cur, value);
      case 'strategic': return applyStrategicMergePatch(cur, value, nodeOf(cur, req));
      default: return applyMergePatch(cur, value);
    }
  };
}

const userAgentOf = (req: ApiRequest): string | undefined => (req as ApiRequest & { readonly userAgent?: string }).userAgent;

/** PatchOptions validation (upstream ValidatePatchOptions): 422 on PatchOptions.meta.k8s.io. */
function validatePatchOptions(req: ApiRequest, kind: PatchKind): void {
  const errs: FieldError[] = [];
  const manager = req.query.fieldManager ?? '';
  if (kind !== 'apply' && req.query.force !== undefined) errs.push(field.forbidden('force', 'may not be specified for non-apply patch'));
  if (kind === 'apply' && !manager) errs.push(field.required('fieldManager', 'is required for apply patch'));
  if (Buffer.byteLength(manager) > 128) errs.push(field.tooLong('fieldManager', manager, 128));
  [...manager].forEach((ch, i) => {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) {
      const cp = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      errs.push(field.invalid('fieldManager', manager, `invalid character U+${cp} (at position ${i})`));
    }
  });
  if (!errs.length) return;
  const e = invalid('PatchOptions', 'meta.k8s.io', '', errs);
  throw new ApiError(e.code, e.reason, e.message, { group: 'meta.k8s.io', kind: 'PatchOptions', causes: e.details.causes });
}

/** 422 `"" is invalid: patch: Invalid value: "<value>": <why>`, as upstream reports a bad patch result. */
function invalidPatch(value: string, why: string): ApiError {
  const body = `Invalid value: ${JSON.stringify(value)}: ${why}`;
  return new ApiError(422, 'Invalid', ` "" is invalid: patch: ${body}`, { causes: [{ reason: 'FieldValueInvalid', message: body, field: 'patch' }] });
}

const DECODE_PREFIX = /^[A-Za-z]+ in version "[^"]*" cannot be handled as a [A-Za-z]+: /;

export async function handlePatch(ctx: HandlerContext, req: ApiRequest): Promise<KubeObject> {
  return (await handlePatchRequest(ctx, req)).object;
}

/** The patched object and the status code (201 when an apply created it). */
export async function handlePatchRequest(ctx: HandlerContext, req: ApiRequest): Promise<{ object: KubeObject; code: 200 | 201 }> {
  const kind = kindOf(req);
  validatePatchOptions(req, kind);
  const mode = fieldValidationParam(req.query);
  const body = parsePatchBody(kind, req.body, mode !== 'Ignore');
  const opts: WriteOptions = {
    user: req.user, dryRun: dryRunParam(req.query), subresource: req.subresource,
    fieldManager: fieldManagerFor(req.query.fieldManager, userAgentOf(req)),
  };
  if (kind === 'apply') return handleApply(ctx, req, applyConfiguration(body.value), body.strict, opts);
  const name = req.name!;
  const object = await ctx.registry.guaranteedUpdate(req.type, req.namespace, name, (current) => {
    const root = kindNode(req.type);
    const patched = (kind === 'json' ? applyJsonPatch(current, body.value)
      : kind === 'merge' ? applyMergePatch(current, body.value)
        : applyStrategicMergePatch(current, body.value, root)) as KubeObject;
    const wanted = patched?.metadata?.resourceVersion;
    if (wanted && wanted !== current.metadata?.resourceVersion) {
      throw conflict(req.type.plural, req.type.group, name, OPTIMISTIC_LOCK_MESSAGE);
    }
    // Upstream shows the patched document (json, merge) or the patch (strategic) in errors.
    const shown = () => (kind === 'strategic' ? goValue(body.value) : JSON.stringify(patched));
    const unknown: string[] = [];
    let obj: KubeObject;
    try {
      obj = ctx.decoder.decode(req.type, patched, 'Warn', unknown);
    } catch (e) {
      if (e instanceof ApiError && e.code === 400) throw invalidPatch(shown(), e.message.replace(DECODE_PREFIX, ''));
      throw e;
    }
    reportStrict(req, [...body.strict, ...unknown], mode, () => invalidPatch(shown(), `strict decoding error: ${[...body.strict, ...unknown].join(', ')}`));
    checkTypeMeta(req.type, obj);
    return obj;
  }, opts);
  return { object, code: 200 };
}

function reportStrict(req: ApiRequest, errs: readonly string[], mode: string, strictError: () => ApiError): void {
  if (!errs.length || mode === 'Ignore') return;
  if (mode === 'Strict') throw strictError();
  for (const w of errs) if (!req.warnings.includes(w)) req.warnings.push(w);
}

/** Server-side apply: update by ownership, or create when the object does not exist. */
async function handleApply(ctx: HandlerContext, req: ApiRequest, config: Record<string, unknown>, strict: readonly string[],
  base: WriteOptions): Promise<{ object: KubeObject; code: 200 | 201 }> {
  const name = req.name!;
  const force = boolParam(req.query, 'force') ?? false;
  const mode = fieldValidationParam(req.query);
  const opts = { ...base, [APPLY]: true } as WriteOptions;
  const scope = () => ({
    root: kindNode(req.type), group: req.type.group, version: req.type.version, kind: req.type.kind,
    subresource: req.subresource, now: ctx.registry.now().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  });
  const finish = (merged: Record<string, unknown>, creating: boolean): KubeObject => {
    const meta = (merged.metadata ?? {}) as { name?: unknown; namespace?: unknown };
    if (!meta.name) throw badRequest(`the name of the object (${name} based on URL) was undeterminable: name must be provided`);
    if (meta.name !== name) throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
    if (req.type.namespaced && meta.namespace && meta.namespace !== req.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    if (creating) wipeSystemMeta(merged);
    const obj = ctx.decoder.decode(req.type, merged, 'Ignore', []);
    reportStrict(req, strict, mode, () => badRequest(`error strict decoding YAML: ${strict.join(', ')}`));
    checkTypeMeta(req.type, obj);
    return obj;
  };
  for (let attempt = 0; ; attempt++) {
    try {
      const object = await ctx.registry.guaranteedUpdate(req.type, req.namespace, name, (current) => {
        const wanted = (config.metadata as { resourceVersion?: unknown } | undefined)?.resourceVersion;
        if (wanted && wanted !== current.metadata?.resourceVersion) {
          throw conflict(req.type.plural, req.type.group, name, OPTIMISTIC_LOCK_MESSAGE);
        }
        return finish(recordApply(scope(), current, config, base.fieldManager!, force), false);
      }, opts);
      return { object, code: 200 };
    } catch (e) {
      // Only the main resource is created by an apply; a subresource of nothing is 404.
      if (!isNotFound(e) || req.subresource || attempt > 0) throw e;
    }
    try {
      const created = finish(recordApply(scope(), undefined, config, base.fieldManager!, force), true);
      return { object: await ctx.registry.create(req.type, req.namespace, created, opts), code: 201 };
    } catch (e) {
      // Someone created it meanwhile: apply to theirs.
      if (!isAlreadyExists(e) || base.dryRun) throw e;
    }
  }
}

/** What a create ignores from the client (upstream WipeObjectMetaSystemFields). */
function wipeSystemMeta(obj: Record<string, unknown>): void {
  const meta = obj.metadata as Record<string, unknown> | undefined;
  if (!meta) return;
  for (const k of ['creationTimestamp', 'uid', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink']) delete meta[k];
}
