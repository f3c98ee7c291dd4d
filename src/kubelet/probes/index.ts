// The node agent's prober: real liveness, readiness and startup probes (exec through the
// runtime's execSync, httpGet, tcpSocket and grpc to the pod IP) for runtimes that run
// processes. The pod sync feeds it (update), asks it (view, unhealthy) and is re-queued by it
// (subscribe); runtimes without execSync keep pods/probes.ts's simulated probes.
export { ProbeManager, podKeyOf, type ProbeManagerOptions, type UnhealthyContainer } from './manager.js';
export { probeTiming, type ProbeResult, type ProbeTiming, type ProbeType } from './worker.js';
export { expandStatic, resolvePort, runProbe, type ProbeTarget } from './handlers.js';
export { PROBE_USER_AGENT, type ProbeOutcome, type ProbeRun } from './messages.js';
