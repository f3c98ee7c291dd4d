// Metrics hooks: what a controller reports, as a small interface so controller-runtime stays
// free of prom-client. The composition root maps these calls onto gauges, counters and
// histograms (controller-runtime's workqueue_depth, controller_runtime_reconcile_total,
// controller_runtime_reconcile_errors_total, controller_runtime_reconcile_time_seconds).
//
// Contract: calls are synchronous and cheap, and must not throw.

/** How one reconcile ended. */
export type ReconcileOutcome = 'success' | 'requeueAfter' | 'error' | 'terminal';

export interface ControllerMetrics {
  /** The number of keys waiting in the queue (ready, not delayed), after every change. */
  queueDepth(controller: string, depth: number): void;
  /** One finished reconcile and its wall time. 'error' and 'terminal' are both errors. */
  reconcile(controller: string, outcome: ReconcileOutcome, durationMs: number): void;
}

export const noopMetrics: ControllerMetrics = { queueDepth: () => {}, reconcile: () => {} };
