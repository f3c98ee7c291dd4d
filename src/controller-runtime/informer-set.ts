// InformerSet: one shared informer per (resource, namespace, label selector, field selector),
// so controllers that watch the same things share one watch and one cache (client-go
// SharedInformerFactory).
//
// Contract:
// - informerFor() returns the same informer for the same arguments, created on first use.
// - start(signal) runs every informer, including those asked for later, until signal aborts.
//   Calling start again is a no-op while a start is in effect.
// - waitForSync(signal) resolves true once every informer created so far has synced.
// - Consumers only read (lister) and subscribe (onChange); the set owns the running.

import type { ResourceType } from '../core/index.js';
import type { KubeObject } from '../core/index.js';
import type { Reader, WatchClient } from '../client/index.js';
import { consoleLogger } from './log.js';
import { createInformer, type Informer, type InformerOptions } from './informer.js';

export interface InformerScope {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

type SharedOptions = Omit<InformerOptions, keyof InformerScope>;

export class InformerSet {
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private runSignal: AbortSignal | undefined;
  private readonly runs = new Set<Promise<void>>();

  constructor(private readonly client: Reader & WatchClient, private readonly opts: SharedOptions = {}) {}

  informerFor<T extends KubeObject>(type: ResourceType, scope: InformerScope = {}): Informer<T> {
    const key = [type.group, type.version, type.plural, scope.namespace ?? '', scope.labelSelector ?? '', scope.fieldSelector ?? ''].join('|');
    let inf = this.informers.get(key);
    if (!inf) {
      inf = createInformer<KubeObject>(this.client, type, { ...this.opts, ...scope });
      this.informers.set(key, inf);
      if (this.runSignal && !this.runSignal.aborted) this.launch(inf, this.runSignal);
    }
    return inf as unknown as Informer<T>;
  }

  start(signal: AbortSignal): void {
    if (this.runSignal && !this.runSignal.aborted) return;
    this.runSignal = signal;
    for (const inf of this.informers.values()) this.launch(inf, signal);
  }

  async waitForSync(signal: AbortSignal): Promise<boolean> {
    for (const inf of [...this.informers.values()]) if (!(await inf.waitForSync(signal))) return false;
    return true;
  }

  /** Resolves when every informer run has ended (after the start signal aborted). */
  async stopped(): Promise<void> {
    while (this.runs.size) await Promise.all([...this.runs]);
  }

  private launch(inf: Informer<KubeObject>, signal: AbortSignal): void {
    const logger = this.opts.logger ?? consoleLogger;
    const run = inf.run(signal).catch((error) => {
      logger.error('informer stopped with an error', { resource: inf.type.plural, error });
    }).finally(() => this.runs.delete(run));
    this.runs.add(run);
  }
}
