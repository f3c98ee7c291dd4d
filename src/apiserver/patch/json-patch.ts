// JSON patch (RFC 6902) through fast-json-patch, with failures reported as upstream does.
import fjp from 'fast-json-patch';
import { ApiError, badRequest } from '../../core/index.js';

export function applyJsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  for (const [i, op] of ops.entries()) {
    if (op === null || typeof op !== 'object' || typeof (op as { op?: unknown }).op !== 'string') {
      throw badRequest(`the JSON patch operation at index ${i} is invalid: missing "op"`);
    }
  }
  try {
    return fjp.applyPatch(structuredClone(target), ops as fjp.Operation[], true, false).newDocument;
  } catch (e) {
    const err = e as { name?: string; message?: string; operation?: { op?: string; path?: string } };
    const message = (err.message ?? String(e)).split('\n')[0];
    if (err.name === 'TEST_OPERATION_FAILED') {
      throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: testing value ${err.operation?.path ?? ''} failed: test operation failed`);
    }
    throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${message}`);
  }
}
