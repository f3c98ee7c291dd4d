// What every handler receives: the registry plus the body decoder, both set up once.
import type { KubeObject, ResourceType } from '../../core/index.js';
import type { Registry } from '../registry/registry.js';
import type { FieldValidation } from './params.js';

export interface BodyDecoder {
  /** Type-checks a body against the kind's schema; drops unknown fields per `mode`. */
  decode(type: ResourceType, body: unknown, mode: FieldValidation, warnings: string[]): KubeObject;
  /** Same for a DeleteOptions body. */
  decodeDeleteOptions(body: unknown): Record<string, unknown>;
}

export interface HandlerContext {
  readonly registry: Registry;
  readonly decoder: BodyDecoder;
  /** +1 when a watch opens, -1 when it ends, whatever the transport. */
  readonly onWatch?: (resource: string, delta: number) => void;
}
