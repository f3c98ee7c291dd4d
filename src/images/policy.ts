// Contract: imagePullPolicy as upstream's kubelet applies it. The default (pod defaulting in
// the API) is Always for an image tagged `:latest` or untagged, IfNotPresent otherwise
// (digest references count as tagged); the decision then needs only "is it present".
import { ImageError } from './errors.js';

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

export function defaultPullPolicy(image: string): PullPolicy {
  if (image.includes('@')) return 'IfNotPresent';
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.lastIndexOf(':');
  return colon < 0 || last.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

export type PullDecision = 'pull' | 'use-local' | 'never-pull-missing';

/** What to do for `image` under `policy` (undefined → the default) when it is or is not present. */
export function pullDecision(policy: string | undefined, image: string, present: boolean): PullDecision {
  const p = (policy || defaultPullPolicy(image)) as PullPolicy;
  if (p === 'Always') return 'pull';
  if (p === 'Never') return present ? 'use-local' : 'never-pull-missing';
  return present ? 'use-local' : 'pull';
}

/** The error (and message) upstream's kubelet reports for Never + absent: ErrImageNeverPull. */
export function neverPullError(image: string): ImageError {
  return new ImageError('NotPresent', `Container image "${image}" is not present with pull policy of Never`);
}
