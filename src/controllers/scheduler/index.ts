// The scheduler: binds pending pods to nodes (filters, scores, volume binding, FailedScheduling).
// Wire it as a controller factory: schedulerController(client, informers).
export { schedulerController, isPending, UNSCHEDULABLE_RETRY_MS, VOLUME_WAIT_RETRY_MS, type SchedulerOptions } from './controller.js';
export { SCHEDULER_NAME } from './events.js';
export { SELECTED_NODE } from './volume-binding.js';
