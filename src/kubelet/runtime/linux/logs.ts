// Contract: reading a container's log file (written by conmon in the CRI logging format, one
// record per line: `<timestamp> <stdout|stderr> <P|F> <text>`, P = partial line continued by
// the next record). Timestamps are returned as upstream's kubelet prints them for
// `kubectl logs --timestamps`: UTC with nine fractional digits and `Z` (conmon writes the same
// instant as `+00:00`). Lines are joined across P records; the text keeps its newline.
import { open, readFile } from 'node:fs/promises';

export interface LogRecord { readonly time: string; readonly stream: 'stdout' | 'stderr'; readonly text: string }

export interface LogOptions {
  readonly timestamps?: boolean;
  /** Only the last N lines. */
  readonly tailLines?: number;
  /** Only lines at or after this instant. */
  readonly sinceTime?: Date;
  readonly limitBytes?: number;
}

/** `2026-11-27T10:00:00.1234+01:00` → `2026-11-27T09:00:00.123400000Z` (nanoseconds kept). */
export function utcTimestamp(ts: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(ts);
  if (!m) return ts;
  const frac = (m[2] ?? '').padEnd(9, '0').slice(0, 9);
  if (m[3] === 'Z' || m[3] === '+00:00' || m[3] === '-00:00') return `${m[1]}.${frac}Z`;
  const whole = new Date(`${m[1]}${m[3]}`).toISOString().slice(0, 19);
  return `${whole}.${frac}Z`;
}

/** Parses the file's content into whole lines (partials joined), in file order; a torn last record stays partial. */
export function parseCriLog(content: string): LogRecord[] {
  const out: Array<{ time: string; stream: 'stdout' | 'stderr'; text: string }> = [];
  const open: Partial<Record<'stdout' | 'stderr', { time: string; stream: 'stdout' | 'stderr'; text: string }>> = {};
  for (const line of content.split('\n')) {
    const m = /^(\S+) (stdout|stderr) ([PF])(?: (.*))?$/.exec(line);
    if (!m) continue;
    const stream = m[2] as 'stdout' | 'stderr';
    let rec = open[stream];
    if (!rec) {
      rec = { time: utcTimestamp(m[1]!), stream, text: '' };
      out.push(rec);
    }
    rec.text += m[4] ?? '';
    if (m[3] === 'P') open[stream] = rec;
    else {
      delete open[stream];
      rec.text += '\n';
    }
  }
  return out;
}

export function formatLog(records: readonly LogRecord[], opts: LogOptions = {}): string {
  let recs = records;
  if (opts.sinceTime) {
    const since = opts.sinceTime.toISOString().replace(/Z$/, '000000Z');
    recs = recs.filter((r) => r.time >= since);
  }
  if (opts.tailLines !== undefined) recs = opts.tailLines <= 0 ? [] : recs.slice(-opts.tailLines);
  let text = recs.map((r) => (opts.timestamps ? `${r.time} ${r.text}` : r.text)).join('');
  if (opts.limitBytes !== undefined) text = Buffer.from(text).subarray(0, opts.limitBytes).toString('utf8');
  return text;
}

/** The log of one container attempt as `kubectl logs` prints it; empty when the file is gone. */
export async function readLogFile(path: string, opts: LogOptions = {}): Promise<string> {
  return formatLog(parseCriLog(await readFile(path, 'utf8').catch(() => '')), opts);
}

/**
 * Follows a log file from byte `offset`: calls `onText` with each complete line (formatted) as
 * it is appended, until `running()` says the container ended and the file has no more data, or
 * the signal aborts. Polls every `intervalMs` (logs are not latency-critical).
 */
export async function followLogFile(path: string, offset: number, opts: { timestamps?: boolean; intervalMs?: number },
  running: () => Promise<boolean>, onText: (text: string) => void, signal: AbortSignal): Promise<void> {
  let pos = offset;
  let carry = '';
  while (!signal.aborted) {
    const fh = await open(path, 'r').catch(() => undefined);
    let got = 0;
    if (fh) {
      try {
        const buf = Buffer.alloc(64 * 1024);
        for (;;) {
          const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
          if (bytesRead === 0) break;
          pos += bytesRead;
          got += bytesRead;
          carry += buf.subarray(0, bytesRead).toString('utf8');
        }
      } finally {
        await fh.close();
      }
    }
    // Hand out records up to the last full (F) one; partial (P) records wait for their end.
    const lines = carry.split('\n');
    let last = -1;
    for (let i = 0; i < lines.length - 1; i++) if (/^\S+ (stdout|stderr) F/.test(lines[i]!)) last = i;
    if (last >= 0) {
      const text = formatLog(parseCriLog(lines.slice(0, last + 1).join('\n')), opts);
      carry = lines.slice(last + 1).join('\n');
      if (text) onText(text);
    }
    if (got === 0 && !(await running())) return;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 200));
  }
}
