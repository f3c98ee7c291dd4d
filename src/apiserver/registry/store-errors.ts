// Store failures that reach the API surface as upstream's errors.
import { ApiError, internalError, type ResourceType } from '../../core/index.js';
import { isStoreError } from '../../store/index.js';

export function storeErrorToApi(e: unknown, _type: ResourceType, requested?: number): unknown {
  if (e instanceof ApiError) return e;
  if (isStoreError(e, 'Compacted')) {
    return new ApiError(410, 'Expired', `too old resource version: ${requested ?? ''} (${e.compactedRevision ?? ''})`);
  }
  if (isStoreError(e, 'FutureRevision')) {
    return new ApiError(504, 'Timeout', 'Too large resource version', { retryAfterSeconds: 1 });
  }
  if (isStoreError(e)) return internalError(e.message);
  return e;
}
