// CRI ExecSync over execInContainer: the command's stdout and stderr kept in memory (bounded,
// a chatty probe must not grow the agent), and a deadline that kills the exec'd process itself
// (execInContainer's abort ends the command inside the container, then runc), after which the
// call rejects with reason DeadlineExceeded as CRI's status code does. A command runc could not
// start (missing executable) is exit code 255 with runc's message, as a probe's output shows it.
import { Writable } from 'node:stream';
import { EXEC_DEADLINE_EXCEEDED, RuntimeError, type ExecSyncResult } from '../types.js';
import type { RuntimeContext } from './context.js';
import { cleanMessage } from './exec.js';
import { execInContainer } from './streams.js';

/** Per stream; upstream's prober reads at most 10 KiB of a probe's output anyway. */
const MAX_OUTPUT_BYTES = 16 * 1024;

function collector(): { stream: Writable; text(): string } {
  const chunks: Buffer[] = [];
  let size = 0;
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (size < MAX_OUTPUT_BYTES) {
        const part = chunk.subarray(0, MAX_OUTPUT_BYTES - size);
        chunks.push(part);
        size += part.length;
      }
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

export async function execSync(rt: { context(): Promise<RuntimeContext> }, containerId: string, command: readonly string[], timeoutMs: number): Promise<ExecSyncResult> {
  const stdout = collector(), stderr = collector();
  const deadline = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; deadline.abort(); }, Math.max(1, timeoutMs));
  try {
    const exitCode = await execInContainer(rt, containerId, command, {
      tty: false, stdout: stdout.stream, stderr: stderr.stream, signal: deadline.signal,
    });
    if (timedOut) throw new RuntimeError(`command ${JSON.stringify(command.join(' '))} timed out after ${timeoutMs}ms`, EXEC_DEADLINE_EXCEEDED);
    let err = stderr.text();
    // runc's own failure (e.g. no such executable) in its log format: say it as containerd does.
    if (exitCode === 255 && /level=error msg="/.test(err)) err = `OCI runtime exec failed: ${cleanMessage(err)}\n`;
    return { exitCode, stdout: stdout.text(), stderr: err };
  } finally {
    clearTimeout(timer);
  }
}
