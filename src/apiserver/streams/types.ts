// PodStreams: what the API server needs from whatever runs containers (the node agent) to serve
// pods/exec, pods/attach, pods/log and pods/portforward.
//
// Contract:
// - The API server has already authenticated the caller, fetched the pod, checked the container
//   name (defaulted when the pod has one container) and the phase; implementations receive a pod
//   that exists and a container that is in its spec. They may still refuse (a container that is
//   not running, a port nothing listens on) by throwing: an ApiError (core) becomes that Status,
//   anything else an InternalError. Throwing is only possible before the first byte of output;
//   later failures are reported the way each protocol allows (see below).
// - Every call receives an AbortSignal that fires when the client goes away (or the server
//   closes). Implementations must then stop: kill the exec'd process, close the backend socket,
//   end the log iterator. Nothing is left running after the signal.
// - Byte streams are Node streams with backpressure: read stdin at the pace you can handle, and
//   respect `write()` returning false on stdout/stderr (the transports pause the client on the
//   way in and wait for the socket on the way out).
// - The transport (WebSocket or SPDY, any protocol version) is invisible here.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Duplex, Readable, Writable } from 'node:stream';

export type { Pod };

/** A terminal size, as kubectl sends it on the resize channel. */
export interface TerminalSize {
  readonly width: number;
  readonly height: number;
}

/** The standard streams of one exec or attach session. Absent members were not requested. */
export interface ProcessIO {
  /** Bytes from the client; ends when the client closes stdin (`kubectl exec -i` with a pipe). */
  readonly stdin?: Readable;
  /** To the client. Ending it is optional: the server flushes it when the call resolves. */
  readonly stdout?: Writable;
  /** Never present with a tty (upstream merges it into the terminal). */
  readonly stderr?: Writable;
  readonly tty: boolean;
  /** Only with a tty: the client's terminal size, first on start, then on each change. Ends with the session. */
  readonly resize?: AsyncIterable<TerminalSize>;
}

export interface ExecResult {
  /** The process's exit code: 0 is success; anything else reaches kubectl, which exits with it. */
  readonly exitCode: number;
}

/** pods/log options, validated as upstream does (ValidatePodLogOptions) before the call. */
export interface LogOptions {
  readonly follow: boolean;
  /** The previous (terminated) instance of the container. */
  readonly previous: boolean;
  /** Prefix each line with its RFC3339Nano timestamp and a space. */
  readonly timestamps: boolean;
  /** Only lines newer than this many seconds (>= 1), or than sinceTime; at most one is set. */
  readonly sinceSeconds?: number;
  readonly sinceTime?: Date;
  /** The last N lines (>= 0) of what matches since*, then follow from there. */
  readonly tailLines?: number;
  /**
   * Stop after this many bytes (>= 1). The server also cuts the response there, so an
   * implementation may ignore it; honouring it saves reading what would be thrown away.
   */
  readonly limitBytes?: number;
}

export interface PodStreams {
  /**
   * Runs `command` in the container. Resolves with the exit code once the process has exited
   * and everything it wrote has been written to stdout/stderr. A command that cannot be started
   * (not found, container not running) may reject before any output, or resolve with the exit
   * code a shell would give (126/127), as runc does.
   */
  exec(pod: Pod, container: string, command: readonly string[], io: ProcessIO, signal: AbortSignal): Promise<ExecResult>;
  /**
   * Connects to the container's main process (its stdin if `stdin: true` in the spec). Resolves
   * when the session ends: the process exits (with its exit code, if known) or stdin ends.
   */
  attach(pod: Pod, container: string, io: ProcessIO, signal: AbortSignal): Promise<ExecResult | void>;
  /**
   * The container's log. Rejecting the promise is the way to refuse (container waiting to
   * start, no previous instance: 400 with the message). The iterable yields raw log bytes;
   * with follow it stays open until the container stops (then it ends) or the signal fires.
   */
  logs(pod: Pod, container: string, opts: LogOptions, signal: AbortSignal): Promise<AsyncIterable<Buffer>>;
  /**
   * One forwarded connection to `port` in the pod's network namespace. `stream` carries the
   * client's bytes (readable; ends when the client half-closes) and takes the pod's bytes
   * (writable; end() it when the pod side closes). Resolve when both directions are done.
   * Reject only for failures that should end the whole `kubectl port-forward` (as upstream, the
   * message is written on the error stream, e.g. connection refused); a reset mid-stream should
   * just end the stream.
   */
  portForward(pod: Pod, port: number, stream: Duplex, signal: AbortSignal): Promise<void>;
}
