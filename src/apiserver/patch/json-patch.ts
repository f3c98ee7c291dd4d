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
  checkFromPaths(ops as { op: string; path?: unknown; from?: unknown }[]);
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

/**
 * Moves and copies the library would carry out but upstream's json-patch refuses: from the
 * document root (it finds no parent there), and a move into the moved value's own subtree (the
 * source is gone before the destination is looked up). The library would build a cycle there.
 */
function checkFromPaths(ops: readonly { op: string; path?: unknown; from?: unknown }[]): void {
  for (const op of ops) {
    if ((op.op !== 'move' && op.op !== 'copy') || typeof op.from !== 'string' || typeof op.path !== 'string') continue;
    const missing = (what: string, p: string) =>
      new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${op.op} operation does not apply: doc is missing ${what} path: ${p}`);
    if (op.from === '') throw missing('from', op.from);
    if (op.op === 'move' && op.path.startsWith(`${op.from}/`)) throw missing('destination', op.path);
  }
}
