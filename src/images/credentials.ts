// Contract: registry credentials as Kubernetes hands them over: imagePullSecrets of type
// kubernetes.io/dockerconfigjson (`.dockerconfigjson` = `{ auths: { key: entry } }`) or the
// legacy kubernetes.io/dockercfg (`.dockercfg` = the bare map). DockerKeyring follows upstream's
// credentialprovider keyring: a key (`https://index.docker.io/v1/`, `registry.example.com:5000`,
// `*.example.com/team`) loses its scheme and a leading /v1/ or /v2/; a repository
// (`host[:port]/path`) matches when the port is equal, the host has as many labels and each
// label matches its glob (`*`, `?`, `[...]`, as Go's filepath.Match), and the key's path is a
// string prefix of the repository's. Every match is returned, keys in reverse lexical order
// (so `quay.io/coreos` comes before `quay.io`): the kubelet tries each in turn. With no match, an
// image on Docker Hub gets the `index.docker.io` entry. Docker Hub answers to docker.io,
// index.docker.io and registry-1.docker.io alike.

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

/** A Secret as far as pull credentials go (`data` values base64, as the API serves them). */
export interface PullSecretLike {
  type?: string;
  data?: Record<string, string>;
}

const HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const DEFAULT_REGISTRY_HOST = 'index.docker.io';

function entryCredential(e: DockerConfigEntry): RegistryCredential | undefined {
  let { username, password } = e;
  if (e.auth) {
    const plain = Buffer.from(e.auth, 'base64').toString('utf8');
    const i = plain.indexOf(':');
    if (i > 0) { username = plain.slice(0, i); password = plain.slice(i + 1); }
  }
  const cred: RegistryCredential = { username, password, identityToken: e.identitytoken || undefined, registryToken: e.registrytoken || undefined };
  // An entry with nothing in it is the same as pulling anonymously: leave it out.
  return cred.username || cred.identityToken || cred.registryToken ? cred : undefined;
}

/** `scheme://host/v2/path` → `host/path` (upstream keyring Add). */
function keyOf(location: string): string | undefined {
  try {
    const u = new URL(/^https?:\/\//i.test(location) ? location : `https://${location}`);
    let path = decodeURIComponent(u.pathname);
    if (path.startsWith('/v1/') || path.startsWith('/v2/')) path = path.slice(3);
    return path && path !== '/' ? `${u.host}${path}` : u.host;
  } catch {
    return undefined;
  }
}

function splitUrl(s: string): { labels: string[]; port: string; path: string } | undefined {
  try {
    const u = new URL(`https://${s}`);
    return { labels: u.hostname.split('.'), port: u.port, path: decodeURIComponent(u.pathname) };
  } catch {
    return undefined;
  }
}

/** Go's filepath.Match for one host label (no separators inside a label). */
function globMatches(pattern: string, text: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) return false; // a malformed pattern matches nothing, as filepath.Match's ErrBadPattern
      re += `[${pattern.slice(i + 1, end).replace(/\\/g, '\\\\')}]`;
      i = end;
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  try { return new RegExp(`^${re}$`, 'i').test(text); } catch { return false; }
}

function urlsMatch(glob: string, target: string): boolean {
  const g = splitUrl(glob), t = splitUrl(target);
  if (!g || !t || g.port !== t.port || g.labels.length !== t.labels.length) return false;
  if (!t.path.startsWith(g.path === '/' ? '' : g.path)) return false;
  return g.labels.every((p, i) => globMatches(p, t.labels[i]!));
}

/** Upstream isDefaultRegistryMatch: the repository lives on Docker Hub. */
function onDockerHub(repo: string): boolean {
  const [first, rest] = [repo.split('/')[0]!, repo.includes('/')];
  if (!first) return false;
  if (!rest || HUB.has(first)) return true;
  return !/[.:]/.test(first);
}

export class DockerKeyring {
  private readonly creds = new Map<string, RegistryCredential[]>();
  private index: string[] = [];

  /** Adds a dockercfg map (`{ key: entry }`) or a whole `{ auths }` document. */
  add(config: Record<string, DockerConfigEntry> | { auths: Record<string, DockerConfigEntry> }): this {
    const auths = ('auths' in config && config.auths && typeof config.auths === 'object' ? config.auths : config) as Record<string, DockerConfigEntry>;
    for (const [location, entry] of Object.entries(auths ?? {})) {
      const key = keyOf(location);
      const cred = entry && typeof entry === 'object' ? entryCredential(entry) : undefined;
      if (!key || !cred) continue;
      this.creds.set(key, [...(this.creds.get(key) ?? []), cred]);
    }
    // Reverse-sorted: more specific paths first (upstream's index order).
    this.index = [...this.creds.keys()].sort().reverse();
    return this;
  }

  get size(): number { return this.creds.size; }

  /** Every credential for a repository `host[:port]/path` (as normalised: docker.io/library/nginx), best first. */
  lookup(repo: string): RegistryCredential[] {
    const out: RegistryCredential[] = [];
    for (const k of this.index) if (urlsMatch(k, repo)) out.push(...this.creds.get(k)!);
    if (out.length) return out;
    return onDockerHub(repo) ? [...(this.creds.get(DEFAULT_REGISTRY_HOST) ?? [])] : [];
  }
}

/**
 * Upstream MakeDockerKeyring over pull secrets: dockerconfigjson and dockercfg secrets feed
 * one keyring; other types are ignored. Unparseable content throws (the kubelet reports it).
 */
export function keyringFromPullSecrets(secrets: readonly PullSecretLike[]): DockerKeyring {
  const ring = new DockerKeyring();
  for (const s of secrets) {
    const field = s.type === 'kubernetes.io/dockerconfigjson' ? '.dockerconfigjson' : s.type === 'kubernetes.io/dockercfg' ? '.dockercfg' : undefined;
    const raw = field ? s.data?.[field] : undefined;
    if (!raw) continue;
    const doc = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as unknown;
    if (!doc || typeof doc !== 'object') throw new Error(`${field} is not a JSON object`);
    if (field === '.dockerconfigjson') ring.add({ auths: ((doc as { auths?: Record<string, DockerConfigEntry> }).auths ?? {}) });
    else ring.add(doc as Record<string, DockerConfigEntry>);
  }
  return ring;
}

/** A lookup over a dockerconfigjson `auths` map (or the whole `{ auths }` document): the keyring's best match. */
export function credentialsFromDockerConfig(config: Record<string, DockerConfigEntry> | { auths: Record<string, DockerConfigEntry> }): CredentialLookup {
  const ring = new DockerKeyring().add(config);
  return (host, path) => ring.lookup(`${HUB.has(host.toLowerCase()) ? 'docker.io' : host}/${path}`)[0];
}

/** A lookup that hands one credential to the registry `registry` (host[:port]) only, as CRI's AuthConfig for one pull. */
export function credentialFor(registry: string, cred: RegistryCredential): CredentialLookup {
  const same = (h: string) => h.toLowerCase() === registry.toLowerCase() || (HUB.has(h.toLowerCase()) && HUB.has(registry.toLowerCase()));
  return (host) => (same(host) ? cred : undefined);
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
