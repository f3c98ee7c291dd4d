// The reconcile contract (controller-runtime pkg/reconcile).
//
// - A Request names one object: namespace and name, nothing else. It does not say what
//   happened or carry the object: reconciliation is level-based. The reconciler reads the
//   current state (from informer listers), compares it with the desired state, and acts.
//   It may run any number of times for the same object, so it must be idempotent.
// - Outcomes:
//     returns {} (or nothing)        done; the key's retry backoff is reset
//     returns { requeueAfterMs: n }  done; reconcile again after n ms (polling something
//                                    that produces no watch events), backoff reset
//     throws TerminalError           logged and counted, not retried until the object
//                                    changes again (retrying cannot help: invalid input)
//     throws anything else           retried with per-key exponential backoff
//                                    (5 ms doubling to 1000 s) under an overall rate limit
// - One Request is never reconciled by two workers at once; different Requests may be.
// - The signal aborts when the controller stops; a reconcile should then return promptly.

export interface Request {
  readonly namespace?: string;
  readonly name: string;
}

export interface Result {
  readonly requeueAfterMs?: number;
}

export interface Reconciler {
  reconcile(request: Request, signal: AbortSignal): Promise<Result | void>;
}

/** An error retrying cannot fix. Wrap a cause with `new TerminalError(msg, { cause })`. */
export class TerminalError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TerminalError';
  }
}

/** True if e, or an error in its `cause` chain, is a TerminalError (errors.Is semantics). */
export function isTerminalError(e: unknown): boolean {
  for (let cur = e, depth = 0; cur instanceof Error && depth < 32; cur = cur.cause, depth++) {
    if (cur instanceof TerminalError) return true;
  }
  return false;
}

/** The queue key of a request: `namespace/name`, or `name` for cluster-scoped objects. */
export function requestKey(r: Request): string {
  return r.namespace ? `${r.namespace}/${r.name}` : r.name;
}

/** Inverse of requestKey (names and namespaces never contain '/'). */
export function parseRequestKey(key: string): Request {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
