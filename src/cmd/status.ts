// `berth status`: is a cluster running for this data dir, and is its API healthy?
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { paths, resolveDataDir } from './data-dir.js';

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

function probe(server: string, ca: string, path: string): Promise<string> {
  return new Promise((resolve) => {
    const u = new URL(path, server);
    const r = request({ host: u.hostname, port: u.port, path: u.pathname, ca, timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(res.statusCode === 200 ? body.trim() : `HTTP ${res.statusCode}`));
    });
    r.on('error', (e) => resolve(`unreachable (${e.message})`));
    r.on('timeout', () => { r.destroy(); resolve('timed out'); });
    r.end();
  });
}

export async function status(opts: { dataDir?: string }): Promise<number> {
  const dataDir = resolveDataDir(opts.dataDir);
  const p = paths(dataDir);
  console.log(`data dir: ${dataDir}${existsSync(dataDir) ? '' : ' (does not exist)'}`);
  if (!existsSync(p.state)) {
    console.log('berth:    not running');
    return 1;
  }
  const state = JSON.parse(readFileSync(p.state, 'utf8')) as { pid: number; server: string; storeUrl: string; startedAt: string };
  if (!alive(state.pid)) {
    console.log(`berth:    not running (stale state from pid ${state.pid})`);
    return 1;
  }
  const ca = readFileSync(join(p.pki, 'ca.crt'), 'utf8');
  console.log(`berth:    running, pid ${state.pid}, since ${state.startedAt}`);
  console.log(`API:      ${state.server}  livez: ${await probe(state.server, ca, '/livez')}  readyz: ${await probe(state.server, ca, '/readyz')}`);
  console.log(`store:    ${state.storeUrl}`);
  console.log(`export KUBECONFIG=${p.kubeconfig}`);
  return 0;
}
