// Admission: decisions that need more than the object itself (other objects, the user), made
// after defaulting and before validation, as upstream's admission chain does.
import type { KubeObject, ResourceType } from '../../core/index.js';
import type { UserInfo } from '../request.js';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

/** Read access to current state for admission decisions (never writes). */
/** Current objects for admission decisions; they are shared and frozen: read, never change. */
export interface AdmissionReader {
  get(type: ResourceType, namespace: string | undefined, name: string): Promise<KubeObject | undefined>;
  list(type: ResourceType, namespace?: string): Promise<KubeObject[]>;
}

export interface AdmissionAttributes {
  readonly operation: Operation;
  readonly type: ResourceType;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name: string;
  /** The object being written; mutating plugins change it in place. Undefined on DELETE. */
  readonly object?: KubeObject;
  readonly oldObject?: KubeObject;
  readonly user: UserInfo;
  readonly dryRun: boolean;
  readonly reader: AdmissionReader;
}

export interface AdmissionPlugin {
  readonly name: string;
  /** Mutating phase: may change attrs.object. Throws ApiError to reject. */
  admit?(attrs: AdmissionAttributes): Promise<void> | void;
  /** Validating phase: must not change anything. Throws ApiError to reject. */
  validate?(attrs: AdmissionAttributes): Promise<void> | void;
}
