import { apiVersionOf, badRequest, type KubeObject, type ResourceType } from '../../core/index.js';

/** A body's kind/apiVersion, when given, must be the endpoint's (upstream decodes into that kind). */
export function checkTypeMeta(type: ResourceType, obj: KubeObject): void {
  const want = apiVersionOf(type);
  if (obj.kind !== undefined && obj.kind !== '' && obj.kind !== type.kind) {
    throw badRequest(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/apply-patch+yaml (kind ${JSON.stringify(obj.kind)} is not ${type.kind})`);
  }
  if (obj.apiVersion !== undefined && obj.apiVersion !== '' && obj.apiVersion !== want) {
    throw badRequest(`${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: apiVersion ${JSON.stringify(obj.apiVersion)} does not match the expected ${JSON.stringify(want)}`);
  }
}
