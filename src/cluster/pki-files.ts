// Cluster credentials on disk: CA, serving certificate, the admin token. Created on first start,
// reused afterwards so kubeconfigs stay valid across restarts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { KeyPair } from '../pki/index.js';

// Loaded only when something must be created: a restart reads its files and never pays for the
// X.509 library.
const pki = () => import('../pki/index.js');

export interface ClusterCredentials {
  readonly ca: KeyPair;
  readonly serving: KeyPair;
  readonly adminToken: string;
}

function readPair(dir: string, name: string): KeyPair | undefined {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  if (!existsSync(cert) || !existsSync(key)) return undefined;
  return { certPem: readFileSync(cert, 'utf8'), keyPem: readFileSync(key, 'utf8') };
}

function writePair(dir: string, name: string, pair: KeyPair): void {
  writeFileSync(join(dir, `${name}.crt`), pair.certPem, { mode: 0o644 });
  writeFileSync(join(dir, `${name}.key`), pair.keyPem, { mode: 0o600 });
}

export function servingNames(extraHosts: readonly string[] = []): { dnsNames: string[]; ipAddresses: string[] } {
  const dnsNames = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', hostname()];
  const ipAddresses = ['127.0.0.1', '::1', '10.96.0.1'];
  for (const h of extraHosts) {
    if (/^[\d.]+$/.test(h) || h.includes(':')) { if (!ipAddresses.includes(h)) ipAddresses.push(h); } else if (!dnsNames.includes(h)) dnsNames.push(h);
  }
  return { dnsNames, ipAddresses };
}

async function servingPair(ca: KeyPair, extraHosts: readonly string[]): Promise<KeyPair> {
  return (await pki()).generateLeaf(ca, { commonName: 'berth-apiserver', server: true, ...servingNames(extraHosts) });
}

export async function generateCredentials(extraHosts: readonly string[] = []): Promise<ClusterCredentials> {
  const { generateCa, newToken } = await pki();
  const ca = await generateCa('berth-ca');
  return { ca, serving: await servingPair(ca, extraHosts), adminToken: newToken() };
}

export async function loadOrCreateCredentials(dir: string, extraHosts: readonly string[] = []): Promise<ClusterCredentials> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = readPair(dir, 'ca');
  const serving = readPair(dir, 'apiserver');
  const tokenFile = join(dir, 'admin.token');
  if (ca && serving && existsSync(tokenFile)) {
    return { ca, serving, adminToken: readFileSync(tokenFile, 'utf8').trim() };
  }
  const created = ca ? { ca, serving: await servingPair(ca, extraHosts), adminToken: (await pki()).newToken() } : await generateCredentials(extraHosts);
  writePair(dir, 'ca', created.ca);
  writePair(dir, 'apiserver', created.serving);
  writeFileSync(tokenFile, created.adminToken + '\n', { mode: 0o600 });
  return created;
}
