// Contract: image references parsed and normalised as Docker and containerd do
// (distribution/reference): `nginx:1.9.1` → docker.io/library/nginx:1.9.1, no tag and no digest
// → `:latest`, `index.docker.io` → docker.io. A string that is not a valid reference throws an
// ImageError('InvalidImageName'), which the kubelet shows as InvalidImageName.
import { ImageError } from './errors.js';

export const DOCKER_HUB = 'docker.io';
/** The host that really serves docker.io's distribution API. */
export const DOCKER_HUB_REGISTRY = 'registry-1.docker.io';

export interface ImageReference {
  /** Registry host[:port], e.g. docker.io, 127.0.0.1:5000, [::1]:5000. */
  readonly domain: string;
  /** Repository path inside the registry, e.g. library/nginx. */
  readonly path: string;
  /** domain/path: what the store groups tags under. */
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
}

// Grammar from the distribution reference package (read for facts, written here anew).
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

const invalid = (s: string, why: string) =>
  new ImageError('InvalidImageName', `couldn't parse image reference "${s}": ${why}`);

export function isDigest(s: string): boolean {
  return DIGEST.test(s);
}

/** Parses and normalises a reference; `defaultTag` false keeps an untagged name untagged. */
export function parseReference(input: string, opts: { defaultTag?: boolean } = {}): ImageReference {
  const s = input.trim();
  if (!s) throw invalid(input, 'empty reference');
  let rest = s;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid(input, 'invalid digest (only sha256 is supported)');
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw invalid(input, 'invalid tag format');
  }
  let domain = DOCKER_HUB;
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    // Docker's rule: the first component is a registry when it looks like a host.
    if (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase()) {
      domain = first;
      path = rest.slice(slash + 1);
    }
  }
  if (!DOMAIN.test(domain)) throw invalid(input, 'invalid registry host');
  if (domain === 'index.docker.io') domain = DOCKER_HUB;
  if (domain === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;
  if (!path || !path.split('/').every((c) => COMPONENT.test(c))) {
    throw invalid(input, 'repository name must be lowercase alphanumerics separated by [._-] or /');
  }
  const name = `${domain}/${path}`;
  if (name.length > 255) throw invalid(input, 'repository name must not be more than 255 characters');
  if (!tag && !digest && opts.defaultTag !== false) tag = 'latest';
  return { domain, path, name, tag, digest };
}

/** The canonical string: docker.io/library/nginx:1.9.1, name@sha256:..., or name:tag@sha256:... */
export function formatReference(r: ImageReference): string {
  return `${r.name}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}

/** Canonical form of any reference string (throws InvalidImageName). */
export function normalizeReference(s: string): string {
  return formatReference(parseReference(s));
}

/** The short form users type: nginx:1.9.1 for docker.io/library/nginx:1.9.1. */
export function familiarName(name: string): string {
  if (name.startsWith('docker.io/library/')) return name.slice('docker.io/library/'.length);
  if (name.startsWith('docker.io/')) return name.slice('docker.io/'.length);
  return name;
}

/** True for hosts whose registries may speak plain HTTP without configuration. */
export function isLoopbackHost(hostPort: string): boolean {
  const host = hostPort.startsWith('[') ? hostPort.slice(1, hostPort.indexOf(']')) : hostPort.replace(/:\d+$/, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
