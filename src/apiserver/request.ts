// The transport-neutral request the API core handles. The HTTP layer parses URLs into this;
// the in-process transport builds it directly, so both get the same admission and validation.
import type { KubeObject, ResourceType } from '../core/index.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface UserInfo {
  readonly name: string;
  readonly groups: readonly string[];
}

export interface ApiRequest {
  readonly verb: Verb;
  readonly type: ResourceType;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
  /** Query parameters (first value of each; `command` etc. are read from `rawQuery`). */
  readonly query: Readonly<Record<string, string>>;
  /** Decoded body: an object for create/update/delete options, the raw patch for patch. */
  readonly body?: unknown;
  /** Patch content type, for verb patch. */
  readonly patchType?: PatchType;
  readonly user: UserInfo;
  /** Warnings collected while handling (sent as `Warning: 299` headers). */
  readonly warnings: string[];
  readonly signal?: AbortSignal;
  /** The client's User-Agent: the default field manager name, as upstream derives it. */
  readonly userAgent?: string;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: KubeObject;
}

export interface ListResult {
  readonly kind: string;
  readonly apiVersion: string;
  readonly metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  readonly items: KubeObject[];
}
