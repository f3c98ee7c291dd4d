// Wires the client's in-process transport to the API server's entry point.
import type { ApiServer } from '../apiserver/index.js';
import { createClient, createInProcessTransport, type ApiClient, type WatchEvent } from '../client/index.js';
import type { KubeObject } from '../core/index.js';

// Plain requests are never cancelled; one shared signal saves an AbortController per call.
const NEVER = new AbortController().signal;

export function inProcessClient(api: ApiServer, user = { name: 'system:admin', groups: ['system:masters'] }, userAgent = 'berth'): ApiClient {
  return createClient(createInProcessTransport({
    async request(req) {
      const warnings: string[] = [];
      const result = await api.handle({
        verb: req.verb, type: req.type, namespace: req.namespace, name: req.name, subresource: req.subresource,
        query: req.query ?? {}, body: req.body, patchType: req.patchType, user, warnings, userAgent,
      }, NEVER);
      if (result.kind === 'object') return result.object;
      if (result.kind === 'list') return result.list as unknown as KubeObject;
      throw new Error('unexpected watch result for a request');
    },
    async *watch(req, signal) {
      const result = await api.handle({
        verb: 'watch', type: req.type, namespace: req.namespace, name: req.name, query: req.query ?? {}, user, warnings: [],
      }, signal);
      if (result.kind !== 'watch') throw new Error('expected a watch stream');
      for await (const ev of result.stream.events) {
        if (signal.aborted) return;
        yield ev as WatchEvent;
      }
    },
  }));
}
