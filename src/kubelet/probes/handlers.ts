// One probe run (upstream pkg/probe/{exec,http,tcp} behind pkg/kubelet/prober/prober.go): the
// action of a Probe against one container, as a result and the output upstream shows in the
// Unhealthy event. A run that could not be made at all (an unknown port name, a runtime that
// cannot exec into the container) throws: the prober then reports it as "errored" and the
// worker throws the result away, as upstream does.
//
// Messages are upstream's, which are Go's: `HTTP probe failed with statuscode: 500`,
// `Get "http://10.244.0.5:80/healthz": dial tcp 10.244.0.5:80: connect: connection refused`,
// `command "cat /tmp/ready" timed out`.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { Container, EnvVar, HTTPGetAction, Probe } from 'kubernetes-types/core/v1.js';
import { EXEC_DEADLINE_EXCEEDED, type ExecSyncResult } from '../runtime/index.js';
import { grpcProbe } from './grpc.js';
import { dialError, goQuote, joinHostPort, PROBE_USER_AGENT, type ProbeRun } from './messages.js';

export interface ProbeTarget {
  readonly container: Container;
  readonly containerId: string;
  /** status.podIP: the default host of httpGet/tcpSocket and the host of grpc. */
  readonly podIP: string | undefined;
  readonly timeoutMs: number;
  /** Ends a run early (the worker stopped). */
  readonly signal: AbortSignal;
  readonly execSync?: (containerId: string, command: readonly string[], timeoutMs: number) => Promise<ExecSyncResult>;
}

/** Upstream's probe/exec and probe/http read at most this much output. */
export const MAX_OUTPUT_BYTES = 10 * 1024;
const MAX_REDIRECTS = 10;

export async function runProbe(probe: Probe, t: ProbeTarget): Promise<ProbeRun> {
  if (probe.exec) return execProbe(probe.exec.command ?? [], t);
  if (probe.httpGet) return httpProbe(probe.httpGet, t);
  if (probe.tcpSocket) {
    const port = resolvePort(probe.tcpSocket.port, t.container);
    return tcpProbe(probe.tcpSocket.host || hostOf(t), port, t.timeoutMs, t.signal);
  }
  if (probe.grpc) return grpcProbe(hostOf(t), probe.grpc.port, probe.grpc.service ?? '', t.timeoutMs, t.signal);
  // Validation never lets such a probe in; upstream answers the same way.
  return { result: 'unknown', output: '' };
}

function hostOf(t: ProbeTarget): string {
  if (!t.podIP) throw new Error('pod has no IP yet');
  return t.podIP;
}

// ---- exec

async function execProbe(raw: readonly string[], t: ProbeTarget): Promise<ProbeRun> {
  if (!t.execSync) throw new Error('the container runtime cannot run commands in containers');
  const command = expandStatic(raw, t.container.env ?? []);
  let r: ExecSyncResult;
  try {
    r = await t.execSync(t.containerId, command, t.timeoutMs);
  } catch (e) {
    // ExecProbeTimeout (GA): a command past timeoutSeconds is a failure, not an error.
    if ((e as { reason?: string }).reason === EXEC_DEADLINE_EXCEEDED) {
      return { result: 'failure', output: `command ${goQuote(command.join(' '))} timed out` };
    }
    throw e;
  }
  // The kubelet's RunInContainer hands the prober stdout followed by stderr.
  const output = truncate(r.stdout + r.stderr);
  return { result: r.exitCode === 0 ? 'success' : 'failure', output };
}

/**
 * $(VAR) from the container's literal env values only (upstream ExpandContainerCommandOnlyStatic):
 * `$$` is a literal `$`, an unknown or non-literal variable stays as written.
 */
export function expandStatic(command: readonly string[], env: readonly EnvVar[]): string[] {
  const vars = new Map<string, string>();
  for (const e of env) if (e.value !== undefined && e.valueFrom === undefined) vars.set(e.name, e.value);
  return command.map((arg) => arg.replace(/\$\$|\$\(([^)]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return name !== undefined && vars.has(name) ? vars.get(name)! : m;
  }));
}

// ---- ports

/** A port number, or the name of one of the container's ports (upstream probe.ResolveContainerPort). */
export function resolvePort(port: number | string | undefined, container: Container): number {
  let n: number;
  if (typeof port === 'number') n = port;
  else {
    const named = (container.ports ?? []).find((p) => p.name === port);
    if (named) n = named.containerPort;
    else if (port !== undefined && /^[+-]?\d+$/.test(port)) n = Number(port); // "maybe it was an int stored as string?"
    else throw new Error(`strconv.Atoi: parsing ${goQuote(String(port ?? ''))}: invalid syntax`);
  }
  if (n > 0 && n < 65536) return n;
  throw new Error(`invalid port number: ${n}`);
}

// ---- tcpSocket

export function tcpProbe(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<ProbeRun> {
  const addr = joinHostPort(host, port);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (run: ProbeRun) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(run);
    };
    const timer = setTimeout(() => finish({ result: 'failure', output: `dial tcp ${addr}: i/o timeout` }), timeoutMs);
    const onAbort = () => finish({ result: 'failure', output: `dial tcp ${addr}: operation was canceled` });
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish({ result: 'success', output: '' }));
    socket.once('error', (e) => finish({ result: 'failure', output: dialError(e, host, addr) }));
  });
}

// ---- httpGet

interface Target { scheme: 'http' | 'https'; host: string; port: number; path: string }

/** upstream formatURL: scheme://host:port/path, a `?` in the path starts the query. */
function formatURL(t: Target): string {
  const path = t.path && !t.path.startsWith('/') ? `/${t.path}` : t.path;
  return `${t.scheme}://${joinHostPort(t.host, t.port)}${path}`;
}

export async function httpProbe(action: HTTPGetAction, t: ProbeTarget): Promise<ProbeRun> {
  const scheme = (action.scheme ?? 'HTTP').toLowerCase() === 'https' ? 'https' : 'http';
  const first: Target = { scheme, host: action.host || hostOf(t), port: resolvePort(action.port, t.container), path: action.path ?? '' };
  const headers: Record<string, string[]> = {};
  let hostHeader: string | undefined;
  for (const h of action.httpHeaders ?? []) {
    const name = canonicalHeader(h.name);
    if (name === 'Host') { hostHeader = h.value; continue; }
    (headers[name] ??= []).push(h.value);
  }
  headers['User-Agent'] ??= [PROBE_USER_AGENT];
  headers.Accept ??= ['*/*'];

  // Client.Timeout covers the whole exchange, redirects and body included.
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), t.timeoutMs);
  const onStop = () => ctl.abort();
  if (t.signal.aborted) ctl.abort();
  t.signal.addEventListener('abort', onStop, { once: true });
  try {
    return await exchange(first, headers, hostHeader, ctl.signal);
  } finally {
    clearTimeout(timer);
    t.signal.removeEventListener('abort', onStop);
  }
}

async function exchange(first: Target, headers: Record<string, string[]>, hostHeader: string | undefined, deadline: AbortSignal): Promise<ProbeRun> {
  let target = first;
  for (let redirects = 0; ; redirects++) {
    const url = formatURL(target);
    const res = await get(target, headers, hostHeader, deadline).catch((e: Error & { code?: string }) => {
      return { error: requestError(e, target, deadline, 'awaiting headers') };
    });
    if ('error' in res) return { result: 'failure', output: `Get ${goQuote(url)}: ${res.error}` };
    const location = res.statusCode && res.statusCode >= 300 && res.statusCode < 400 ? res.headers.location : undefined;
    if (location) {
      const next = new URL(location, url);
      // Only redirects to the same host are followed (followNonLocalRedirects is off).
      if (next.hostname.replace(/^\[|\]$/g, '') === first.host) {
        res.resume();
        if (redirects >= MAX_REDIRECTS) return { result: 'failure', output: `Get ${goQuote(next.href)}: stopped after ${MAX_REDIRECTS} redirects` };
        target = {
          scheme: next.protocol === 'https:' ? 'https' : 'http', host: next.hostname.replace(/^\[|\]$/g, ''),
          port: Number(next.port) || (next.protocol === 'https:' ? 443 : 80), path: next.pathname + next.search,
        };
        continue;
      }
    }
    let body: string;
    try {
      body = await readAtMost(res, MAX_OUTPUT_BYTES, deadline);
    } catch (e) {
      return { result: 'failure', output: `Get ${goQuote(url)}: ${requestError(e as Error, target, deadline, 'reading body')}` };
    }
    const code = res.statusCode ?? 0;
    if (code >= 200 && code < 400) {
      if (code >= 300) return { result: 'warning', output: `Probe terminated redirects, Response body: ${body}` };
      return { result: 'success', output: body };
    }
    return { result: 'failure', output: `HTTP probe failed with statuscode: ${code}` };
  }
}

function get(t: Target, headers: Record<string, string[]>, hostHeader: string | undefined, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const q = t.path.indexOf('?');
    const pathname = q === -1 ? t.path : t.path.slice(0, q);
    const path = (pathname.startsWith('/') ? pathname : `/${pathname}`) + (q === -1 ? '' : t.path.slice(q));
    const all: Record<string, string | string[]> = { ...headers, ...(hostHeader !== undefined ? { Host: hostHeader } : {}) };
    const opts = { host: t.host, port: t.port, path, method: 'GET', headers: all, agent: false as const, signal };
    // Probes skip certificate verification (upstream InsecureSkipVerify).
    const req = t.scheme === 'https' ? httpsRequest({ ...opts, rejectUnauthorized: false }) : httpRequest(opts);
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
}

function readAtMost(res: IncomingMessage, max: number, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err?: Error) => {
      signal.removeEventListener('abort', onAbort);
      res.removeAllListeners('data');
      if (err) reject(err); else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onAbort = () => { res.destroy(); done(Object.assign(new Error('aborted'), { name: 'AbortError' })); };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    res.on('data', (d: Buffer) => {
      if (size < max) { chunks.push(d.subarray(0, max - size)); size += d.length; }
      // Past the limit upstream truncates quietly and stops reading.
      if (size >= max) { res.destroy(); done(); }
    });
    res.once('end', () => done());
    res.once('error', (e) => done(e));
  });
}

function requestError(e: Error & { code?: string }, t: Target, deadline: AbortSignal, phase: 'awaiting headers' | 'reading body'): string {
  if (deadline.aborted || e.name === 'AbortError') {
    return phase === 'awaiting headers'
      ? 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)'
      : 'context deadline exceeded (Client.Timeout or context cancellation while reading body)';
  }
  if (e.code === 'ECONNRESET' && /socket hang up/.test(e.message)) return 'EOF';
  return dialError(e, t.host, joinHostPort(t.host, t.port));
}

/** textproto.CanonicalMIMEHeaderKey: user-agent → User-Agent. */
function canonicalHeader(name: string): string {
  return name.split('-').map((p) => p.charAt(0).toUpperCase() + p.slice(1).toLowerCase()).join('-');
}

function truncate(s: string): string {
  const b = Buffer.from(s, 'utf8');
  return b.length <= MAX_OUTPUT_BYTES ? s : b.subarray(0, MAX_OUTPUT_BYTES).toString('utf8');
}
