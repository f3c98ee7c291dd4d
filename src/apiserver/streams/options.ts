// Parsing and checking a pod stream request before anything is upgraded: the pod, the
// container, the phase, and the query (PodExecOptions, PodAttachOptions, PodLogOptions,
// PodPortForwardOptions), with upstream's messages.
//
// Contract: every function throws an ApiError (404 NotFound, 400 BadRequest, 422 Invalid) for a
// request upstream refuses, so the caller can answer with a Status before the upgrade.
import { badRequest, field, invalid, notFound, Pods, type FieldError } from '../../core/index.js';
import { intParam } from '../handlers/params.js';
import type { Registry } from '../registry/registry.js';
import type { LogOptions, Pod } from './types.js';

export type StreamSubresource = 'exec' | 'attach' | 'portforward' | 'log';

export interface ExecOptions {
  readonly kind: 'exec' | 'attach';
  readonly container: string;
  readonly command: readonly string[];
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly tty: boolean;
}

export async function loadPod(registry: Registry, namespace: string | undefined, name: string | undefined): Promise<Pod> {
  if (!namespace || !name) throw notFound(Pods.plural, Pods.group, name ?? '');
  return await registry.get(Pods, namespace, name) as Pod;
}

/** Query values as upstream's parameter codec converts them: the first value counts. */
function first(q: URLSearchParams, name: string): string | undefined {
  return q.get(name) ?? undefined;
}

/** Upstream's string → bool conversion: absent is false, "0"/"false" (any case) false, else true. */
function flag(q: URLSearchParams, name: string): boolean {
  const v = first(q, name);
  if (v === undefined) return false;
  return !(v === '0' || v.toLowerCase() === 'false');
}

function int(q: URLSearchParams, name: string): number | undefined {
  const v = first(q, name);
  return v === undefined ? undefined : intParam({ [name]: v }, name);
}

function allContainerNames(pod: Pod): string[] {
  const s = pod.spec;
  return [...s?.initContainers ?? [], ...s?.containers ?? [], ...s?.ephemeralContainers ?? []].map((c) => c.name);
}

/** The container a request means (upstream validateContainer): named and present, or the only one. */
export function resolveContainer(pod: Pod, requested: string | undefined): string {
  const name = pod.metadata?.name ?? '';
  if (requested) {
    if (!allContainerNames(pod).includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const containers = pod.spec?.containers ?? [];
  if (containers.length === 1) return containers[0].name;
  if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
  throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${allContainerNames(pod).join(' ')}]`);
}

function requireHost(pod: Pod): void {
  if (!pod.spec?.nodeName) throw badRequest(`pod ${pod.metadata?.name ?? ''} does not have a host assigned`);
}

export function parseExecOptions(kind: 'exec' | 'attach', q: URLSearchParams, pod: Pod): ExecOptions {
  const container = resolveContainer(pod, first(q, 'container'));
  // The kubelet refuses completed pods; kubectl checks the same on its side with these words.
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') {
    throw badRequest(kind === 'exec'
      ? `cannot exec into a container in a completed pod; current phase is ${phase}`
      : `cannot attach a container in a completed pod; current phase is ${phase}`);
  }
  requireHost(pod);
  const tty = flag(q, 'tty');
  const stdin = flag(q, 'stdin');
  const stdout = flag(q, 'stdout');
  // A terminal has no separate stderr: upstream drops it silently.
  const stderr = flag(q, 'stderr') && !tty;
  if (!stdin && !stdout && !stderr) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
  const command = kind === 'exec' ? q.getAll('command') : [];
  if (kind === 'exec' && command.length === 0) throw badRequest('you must specify at least one command for the container');
  return { kind, container, command, stdin, stdout, stderr, tty };
}

export function checkPortForward(pod: Pod): void {
  const phase = pod.status?.phase ?? 'Pending';
  if (phase !== 'Running') throw badRequest(`unable to forward port because pod is not running. Current status=${phase}`);
  requireHost(pod);
}

/** Ports of the WebSocket port-forward protocol: `?ports=80,8080` (or repeated). */
export function parsePorts(q: URLSearchParams): number[] {
  const raw = q.getAll('ports');
  if (raw.length === 0) throw badRequest('query parameter "ports" is required');
  const ports: number[] = [];
  for (const value of raw) {
    if (value === '') throw badRequest('query parameter "ports" cannot be empty');
    for (const p of value.split(',')) ports.push(parsePort(p));
  }
  return ports;
}

export function parsePort(p: string): number {
  if (!/^\d+$/.test(p) || Number(p) > 65535) throw badRequest(`unable to parse "${p}" as a port`);
  if (Number(p) < 1) throw badRequest(`port "${p}" must be > 0`);
  return Number(p);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export function parseLogOptions(q: URLSearchParams, pod: Pod): { container: string; opts: LogOptions } {
  const name = pod.metadata?.name ?? '';
  const sinceTimeText = first(q, 'sinceTime');
  let sinceTime: Date | undefined;
  if (sinceTimeText !== undefined && sinceTimeText !== '') {
    if (!RFC3339.test(sinceTimeText) || Number.isNaN(Date.parse(sinceTimeText))) {
      throw badRequest(`parsing time "${sinceTimeText}" as "2006-01-02T15:04:05Z07:00": cannot parse`);
    }
    sinceTime = new Date(sinceTimeText);
  }
  const opts: LogOptions = {
    follow: flag(q, 'follow'), previous: flag(q, 'previous'), timestamps: flag(q, 'timestamps'),
    sinceSeconds: int(q, 'sinceSeconds'), sinceTime, tailLines: int(q, 'tailLines'), limitBytes: int(q, 'limitBytes'),
  };
  // Upstream ValidatePodLogOptions, reported as 422 on kind PodLogOptions.
  const errs: FieldError[] = [];
  if (opts.tailLines !== undefined && opts.tailLines < 0) errs.push(field.invalid('tailLines', opts.tailLines, 'must be greater than or equal to 0'));
  if (opts.limitBytes !== undefined && opts.limitBytes < 1) errs.push(field.invalid('limitBytes', opts.limitBytes, 'must be greater than 0'));
  if (opts.sinceSeconds !== undefined && opts.sinceTime !== undefined) {
    errs.push(field.forbidden('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'));
  } else if (opts.sinceSeconds !== undefined && opts.sinceSeconds < 1) {
    errs.push(field.invalid('sinceSeconds', opts.sinceSeconds, 'must be greater than 0'));
  }
  if (errs.length) throw invalid('PodLogOptions', '', name, errs);
  return { container: resolveContainer(pod, first(q, 'container')), opts };
}
