// Transport that calls an API server living in the same process. The composition root passes
// the server's entry point in, so the client never imports the server (DESIGN: data flows one way).
import type { KubeObject } from '../core/index.js';
import type { Transport, TransportRequest, WatchEvent } from './types.js';

export interface InProcessHandler {
  request(req: TransportRequest): Promise<KubeObject>;
  watch(req: Omit<TransportRequest, 'verb'>, signal: AbortSignal): AsyncIterable<WatchEvent>;
}

export function createInProcessTransport(handler: InProcessHandler): Transport {
  return {
    // Requests and responses are cloned so neither side can mutate the other's objects.
    request: async (req) => structuredClone(await handler.request({ ...req, body: req.body === undefined ? undefined : structuredClone(req.body) })),
    watch: (req, signal) => handler.watch(req, signal),
  };
}
