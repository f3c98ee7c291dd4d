// Strategic merge patch failures, worded as upstream's mergepatch/strategicpatch errors and
// classified as its patch handler does (interpretStrategicMergePatchError): format errors are
// 400, lists of lists and retainKeys mismatches 422. Upstream lets every other merge error
// through unclassified (a 500); a bad patch is the client's fault, so those are 400 here.
import { ApiError, badRequest } from '../../core/index.js';
import { goTypeName, goValue } from './go-format.js';

export const SMP_BAD_PRIMITIVE_LIST = 'invalid patch format of primitive list';
export const SMP_BAD_RETAIN_KEYS = 'invalid patch format of retainKeys';
export const SMP_BAD_SET_ELEMENT_ORDER = 'invalid patch format of setElementOrder list';

export const smpBadRequest = (message: string): ApiError => badRequest(message);

export function smpUnprocessable(message: string): ApiError {
  return new ApiError(422, 'Invalid', message);
}

export const noListOfLists = (): ApiError => smpUnprocessable('lists of lists are not supported');

export const noMergeKey = (m: unknown, key: string): ApiError =>
  smpBadRequest(`map: ${goValue(m)} does not contain declared merge key: ${key}`);

export const badArgType = (expected: string, actual: unknown): ApiError =>
  smpBadRequest(`expected a ${expected}, but received a ${goTypeName(actual)}`);

export const badPatchType = (directive: unknown, m: unknown): ApiError =>
  smpBadRequest(`unknown patch type: ${goValue(directive)} in map: ${goValue(m)}`);

export const unknownField = (struct: string, key: string): ApiError =>
  smpBadRequest(`unable to find api field in struct ${struct} for the json field ${JSON.stringify(key)}`);
