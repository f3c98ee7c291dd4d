// Prints a resource list the way kubectl does, from the server's Table (as=Table) response.
import { request } from 'node:https';

export interface Conn { readonly server: string; readonly token: string; readonly ca: string }

export function getTable(conn: Conn, path: string): Promise<{ columnDefinitions: { name: string; priority?: number }[]; rows: { cells: unknown[] }[] }> {
  const url = new URL(path, conn.server);
  return new Promise((resolve, reject) => {
    const req = request({
      host: url.hostname, port: url.port, path: url.pathname + url.search, ca: conn.ca,
      headers: { Authorization: `Bearer ${conn.token}`, Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`GET ${path}: HTTP ${res.statusCode} ${body}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

export function formatTable(t: Awaited<ReturnType<typeof getTable>>): string {
  const cols = t.columnDefinitions.map((c, i) => ({ ...c, i })).filter((c) => !c.priority);
  const rows = [cols.map((c) => c.name.toUpperCase()), ...t.rows.map((r) => cols.map((c) => String(r.cells[c.i] ?? '')))];
  const widths = cols.map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  return rows.map((r) => r.map((cell, j) => cell.padEnd(widths[j])).join('   ').trimEnd()).join('\n');
}
