// Contract: the process a container runs, from the pod's container spec and the image config,
// as CRI runtimes combine them (the agent passes `command`/`args` exactly as written):
// - command given: command + args; the image's ENTRYPOINT and CMD are ignored.
// - only args given: ENTRYPOINT + args.   - neither: ENTRYPOINT + CMD.
// Env: the image's Env, then the container's (a later name replaces an earlier one, keeping
// its place), with PATH, HOSTNAME and HOME added when missing. cwd: workingDir, else the
// image's WorkingDir, else /.
import { RuntimeError, type ContainerConfig } from '../types.js';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface ImageProcessConfig {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Env?: string[];
  WorkingDir?: string;
}

export function commandLine(command: readonly string[], args: readonly string[], image: ImageProcessConfig): string[] {
  if (command.length) return [...command, ...args];
  const entrypoint = image.Entrypoint ?? [];
  return [...entrypoint, ...(args.length ? args : image.Cmd ?? [])];
}

export function mergeEnv(imageEnv: readonly string[], env: ReadonlyArray<{ name: string; value: string }>, defaults: Record<string, string>): string[] {
  const order: string[] = [];
  const values = new Map<string, string>();
  const set = (name: string, value: string) => { if (!values.has(name)) order.push(name); values.set(name, value); };
  for (const e of imageEnv) {
    const i = e.indexOf('=');
    if (i > 0) set(e.slice(0, i), e.slice(i + 1));
  }
  for (const e of env) set(e.name, e.value);
  for (const [k, v] of Object.entries(defaults)) if (!values.has(k)) set(k, v);
  return order.map((k) => `${k}=${values.get(k)}`);
}

export function buildProcess(config: ContainerConfig, image: ImageProcessConfig, home: string, hostname: string | undefined): {
  args: string[]; env: string[]; cwd: string;
} {
  const args = commandLine(config.command, config.args, image);
  if (args.length === 0) throw new RuntimeError('no command specified: the image has no ENTRYPOINT or CMD and the container sets none', 'CreateContainerError');
  const defaults: Record<string, string> = { PATH: DEFAULT_PATH, HOME: home };
  if (hostname) defaults.HOSTNAME = hostname;
  const env = mergeEnv(image.Env ?? [], config.env, defaults);
  const cwd = config.workingDir || image.WorkingDir || '/';
  if (!cwd.startsWith('/')) throw new RuntimeError(`workingDir ${JSON.stringify(cwd)} is not an absolute path`, 'CreateContainerError');
  return { args, env, cwd };
}
