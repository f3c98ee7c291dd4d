// Kubeconfig files: one per data directory, plus optional merging into the user's own config
// under a named context without touching other entries (as kind and k3d do).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse, stringify } from 'yaml';

export interface KubeconfigEntry {
  readonly name: string;          // used for cluster, user and context
  readonly server: string;
  readonly caPem: string;
  readonly token: string;
  readonly namespace?: string;
}

interface Named<T> { name: string; [k: string]: unknown; cluster?: T; user?: T; context?: T }
interface Kubeconfig {
  apiVersion: string; kind: string; preferences?: object; 'current-context'?: string;
  clusters?: Named<object>[]; users?: Named<object>[]; contexts?: Named<object>[];
}

function entries(e: KubeconfigEntry) {
  return {
    cluster: { name: e.name, cluster: { server: e.server, 'certificate-authority-data': Buffer.from(e.caPem).toString('base64') } },
    user: { name: e.name, user: { token: e.token } },
    context: { name: e.name, context: { cluster: e.name, user: e.name, ...(e.namespace ? { namespace: e.namespace } : {}) } },
  };
}

export function kubeconfigYaml(e: KubeconfigEntry): string {
  const { cluster, user, context } = entries(e);
  const doc: Kubeconfig = {
    apiVersion: 'v1', kind: 'Config', preferences: {}, 'current-context': e.name,
    clusters: [cluster], users: [user], contexts: [context],
  };
  return stringify(doc);
}

function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}

export function writeKubeconfig(path: string, e: KubeconfigEntry): void {
  writeAtomic(path, kubeconfigYaml(e));
}

/** Adds or replaces only our named entries in an existing kubeconfig and makes it current. */
export function mergeKubeconfig(path: string, e: KubeconfigEntry): void {
  const doc: Kubeconfig = existsSync(path)
    ? (parse(readFileSync(path, 'utf8')) as Kubeconfig | null) ?? { apiVersion: 'v1', kind: 'Config' }
    : { apiVersion: 'v1', kind: 'Config', preferences: {} };
  const { cluster, user, context } = entries(e);
  const upsert = (list: Named<object>[] | undefined, item: Named<object>) => [...(list ?? []).filter((x) => x.name !== item.name), item];
  doc.clusters = upsert(doc.clusters, cluster);
  doc.users = upsert(doc.users, user);
  doc.contexts = upsert(doc.contexts, context);
  doc['current-context'] = e.name;
  writeAtomic(path, stringify(doc));
}
