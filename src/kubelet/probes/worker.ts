// One probe of one container of one pod (upstream pkg/kubelet/prober/worker.go): every
// periodSeconds it looks at the container's latest attempt and, when allowed, runs the probe.
//
// - A new container id resets the result to the type's initial value (readiness: failure,
//   liveness: success, startup: unknown) and lifts a hold.
// - Nothing runs before initialDelaySeconds since the container started; readiness and
//   liveness wait until the container counts as started (startup probe passed, or none);
//   a startup probe stops running once it passed.
// - A result becomes the container's only after failureThreshold (successThreshold)
//   consecutive runs agree. A liveness or startup failure puts the worker on hold until a new
//   container replaces the one that failed (which the pod sync stops).
// - A run that errored (not a failure: the probe could not be made) is retried up to three
//   times, reported as "errored", and thrown away.
// - Each failed run records a Warning Unhealthy event; a redirect not followed, ProbeWarning.
// Differences from upstream: no random start delay (it spreads probes after a kubelet restart;
// here a worker's first run is what the tests and users wait for), and a worker waiting for
// initialDelaySeconds wakes when it ends instead of at the next tick after it.
import type { Container, Pod, Probe } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../core/index.js';
import type { Clock, Logger } from '../../controller-runtime/index.js';
import type { EventRecorder } from '../events.js';
import type { ContainerStatus, ExecSyncResult } from '../runtime/index.js';
import { runProbe } from './handlers.js';
import type { ProbeRun } from './messages.js';

export type ProbeType = 'liveness' | 'readiness' | 'startup';
export type ProbeResult = 'success' | 'failure';

const LABEL: Record<ProbeType, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };
/** Upstream maxProbeRetries: an errored run is tried this often before it is given up. */
const MAX_PROBE_RETRIES = 3;

/** Probe spec with upstream's defaults applied (the API server defaults them too; pods may predate that). */
export interface ProbeTiming {
  readonly initialDelayMs: number;
  readonly periodMs: number;
  readonly timeoutMs: number;
  readonly successThreshold: number;
  readonly failureThreshold: number;
}

export function probeTiming(p: Probe): ProbeTiming {
  const pos = (v: number | undefined, d: number) => (v !== undefined && v > 0 ? v : d);
  return {
    initialDelayMs: Math.max(0, p.initialDelaySeconds ?? 0) * 1000,
    periodMs: pos(p.periodSeconds, 10) * 1000,
    timeoutMs: pos(p.timeoutSeconds, 1) * 1000,
    successThreshold: pos(p.successThreshold, 1),
    failureThreshold: pos(p.failureThreshold, 3),
  };
}

/** What a worker sees of its pod: the latest facts the pod sync handed to the manager. */
export interface PodSnapshot {
  readonly key: string;
  readonly pod: Pod & KubeObject;
  /** Latest attempt per container name. */
  readonly latest: ReadonlyMap<string, ContainerStatus>;
  readonly podIP: string | undefined;
}

/** The manager, as its workers use it. */
export interface WorkerHost {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EventRecorder;
  readonly execSync?: (containerId: string, command: readonly string[], timeoutMs: number) => Promise<ExecSyncResult>;
  snapshot(podUid: string): PodSnapshot | undefined;
  /** Startup passed (or there is no startup probe) for this container attempt. */
  isStarted(podUid: string, container: string, containerId: string): boolean;
  /** notify: a change re-syncs the pod. */
  setResult(type: ProbeType, containerId: string, result: ProbeResult | undefined, podKey: string | undefined): void;
  removeResult(type: ProbeType, containerId: string): void;
}

const INITIAL: Record<ProbeType, ProbeResult | undefined> = { readiness: 'failure', liveness: 'success', startup: undefined };

export class ProbeWorker {
  private containerId: string | undefined;
  private lastResult: ProbeResult | undefined;
  private resultRun = 0;
  private onHold = false;
  private triggered = false;
  private probing = false;
  private wakeAt: number | undefined;
  private wakeUp: (() => void) | undefined;
  private readonly halt = new AbortController();
  private readonly timing: ProbeTiming;
  /** Settles once the worker stopped and dropped its result. */
  readonly done: Promise<void>;

  constructor(private readonly host: WorkerHost, readonly podUid: string, readonly container: Container, readonly type: ProbeType,
    private readonly probe: Probe, private readonly fieldPath: string) {
    this.timing = probeTiming(probe);
    this.done = this.run();
  }

  /** Run now rather than at the next tick (upstream's manualTriggerCh, buffered once); a run in flight answers already. */
  trigger(): void {
    if (this.wakeUp) this.wakeUp();
    else if (!this.probing) this.triggered = true;
  }

  stop(): void {
    this.halt.abort();
    this.wakeUp?.();
  }

  private get stopped(): boolean { return this.halt.signal.aborted; }

  private async run(): Promise<void> {
    try {
      while (!this.stopped) {
        const tick = this.host.clock.now();
        this.probing = true;
        await this.doProbe().catch((error) => {
          this.host.logger.error('prober: probe worker failed', { pod: this.podUid, container: this.container.name, probe: this.type, error });
        });
        this.probing = false;
        if (this.stopped) break;
        await this.wait(tick);
      }
    } finally {
      if (this.containerId) this.host.removeResult(this.type, this.containerId);
    }
  }

  private wait(tick: number): Promise<void> {
    if (this.triggered) { this.triggered = false; return Promise.resolve(); }
    const now = this.host.clock.now();
    let ms = tick + this.timing.periodMs - now;
    if (this.wakeAt !== undefined) ms = Math.min(ms, this.wakeAt - now);
    this.wakeAt = undefined;
    return new Promise((resolve) => {
      const cancel = this.host.clock.setTimer(() => { this.wakeUp = undefined; resolve(); }, Math.max(0, ms));
      this.wakeUp = () => { cancel(); this.wakeUp = undefined; resolve(); };
    });
  }

  private async doProbe(): Promise<void> {
    const snap = this.host.snapshot(this.podUid);
    const c = snap?.latest.get(this.container.name);
    if (!snap || !c) return; // not created yet

    if (c.id !== this.containerId) {
      if (this.containerId) this.host.removeResult(this.type, this.containerId);
      this.containerId = c.id;
      this.host.setResult(this.type, c.id, INITIAL[this.type], undefined);
      this.onHold = false;
    }
    if (this.onHold) return;
    if (c.state !== 'running') {
      // An exit is already a pod sync of its own (runtime event): no need to ask for another.
      if (c.state === 'exited') this.host.setResult(this.type, c.id, 'failure', undefined);
      return;
    }
    const startedAt = (c.startedAt ?? c.createdAt).getTime();
    if (this.host.clock.now() - startedAt < this.timing.initialDelayMs) {
      this.wakeAt = startedAt + this.timing.initialDelayMs;
      return;
    }
    const started = this.host.isStarted(this.podUid, this.container.name, c.id);
    if (started ? this.type === 'startup' : this.type !== 'startup') return;

    const result = await this.runWithRetries(snap, c.id);
    if (result === undefined || this.stopped) return;

    if (this.lastResult === result) this.resultRun++;
    else { this.lastResult = result; this.resultRun = 1; }
    const threshold = result === 'failure' ? this.timing.failureThreshold : this.timing.successThreshold;
    if (this.resultRun < threshold) return;

    this.host.setResult(this.type, c.id, result, snap.key);
    if (result === 'failure' && this.type !== 'readiness') {
      // The pod sync stops this container; probe again only once a new one runs.
      this.onHold = true;
      this.resultRun = 0;
    }
  }

  /** upstream prober.probe: the run's verdict with its event, or undefined when it errored. */
  private async runWithRetries(snap: PodSnapshot, containerId: string): Promise<ProbeResult | undefined> {
    const label = LABEL[this.type];
    let run: ProbeRun | undefined;
    let error: unknown;
    for (let i = 0; i < MAX_PROBE_RETRIES && !this.stopped; i++) {
      try {
        run = await runProbe(this.probe, {
          container: this.container, containerId, podIP: snap.podIP, timeoutMs: this.timing.timeoutMs, signal: this.halt.signal,
          execSync: this.host.execSync,
        });
        break;
      } catch (e) {
        error = e;
      }
    }
    if (this.stopped) return undefined;
    const event = (reason: string, message: string) => this.host.events.event(snap.pod, 'Warning', reason, message, this.fieldPath);
    if (!run) {
      event('Unhealthy', `${label} probe errored and resulted in unknown state: ${(error as Error)?.message ?? String(error)}`);
      return undefined;
    }
    switch (run.result) {
      case 'success': return 'success';
      case 'warning':
        event('ProbeWarning', `${label} probe warning: ${run.output}`);
        return 'success';
      case 'failure':
        event('Unhealthy', `${label} probe failed: ${run.output}`);
        return 'failure';
      default:
        return 'failure';
    }
  }
}
