// Image names as a container runtime reports them (docker reference normalisation:
// `nginx:1.9.1` → `docker.io/library/nginx:1.9.1`), and the sim's stand-in digests.
import { createHash } from 'node:crypto';
import type { ImageStatus } from '../types.js';

/** docker.io/library/ for bare names, :latest when neither tag nor digest is given. */
export function normalizeImage(image: string): string {
  let name = image.trim();
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const hasDomain = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasDomain) name = `docker.io/${slash < 0 ? 'library/' : ''}${name}`;
  const lastPart = name.slice(name.lastIndexOf('/') + 1);
  if (!lastPart.includes(':') && !name.includes('@')) name += ':latest';
  return name;
}

/** Every image is "present" in the sim; its digest is derived from the name, stable across runs. */
export function simImageStatus(image: string): ImageStatus {
  const name = normalizeImage(image);
  const repo = name.includes('@') ? name.slice(0, name.indexOf('@')) : name.replace(/:[^/:]+$/, '');
  const digest = createHash('sha256').update(name).digest('hex');
  return { name, ref: `${repo}@sha256:${digest}`, sizeBytes: 0 };
}
