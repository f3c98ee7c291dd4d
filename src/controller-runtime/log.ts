// Logger: the narrow seam through which controller-runtime reports what it cannot return to a
// caller (background retries, handler failures). The composition root passes the process's
// structured logger; tests pass silentLogger.

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

function line(level: string, msg: string, fields?: LogFields): string {
  const rest = fields ? Object.entries(fields).map(([k, v]) => ` ${k}=${render(v)}`).join('') : '';
  return `${level} ${msg}${rest}`;
}

function render(v: unknown): string {
  if (v instanceof Error) return JSON.stringify(v.message);
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** Default: one line per message on stderr. */
export const consoleLogger: Logger = {
  info: (msg, fields) => console.error(line('I', msg, fields)),
  error: (msg, fields) => console.error(line('E', msg, fields)),
};

export const silentLogger: Logger = { info: () => {}, error: () => {} };
