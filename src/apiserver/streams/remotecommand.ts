// What exec and attach share whatever the transport: running the session through PodStreams,
// turning its outcome into the Status upstream reports on the error channel, and decoding the
// resize channel.
//
// Contract: `runSession` never throws. It resolves with the Status to report once the process
// is done and stdout/stderr have been flushed into the transport (upstream writes the status
// last, and client-go waits for the output streams to end before it reads it).
import type { Writable } from 'node:stream';
import { isApiError } from '../../core/index.js';
import { toStatus } from '../status.js';
import type { ExecOptions } from './options.js';
import type { Pod, PodStreams, ProcessIO, TerminalSize } from './types.js';

/** metav1.Status as it travels on the error channel: no kind/apiVersion, as upstream marshals it. */
export interface StreamStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes?: Array<{ reason?: string; message?: string }> };
  code?: number;
}

export const SUCCESS: StreamStatus = { metadata: {}, status: 'Success' };

export async function runSession(podStreams: PodStreams, pod: Pod, opts: ExecOptions, io: ProcessIO, signal: AbortSignal): Promise<StreamStatus> {
  let status: StreamStatus;
  try {
    const result = opts.kind === 'exec'
      ? await podStreams.exec(pod, opts.container, opts.command, io, signal)
      : await podStreams.attach(pod, opts.container, io, signal);
    status = exitStatus(result?.exitCode ?? 0, opts);
  } catch (e) {
    status = errorStatus(e);
  }
  await Promise.all([flush(io.stdout), flush(io.stderr)]);
  return status;
}

export function exitStatus(exitCode: number, opts: ExecOptions): StreamStatus {
  if (exitCode === 0) return SUCCESS;
  // client-go reads the code from the ExitCode cause; the message mirrors the kubelet's.
  const what = opts.kind === 'exec' ? `error executing command [${opts.command.join(' ')}], exit code ${exitCode}` : `exit code ${exitCode}`;
  return {
    metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: ${what}`,
    reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

export function errorStatus(e: unknown): StreamStatus {
  if (!isApiError(e)) console.error('berth apiserver: pod stream failed:', e);
  const s = toStatus(e);
  const out: StreamStatus = { metadata: {}, status: 'Failure', message: s.message, reason: s.reason, code: s.code };
  if (s.details?.causes) out.details = { causes: s.details.causes };
  return out;
}

/** Status as protocol v1-v3 carry it: plain text, and nothing at all on success. */
export function statusText(s: StreamStatus): string {
  return s.status === 'Success' ? '' : s.message ?? 'unknown error';
}

/** Ends a writable and waits until its data has been handed to the transport (or it is gone). */
export function flush(w: Writable | undefined): Promise<void> {
  if (!w || w.destroyed || w.writableFinished) return Promise.resolve();
  return new Promise((resolve) => {
    w.once('finish', resolve).once('close', resolve).once('error', resolve);
    if (!w.writableEnded) w.end();
  });
}

/**
 * The resize channel: JSON objects `{"Width":100,"Height":30}` (kubectl adds a newline, other
 * clients may not), possibly split across frames. Yields each size as it completes.
 */
export class ResizeQueue implements AsyncIterable<TerminalSize> {
  #text = '';
  #queue: TerminalSize[] = [];
  #waiting: ((r: IteratorResult<TerminalSize>) => void) | undefined;
  #ended = false;

  push(bytes: Buffer): void {
    this.#text += bytes.toString('utf8');
    // The objects are flat, so each '}' closes one.
    for (let end = this.#text.indexOf('}'); end >= 0; end = this.#text.indexOf('}')) {
      const piece = this.#text.slice(0, end + 1).trim();
      this.#text = this.#text.slice(end + 1);
      try {
        const v = JSON.parse(piece) as { Width?: unknown; Height?: unknown };
        const width = Number(v.Width ?? 0);
        const height = Number(v.Height ?? 0);
        if (Number.isFinite(width) && Number.isFinite(height)) this.#emit({ width, height });
      } catch {
        // Upstream's decoder stops at the first malformed size; later ones are ignored too.
        this.end();
        return;
      }
    }
    if (this.#text.length > 4096) this.end();
  }

  end(): void {
    this.#ended = true;
    this.#text = '';
    const w = this.#waiting;
    this.#waiting = undefined;
    w?.({ done: true, value: undefined });
  }

  #emit(size: TerminalSize): void {
    if (this.#ended) return;
    const w = this.#waiting;
    this.#waiting = undefined;
    if (w) w({ done: false, value: size });
    else this.#queue.push(size);
  }

  [Symbol.asyncIterator](): AsyncIterator<TerminalSize> {
    return {
      next: () => {
        const v = this.#queue.shift();
        if (v) return Promise.resolve({ done: false, value: v });
        if (this.#ended) return Promise.resolve({ done: true, value: undefined });
        return new Promise((resolve) => { this.#waiting = resolve; });
      },
      return: () => { this.end(); return Promise.resolve({ done: true, value: undefined }); },
    };
  }
}
