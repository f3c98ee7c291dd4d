// Running the real kubectl against a test cluster, with its own HOME, cache and kubeconfig.
import { spawn } from 'node:child_process';
import { kubectlPath, type KubectlVersion } from './binaries.js';

export interface RunResult { readonly code: number; readonly stdout: string; readonly stderr: string }

export interface KubectlEnv {
  readonly kubeconfig: string;
  readonly home: string;
}

export function runProcess(bin: string, args: readonly string[], opts: {
  env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; signal?: AbortSignal;
} = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env: opts.env, stdio: ['pipe', 'pipe', 'pipe'], signal: opts.signal });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (e) => { clearTimeout(timer); if ((e as { name?: string }).name === 'AbortError') resolve({ code: -1, stdout, stderr }); else reject(e); });
    child.on('close', (code, sig) => { clearTimeout(timer); resolve({ code: code ?? (sig ? 128 : -1), stdout, stderr }); });
    child.stdin.end(opts.input ?? '');
  });
}

export function kubectlEnv(env: KubectlEnv): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH, HOME: env.home, KUBECONFIG: env.kubeconfig,
    KUBECACHEDIR: `${env.home}/.kube/cache`, LANG: 'C.UTF-8',
  };
}

/** A kubectl of one version bound to one cluster. */
export function kubectl(version: KubectlVersion, env: KubectlEnv) {
  const bin = kubectlPath(version);
  return (args: readonly string[], opts: { input?: string; timeoutMs?: number; signal?: AbortSignal } = {}) =>
    runProcess(bin, args, { ...opts, env: kubectlEnv(env) });
}

export type Kubectl = ReturnType<typeof kubectl>;
