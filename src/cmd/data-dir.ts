// Where Berth keeps everything for one cluster: per-user by default (XDG data dir).
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function defaultDataDir(): string {
  const xdg = process.env.XDG_DATA_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.local', 'share'), 'berth');
}

export function resolveDataDir(flag: string | undefined): string {
  return resolve(flag ?? process.env.BERTH_DATA_DIR ?? defaultDataDir());
}

export const paths = (dataDir: string) => ({
  db: join(dataDir, 'state.db'),
  pki: join(dataDir, 'pki'),
  kubeconfig: join(dataDir, 'kubeconfig'),
  pidFile: join(dataDir, 'berth.pid'),
  state: join(dataDir, 'state.json'),
});
