// PodStreams for node agents running in this process: exec, attach, logs and port-forward requests
// that reach the API server go to the runtime of the node the pod runs on.
import { PassThrough } from 'node:stream';
import type { PodStreams } from '../apiserver/index.js';
import { ApiError, badRequest } from '../core/index.js';
import { attachContainer, containerLog, execInContainer, followContainerLog, portForward, type LinuxRuntime, type Runtime } from '../kubelet/index.js';

/** Which runtime runs a node's pods; undefined for nodes this process does not run. */
export type RuntimeLookup = (nodeName: string) => Runtime | undefined;

function linux(rt: Runtime | undefined, node: string): LinuxRuntime {
  if (!rt) throw new ApiError(503, 'ServiceUnavailable', `node ${node} is not served by this Berth process`);
  if (rt.type !== 'runc') {
    throw badRequest(`the ${rt.type} runtime of node ${node} runs no processes; exec, logs and port-forward need --runtime linux`);
  }
  return rt as LinuxRuntime;
}

async function containerId(rt: Runtime, podUid: string, name: string, previous = false): Promise<string> {
  const attempts = (await rt.listContainers({ podUid })).filter((c) => c.name === name).sort((a, b) => b.attempt - a.attempt);
  const pick = previous ? attempts.find((c) => c.state === 'exited' && c !== attempts[0]) ?? attempts[1] : attempts[0];
  if (!pick) {
    throw badRequest(previous ? `previous terminated container "${name}" in pod not found` : `container "${name}" in pod is waiting to start`);
  }
  return pick.id;
}

export function localPodStreams(lookup: RuntimeLookup): PodStreams {
  const target = async (pod: Parameters<PodStreams['exec']>[0], container: string, previous = false) => {
    const node = pod.spec?.nodeName ?? '';
    const rt = linux(lookup(node), node);
    return { rt, id: await containerId(rt, pod.metadata?.uid ?? '', container, previous) };
  };
  return {
    async exec(pod, container, command, io, signal) {
      const { rt, id } = await target(pod, container);
      const exitCode = await execInContainer(rt, id, command, {
        stdin: io.stdin, tty: io.tty, stdout: io.stdout ?? new PassThrough().resume(), stderr: io.stderr, resize: io.resize, signal,
      });
      return { exitCode };
    },
    async attach(pod, container, io, signal) {
      const { rt, id } = await target(pod, container);
      await attachContainer(rt, id, { stdin: io.stdin, tty: io.tty, stdout: io.stdout ?? new PassThrough().resume(), stderr: io.stderr, resize: io.resize, signal });
    },
    async logs(pod, container, opts, signal) {
      const { rt, id } = await target(pod, container, opts.previous);
      const sinceTime = opts.sinceTime ?? (opts.sinceSeconds ? new Date(Date.now() - opts.sinceSeconds * 1000) : undefined);
      const logOpts = { timestamps: opts.timestamps, tailLines: opts.tailLines, sinceTime, limitBytes: opts.limitBytes };
      if (!opts.follow) {
        const text = await containerLog(rt, id, logOpts);
        return (async function* () { if (text) yield Buffer.from(text); })();
      }
      const out = new PassThrough();
      followContainerLog(rt, id, logOpts, (t) => out.write(t), signal).then(() => out.end(), (e) => out.destroy(e));
      return out as AsyncIterable<Buffer>;
    },
    async portForward(pod, port, stream) {
      const node = pod.spec?.nodeName ?? '';
      const rt = linux(lookup(node), node);
      const sandbox = (await rt.listPodSandboxes({ podUid: pod.metadata?.uid })).find((s) => s.state === 'ready');
      if (!sandbox) throw badRequest(`pod ${pod.metadata?.name} has no running sandbox`);
      await portForward(rt, sandbox.id, port, stream);
    },
  };
}
