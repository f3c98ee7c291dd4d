// Prometheus metrics of the API server (request counts and latencies, store size, watches).
import { Counter, Gauge, Histogram, Registry as PromRegistry } from 'prom-client';
import type { Store } from '../store/index.js';

export interface ApiMetrics {
  readonly registry: PromRegistry;
  readonly contentType: string;
  observeRequest(verb: string, resource: string, code: number, ms: number): void;
  /** +1 when a watch stream opens, -1 when it closes. */
  watchDelta(resource: string, delta: number): void;
  render(): Promise<string>;
}

export function createMetrics(store: Store): ApiMetrics {
  const registry = new PromRegistry();
  const requests = new Counter({
    name: 'apiserver_request_total', help: 'API requests by verb, resource and HTTP code.',
    labelNames: ['verb', 'resource', 'code'], registers: [registry],
  });
  const latency = new Histogram({
    name: 'apiserver_request_duration_seconds', help: 'API request latency (watches excluded).',
    labelNames: ['verb', 'resource'], buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  new Gauge({
    name: 'apiserver_storage_size_bytes', help: 'Size of the store backend in bytes.', registers: [registry],
    async collect() { this.set(await store.size()); },
  });
  const watchers = new Gauge({
    name: 'apiserver_registered_watchers', help: 'Open watch streams by resource.', labelNames: ['resource'], registers: [registry],
  });
  return {
    registry,
    watchDelta(resource, delta) { watchers.inc({ resource }, delta); },
    contentType: registry.contentType,
    observeRequest(verb, resource, code, ms) {
      requests.inc({ verb, resource, code: String(code) });
      if (verb !== 'watch') latency.observe({ verb, resource }, ms / 1000);
    },
    render: () => registry.metrics(),
  };
}
