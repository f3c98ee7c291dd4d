// Contract: registry credentials as Kubernetes hands them over: imagePullSecrets of type
// kubernetes.io/dockerconfigjson, whose decoded `.dockerconfigjson` is `{ auths: { key: entry } }`.
// credentialsFromDockerConfig(auths) returns a lookup that, like the kubelet's keyring, matches
// a key (`https://index.docker.io/v1/`, `registry.example.com:5000`, `*.example.com/team`) by
// host (a `*` label is a wildcard), port, and path prefix, and prefers the most specific key.
// Docker Hub answers to docker.io, index.docker.io and registry-1.docker.io alike.

export interface RegistryCredential {
  username?: string;
  password?: string;
  /** OAuth2 refresh token (docker login with an identity provider). */
  identityToken?: string;
  /** A bearer token to send as is. */
  registryToken?: string;
}

/** Credentials for a repository (`path`) on a registry (`host`, e.g. docker.io or 127.0.0.1:5000). */
export type CredentialLookup = (host: string, path: string) => RegistryCredential | undefined;

export interface DockerConfigEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

const HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

interface Key { host: string; port: string; path: string[]; cred: RegistryCredential }

function parseKey(key: string): { host: string; port: string; path: string[] } | undefined {
  try {
    const u = new URL(/^[a-z]+:\/\//i.test(key) ? key : `https://${key}`);
    // `/v1/` and `/v2/` name an API version, not a repository prefix.
    const path = u.pathname.replace(/^\/v[12](\/|$)/, '/').split('/').filter(Boolean);
    return { host: u.hostname.toLowerCase(), port: u.port, path };
  } catch {
    return undefined;
  }
}

function entryCredential(e: DockerConfigEntry): RegistryCredential | undefined {
  let { username, password } = e;
  if (e.auth) {
    const plain = Buffer.from(e.auth, 'base64').toString('utf8');
    const i = plain.indexOf(':');
    if (i > 0) { username = plain.slice(0, i); password = plain.slice(i + 1); }
  }
  const cred: RegistryCredential = { username, password, identityToken: e.identitytoken || undefined, registryToken: e.registrytoken || undefined };
  return cred.username || cred.identityToken || cred.registryToken ? cred : undefined;
}

function hostMatches(pattern: string, host: string): boolean {
  if (HUB.has(pattern) && HUB.has(host)) return true;
  const p = pattern.split('.');
  const h = host.split('.');
  return p.length === h.length && p.every((label, i) => label === '*' || label === h[i]);
}

/** A lookup over a dockerconfigjson `auths` map (or the whole `{ auths }` document). */
export function credentialsFromDockerConfig(config: Record<string, DockerConfigEntry> | { auths: Record<string, DockerConfigEntry> }): CredentialLookup {
  const auths = ('auths' in config && typeof config.auths === 'object' ? config.auths : config) as Record<string, DockerConfigEntry>;
  const keys: Key[] = [];
  for (const [k, entry] of Object.entries(auths ?? {})) {
    const parsed = parseKey(k);
    const cred = entry && typeof entry === 'object' ? entryCredential(entry) : undefined;
    if (parsed && cred) keys.push({ ...parsed, cred });
  }
  // Most specific first: longer path, then no wildcard.
  keys.sort((a, b) => b.path.length - a.path.length || Number(a.host.includes('*')) - Number(b.host.includes('*')));
  return (hostPort, repoPath) => {
    const u = parseKey(hostPort);
    if (!u) return undefined;
    const repo = repoPath.split('/');
    return keys.find((k) => hostMatches(k.host, u.host) && k.port === u.port && k.path.every((c, i) => repo[i] === c))?.cred;
  };
}

/** Tries each lookup in turn (pod secrets first, then node-wide ones, as the kubelet does). */
export function combineCredentials(...lookups: Array<CredentialLookup | undefined>): CredentialLookup {
  return (host, path) => {
    for (const l of lookups) {
      const c = l?.(host, path);
      if (c) return c;
    }
    return undefined;
  };
}
