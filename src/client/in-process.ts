// Transport that calls an API server living in the same process. The composition root passes
// the server's entry point in, so the client never imports the server (DESIGN: data flows one way).
import type { KubeObject } from '../core/index.js';
import type { Transport, TransportRequest, WatchEvent } from './types.js';

export interface InProcessHandler {
  request(req: TransportRequest): Promise<KubeObject>;
  watch(req: Omit<TransportRequest, 'verb'>, signal: AbortSignal): AsyncIterable<WatchEvent>;
}

export function createInProcessTransport(handler: InProcessHandler): Transport {
  // No copies here: the server copies what it is given before changing it, and every object it
  // returns is freshly decoded from the store, so neither side can see the other's mutations.
  return {
    request: (req) => handler.request(req),
    watch: (req, signal) => handler.watch(req, signal),
  };
}
