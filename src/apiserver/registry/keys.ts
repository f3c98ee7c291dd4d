// Where objects live in the store, and continue tokens for paginated lists.
import { badRequest, type ResourceType } from '../../core/index.js';

export function collectionPrefix(type: ResourceType, namespace?: string): string {
  const base = `/registry/${type.group || 'core'}/${type.plural}/`;
  return type.namespaced && namespace ? `${base}${namespace}/` : base;
}

export function objectKey(type: ResourceType, namespace: string | undefined, name: string): string {
  return type.namespaced ? `${collectionPrefix(type)}${namespace}/${name}` : `${collectionPrefix(type)}${name}`;
}

interface ContinueToken { v: string; rv: number; start: string }

/** Upstream-shaped token: base64 JSON of {v, rv, start}; `start` is relative to the prefix. */
export function encodeContinue(revision: number, lastKey: string, prefix: string): string {
  const token: ContinueToken = { v: 'meta.k8s.io/v1', rv: revision, start: `${lastKey.slice(prefix.length)}\u0000` };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

export function decodeContinue(token: string, prefix: string): { revision: number; startAfter: string } {
  let parsed: ContinueToken;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
  } catch {
    throw badRequest('continue key is not valid: illegal base64 data or JSON');
  }
  if (parsed?.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number' || typeof parsed.start !== 'string') {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (parsed.start.includes('..') || parsed.start.startsWith('/')) throw badRequest('continue key is not valid: path traversal');
  // The token points just past the last returned key (trailing NUL); list from after that key.
  const start = parsed.start.endsWith('\u0000') ? parsed.start.slice(0, -1) : parsed.start;
  return { revision: parsed.rv, startAfter: prefix + start };
}
