// API errors as upstream's apimachinery defines them. Thrown anywhere; turned into a
// metav1.Status only in apiserver/status.ts, so every layer speaks one error language.

export type StatusReason =
  | 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Invalid' | 'BadRequest' | 'Gone' | 'Expired'
  | 'MethodNotAllowed' | 'NotAcceptable' | 'UnsupportedMediaType' | 'RequestEntityTooLarge'
  | 'Forbidden' | 'Unauthorized' | 'InternalError' | 'Timeout' | 'TooManyRequests'
  | 'ServiceUnavailable' | 'NonZeroExitCode';

export type FieldErrorType =
  | 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueNotSupported' | 'FieldValueForbidden'
  | 'FieldValueDuplicate' | 'FieldValueTooLong' | 'FieldValueTooMany' | 'FieldValueNotFound'
  | 'FieldValueTypeInvalid' | 'InternalError';

/** One problem at one field path (k8s.io/apimachinery/pkg/util/validation/field.Error). */
export interface FieldError {
  readonly type: FieldErrorType;
  readonly field: string;
  readonly badValue?: unknown;
  readonly detail?: string;
  /** For NotSupported: the values that would have been accepted. */
  readonly supported?: readonly string[];
}

export interface StatusCause { reason?: string; message?: string; field?: string }

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details: StatusDetails = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;
export const isNotFound = (e: unknown): boolean => isApiError(e) && e.reason === 'NotFound';
export const isConflict = (e: unknown): boolean => isApiError(e) && e.reason === 'Conflict';
export const isAlreadyExists = (e: unknown): boolean => isApiError(e) && e.reason === 'AlreadyExists';

/** `statefulsets.apps` / `pods`: how upstream names a resource in messages. */
export function qualifiedResource(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

export function notFound(resource: string, group: string, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(resource, group)} "${name}" not found`,
    { name, group: group || undefined, kind: resource });
}

export function alreadyExists(resource: string, group: string, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(resource, group)} "${name}" already exists`,
    { name, group: group || undefined, kind: resource });
}

export function conflict(resource: string, group: string, name: string, why: string): ApiError {
  return new ApiError(409, 'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(resource, group)} "${name}": ${why}`,
    { name, group: group || undefined, kind: resource });
}

export const OPTIMISTIC_LOCK_MESSAGE =
  'the object has been modified; please apply your changes to the latest version and try again';

export function badRequest(message: string, causes?: StatusCause[]): ApiError {
  return new ApiError(400, 'BadRequest', message, causes ? { causes } : {});
}

export function forbidden(resource: string, group: string, name: string, why: string): ApiError {
  const what = name ? `${qualifiedResource(resource, group)} "${name}"` : qualifiedResource(resource, group);
  return new ApiError(403, 'Forbidden', `${what} is forbidden: ${why}`,
    { name: name || undefined, group: group || undefined, kind: resource });
}

export function methodNotAllowed(message = 'the server does not allow this method on the requested resource'): ApiError {
  return new ApiError(405, 'MethodNotAllowed', message);
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function internalError(message: string): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`,
    { causes: [{ message }] });
}

/** Go's %q-ish rendering of a bad value, as field.Error prints it. */
export function renderValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  // Values that know their Go spelling (validation's GoValue) print it verbatim.
  if (typeof v === 'object' && 'repr' in v && typeof (v as { repr: unknown }).repr === 'string') return (v as { repr: string }).repr;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

/** The part after the field path: "Required value: ...", "Invalid value: "x": ...". */
export function fieldErrorBody(e: FieldError): string {
  const detail = e.detail ? `: ${e.detail}` : '';
  switch (e.type) {
    case 'FieldValueRequired': return `Required value${detail}`;
    case 'FieldValueForbidden': return `Forbidden${detail}`;
    case 'FieldValueTooLong': return `Too long${detail}`;
    // TooMany carries the actual count as its bad value: "Too many: 101: must have at most 100 items".
    case 'FieldValueTooMany': return e.badValue === undefined ? `Too many${detail}` : `Too many: ${renderValue(e.badValue)}${detail}`;
    case 'InternalError': return `Internal error${detail}`;
    case 'FieldValueDuplicate': return `Duplicate value: ${renderValue(e.badValue)}${detail}`;
    case 'FieldValueNotFound': return `Not found: ${renderValue(e.badValue)}${detail}`;
    case 'FieldValueTypeInvalid': return `Invalid value: ${renderValue(e.badValue)}${detail}`;
    case 'FieldValueNotSupported': {
      const supported = e.supported?.length
        ? `: supported values: ${e.supported.map((s) => JSON.stringify(s)).join(', ')}` : '';
      return `Unsupported value: ${renderValue(e.badValue)}${supported}`;
    }
    case 'FieldValueInvalid':
      return e.badValue === undefined ? `Invalid value${detail}` : `Invalid value: ${renderValue(e.badValue)}${detail}`;
  }
}

export function fieldErrorMessage(e: FieldError): string {
  return e.field ? `${e.field}: ${fieldErrorBody(e)}` : fieldErrorBody(e);
}

/** 422 Invalid, shaped like apierrors.NewInvalid: `Kind.group "name" is invalid: [a, b]`. */
export function invalid(kind: string, group: string, name: string, errs: readonly FieldError[]): ApiError {
  // Identical messages are reported once, as upstream's ToAggregate does.
  const msgs = [...new Set(errs.map(fieldErrorMessage))];
  const joined = msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`;
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  return new ApiError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${joined}`, {
    name, group: group || undefined, kind,
    causes: errs.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field })),
  });
}

// Constructors used by validation code, named as upstream's field package.
export const field = {
  required: (path: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field: path, detail }),
  invalid: (path: string, value: unknown, detail = ''): FieldError => ({ type: 'FieldValueInvalid', field: path, badValue: value, detail }),
  notSupported: (path: string, value: unknown, supported: readonly string[]): FieldError =>
    ({ type: 'FieldValueNotSupported', field: path, badValue: value, supported }),
  forbidden: (path: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field: path, detail }),
  duplicate: (path: string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field: path, badValue: value }),
  tooLong: (path: string, value: unknown, max: number): FieldError =>
    ({ type: 'FieldValueTooLong', field: path, badValue: value, detail: `may not be more than ${max} bytes` }),
  tooMany: (path: string, actual: number, max: number): FieldError =>
    ({ type: 'FieldValueTooMany', field: path, badValue: actual, detail: `must have at most ${max} items` }),
  notFound: (path: string, value: unknown): FieldError => ({ type: 'FieldValueNotFound', field: path, badValue: value }),
  typeInvalid: (path: string, value: unknown, detail: string): FieldError =>
    ({ type: 'FieldValueTypeInvalid', field: path, badValue: value, detail }),
};
