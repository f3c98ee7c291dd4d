// Controller metrics on the API server's Prometheus registry (controller-runtime's names).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ControllerMetrics } from '../controller-runtime/index.js';

export function controllerMetrics(registry: Registry): ControllerMetrics {
  const depth = new Gauge({ name: 'workqueue_depth', help: 'Keys waiting in a controller work queue.', labelNames: ['name'], registers: [registry] });
  const total = new Counter({ name: 'controller_runtime_reconcile_total', help: 'Reconciles by controller and result.', labelNames: ['controller', 'result'], registers: [registry] });
  const errors = new Counter({ name: 'controller_runtime_reconcile_errors_total', help: 'Reconciles that failed.', labelNames: ['controller'], registers: [registry] });
  const time = new Histogram({
    name: 'controller_runtime_reconcile_time_seconds', help: 'Reconcile duration.', labelNames: ['controller'],
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers: [registry],
  });
  return {
    queueDepth(controller, d) { depth.set({ name: controller }, d); },
    reconcile(controller, outcome, ms) {
      total.inc({ controller, result: outcome });
      if (outcome === 'error' || outcome === 'terminal') errors.inc({ controller });
      time.observe({ controller }, ms / 1000);
    },
  };
}
