// Contract: mirrors and per-registry settings from a registries.yaml in the shape k3s users
// already write (the lead passes <data-dir>/registries.yaml):
//   mirrors:
//     docker.io:                       # upstream registry name, or "*" for every registry
//       endpoint: ["http://127.0.0.1:5000", "https://mirror.example.com"]
//       rewrite: { "^rancher/(.*)": "mirror/rancher/$1" }   # repository rewrite, mirrors only
//   configs:
//     "127.0.0.1:5000":                # endpoint host[:port] (or the upstream name)
//       auth: { username: u, password: p }   # or auth: base64(u:p), identity_token
//       tls: { insecure_skip_verify: true, ca_file: /path, cert_file: /path, key_file: /path }
// endpointsFor(ref) lists where to try, in order: the mirrors, then the registry itself (its
// "default endpoint", docker.io → registry-1.docker.io), as containerd does. Plain HTTP is used
// when an endpoint says http://, and as a fallback from HTTPS for loopback registries and for
// registries configured with insecure_skip_verify.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { RegistryCredential } from './credentials.js';
import { ImageError } from './errors.js';
import type { TlsOptions } from './http.js';
import { DOCKER_HUB, DOCKER_HUB_REGISTRY, isLoopbackHost, type ImageReference } from './reference.js';

export interface MirrorConfig { endpoint?: string[]; rewrite?: Record<string, string> }
export interface RegistryHostConfig {
  auth?: { username?: string; password?: string; auth?: string; identity_token?: string };
  tls?: { insecure_skip_verify?: boolean; ca_file?: string; cert_file?: string; key_file?: string };
}
export interface RegistriesConfig {
  mirrors: Record<string, MirrorConfig>;
  configs: Record<string, RegistryHostConfig>;
}

export interface Endpoint {
  /** scheme://host[:port]/v2 (or the endpoint's own path prefix ending in /v2). */
  base: string;
  /** host[:port] of the endpoint, which auth and TLS settings are keyed by. */
  host: string;
  /** Repository path on this endpoint (after a mirror's rewrite). */
  path: string;
  mirror: boolean;
  tls: TlsOptions;
  /** Credentials from registries.yaml for this endpoint. */
  credential?: RegistryCredential;
  /** Try http:// when https:// fails at the TLS level. */
  httpFallback: boolean;
}

const badConfig = (file: string, why: string) => new ImageError('InvalidImage', `${file}: ${why}`);

export function parseRegistriesConfig(text: string, file = 'registries.yaml'): RegistriesConfig {
  let doc: any;
  try { doc = parseYaml(text) ?? {}; } catch (e) { throw badConfig(file, `not valid YAML: ${(e as Error).message}`); }
  if (typeof doc !== 'object' || Array.isArray(doc)) throw badConfig(file, 'expected a mapping with "mirrors" and "configs"');
  const mirrors = doc.mirrors ?? {};
  const configs = doc.configs ?? {};
  for (const [name, m] of Object.entries<any>(mirrors)) {
    if (m?.endpoint !== undefined && (!Array.isArray(m.endpoint) || !m.endpoint.every((e: unknown) => typeof e === 'string'))) {
      throw badConfig(file, `mirrors."${name}".endpoint must be a list of URLs`);
    }
    for (const e of m?.endpoint ?? []) {
      try { new URL(/^[a-z]+:\/\//i.test(e) ? e : `https://${e}`); } catch { throw badConfig(file, `mirrors."${name}": bad endpoint "${e}"`); }
    }
  }
  return { mirrors, configs };
}

/** Reads the file; a missing file is an empty configuration. */
export async function loadRegistriesConfig(file: string | undefined): Promise<RegistriesConfig> {
  if (!file) return { mirrors: {}, configs: {} };
  try {
    return parseRegistriesConfig(await readFile(file, 'utf8'), file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { mirrors: {}, configs: {} };
    throw e;
  }
}

function credentialOf(c: RegistryHostConfig | undefined): RegistryCredential | undefined {
  const a = c?.auth;
  if (!a) return undefined;
  let { username, password } = a;
  if (a.auth) {
    const plain = Buffer.from(a.auth, 'base64').toString('utf8');
    const i = plain.indexOf(':');
    if (i > 0) { username = plain.slice(0, i); password = plain.slice(i + 1); }
  }
  return username || a.identity_token ? { username, password, identityToken: a.identity_token } : undefined;
}

async function tlsOf(c: RegistryHostConfig | undefined): Promise<TlsOptions> {
  const t = c?.tls ?? {};
  const read = async (f?: string) => (f ? readFile(f) : undefined);
  return { insecureSkipVerify: t.insecure_skip_verify === true, ca: await read(t.ca_file), cert: await read(t.cert_file), key: await read(t.key_file) };
}

function rewrite(path: string, rules: Record<string, string> | undefined): string {
  for (const [pattern, replacement] of Object.entries(rules ?? {})) {
    const re = new RegExp(pattern);
    if (re.test(path)) return path.replace(re, replacement);
  }
  return path;
}

/**
 * Where to fetch `ref` from, in the order to try. `defaultEndpoint: false` leaves out the
 * registry itself when mirrors are configured (k3s's --disable-default-registry-endpoint: for
 * air-gapped nodes, and for tests that must never reach past their loopback mirror).
 */
export async function endpointsFor(cfg: RegistriesConfig, ref: ImageReference, opts: { defaultEndpoint?: boolean } = {}): Promise<Endpoint[]> {
  const mirror = cfg.mirrors[ref.domain] ?? cfg.mirrors['*'];
  const out: Endpoint[] = [];
  const add = async (raw: string, isMirror: boolean) => {
    const explicit = /^[a-z]+:\/\//i.test(raw);
    const u = new URL(explicit ? raw : `https://${raw}`);
    const conf = cfg.configs[u.host] ?? cfg.configs[ref.domain];
    const tls = await tlsOf(conf);
    const prefix = u.pathname.replace(/\/+$/, '');
    const base = `${u.protocol}//${u.host}${prefix.endsWith('/v2') ? prefix : `${prefix}/v2`}`;
    out.push({
      base, host: u.host, path: isMirror ? rewrite(ref.path, mirror?.rewrite) : ref.path, mirror: isMirror, tls,
      credential: credentialOf(conf),
      httpFallback: u.protocol === 'https:' && !explicit && (isLoopbackHost(u.host) || tls.insecureSkipVerify === true),
    });
  };
  for (const e of mirror?.endpoint ?? []) await add(e, true);
  const own = ref.domain === DOCKER_HUB ? DOCKER_HUB_REGISTRY : ref.domain;
  // A mirror entry naming the registry itself (a common way to say "plain HTTP") replaces the default endpoint.
  if (!out.some((e) => e.host === own) && (opts.defaultEndpoint !== false || !out.length)) await add(own, false);
  return out;
}
