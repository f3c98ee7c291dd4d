// Logger: the narrow seam through which controller-runtime reports what it cannot return to a
// caller (background retries, handler failures). The composition root passes the process's
// structured logger; tests pass silentLogger.
//
// Both output formats are the ones Kubernetes components write, so the tools users already
// point at kube-controller-manager logs read Berth's too: klog's text header
// (`I1127 13:02:53.123456   4242 berth] "msg" key="value"`) and component-base's JSON lines
// (`{"ts":…,"v":0,"msg":"…",…}`, errors carry `err` and no `v`).

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** Detail for debugging (klog V(4)); loggers may drop it. */
  debug?(msg: string, fields?: LogFields): void;
}

export type LogFormat = 'text' | 'json';

export interface LoggerOptions {
  /** klog verbosity: 0 = errors and info; 4 or more adds debug lines. */
  readonly verbosity?: number;
  readonly format?: LogFormat;
  /** Where lines go; default stderr. */
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
}

const DEBUG_VERBOSITY = 4;

function value(v: unknown): unknown {
  if (v instanceof Error) return v.message;
  if (typeof v === 'bigint') return v.toString();
  return v;
}

function textValue(v: unknown): string {
  const x = value(v);
  if (typeof x === 'string') return JSON.stringify(x);
  if (x !== null && typeof x === 'object') {
    try { return JSON.stringify(x); } catch { return '"<unprintable>"'; }
  }
  return String(x);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** klog's header: severity, MMDD, wall clock to the microsecond, pid. */
function klogHeader(severity: string, d: Date): string {
  const time = `${pad(d.getMonth() + 1)}${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds() * 1000, 6)}`;
  return `${severity}${time} ${String(process.pid).padStart(7)} berth]`;
}

export function formatText(severity: 'I' | 'E', msg: string, fields: LogFields | undefined, d: Date): string {
  const rest = fields ? Object.entries(fields).map(([k, v]) => ` ${k}=${textValue(v)}`).join('') : '';
  return `${klogHeader(severity, d)} ${JSON.stringify(msg)}${rest}`;
}

export function formatJson(level: 'info' | 'debug' | 'error', msg: string, fields: LogFields | undefined, d: Date): string {
  const line: Record<string, unknown> = { ts: d.getTime() / 1000 };
  if (level !== 'error') line.v = level === 'debug' ? DEBUG_VERBOSITY : 0;
  line.msg = msg;
  for (const [k, v] of Object.entries(fields ?? {})) {
    // `error` is what call sites name it; component-base calls it `err`.
    line[level === 'error' && k === 'error' ? 'err' : k] = value(v);
  }
  try {
    return JSON.stringify(line);
  } catch {
    return JSON.stringify({ ts: line.ts, msg, err: 'log fields could not be encoded' });
  }
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const write = opts.write ?? ((l: string) => process.stderr.write(`${l}\n`));
  const now = opts.now ?? (() => new Date());
  const json = opts.format === 'json';
  const emit = (level: 'info' | 'debug' | 'error', msg: string, fields?: LogFields) =>
    write(json ? formatJson(level, msg, fields, now()) : formatText(level === 'error' ? 'E' : 'I', msg, fields, now()));
  const logger: Logger = {
    info: (msg, fields) => emit('info', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
  if ((opts.verbosity ?? 0) >= DEBUG_VERBOSITY) logger.debug = (msg, fields) => emit('debug', msg, fields);
  return logger;
}

/** Default: klog text lines on stderr, verbosity 0. */
export const consoleLogger: Logger = createLogger();

export const silentLogger: Logger = { info: () => {}, error: () => {} };

export function parseLogFormat(s: string): LogFormat {
  if (s === 'text' || s === 'json') return s;
  throw new Error(`--logging-format must be text or json, got "${s}"`);
}

export function parseVerbosity(s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0 || n > 10) throw new Error(`--v must be a whole number from 0 to 10, got "${s}"`);
  return n;
}
