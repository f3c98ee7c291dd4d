// The single place an error becomes a metav1.Status (and an HTTP code).
import { ApiError, isApiError } from '../core/index.js';
import { isStoreError } from '../store/index.js';

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: ApiError['details'];
  code: number;
}

export function toStatus(e: unknown): Status {
  if (isApiError(e)) {
    const s: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: e.message, reason: e.reason, code: e.code };
    if (e.details && Object.keys(e.details).length) s.details = e.details;
    return s;
  }
  if (isStoreError(e, 'Closed')) {
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server is shutting down', reason: 'ServiceUnavailable', code: 503 };
  }
  const message = e instanceof Error ? e.message : String(e);
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
    message: `Internal error occurred: ${message}`, reason: 'InternalError', code: 500, details: { causes: [{ message }] },
  };
}

export function successStatus(details?: ApiError['details']): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', ...(details ? { details } : {}) };
}
