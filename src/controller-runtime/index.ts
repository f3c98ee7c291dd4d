// Public surface of controller-runtime: how controllers learn about state and act on it.
//
// Start with runController (controller.ts) and the Reconciler contract (reconcile.ts): a
// controller gets informers from an InformerSet, maps their objects to Requests with
// enqueueForObject / enqueueForOwner, and reconciles one key at a time per object.
// The parts, à la carte:
//   watcher         list+watch state machine (init/initApply/initDone/apply/delete events)
//   createInformer  watcher + cache (Lister, indexes) + change handlers; InformerSet shares them
//   WorkQueue       fair, stingy, one-in-flight-per-key queue with delayed and rate-limited adds
//   runLeaderElection  Lease-based leader election for controllers that must run once
//   createEventRecorder  core/v1 Events with client-go's correlation; every component records through it
// Test doubles (testing/) are for this module's own tests and are not exported.

export { runController, type ControllerSpec, type Watch } from './controller.js';
export {
  TerminalError, isTerminalError, parseRequestKey, requestKey, type Reconciler, type Request, type Result,
} from './reconcile.js';
export { enqueueForObject, enqueueForOwner, type RequestMapper } from './enqueue.js';
export { noopMetrics, type ControllerMetrics, type ReconcileOutcome } from './metrics.js';

export { createInformer, type ChangeHandler, type Informer, type InformerOptions } from './informer.js';
export { InformerSet, type InformerScope } from './informer-set.js';
export {
  NAMESPACE_INDEX, objectKey, type Change, type IndexFunc, type LabelMatcher, type ListFilter, type Lister,
} from './cache-store.js';
export {
  isGone, step as watcherStep, watcher,
  type StepResult, type WatcherContext, type WatcherEvent, type WatcherOptions, type WatcherState,
} from './watcher.js';

export { WorkQueue, type QueueKey, type WorkQueueOptions } from './workqueue.js';
export {
  BucketRateLimiter, ExponentialFailureRateLimiter, MaxOfRateLimiter, defaultControllerRateLimiter, type RateLimiter,
} from './rate-limiter.js';

export { microTime, runLeaderElection, type LeaderElectionConfig } from './leader-election.js';

export { realClock, sleep, type Clock } from './clock.js';
export { Backoff, type BackoffOptions } from './backoff.js';
export {
  consoleLogger, createLogger, parseLogFormat, parseVerbosity, silentLogger, type LogFields, type LogFormat, type Logger, type LoggerOptions,
} from './log.js';
export {
  createEventRecorder, withTypeMeta, type EventRecorder, type EventRecorderOptions, type EventSource, type EventType,
} from './events.js';
