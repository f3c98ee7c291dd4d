// --listen HOST:PORT ([v6]:port accepted).
export function parseListen(s: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(s);
  if (!m) throw new Error(`--listen must be HOST:PORT, got "${s}"`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`--listen port out of range: ${port}`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}
