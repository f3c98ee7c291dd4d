// GET pods/{name}/log: the container's log as a `text/plain` stream.
//
// Contract: refusals (bad options, unknown container, PodStreams rejecting) are Status errors
// thrown before the headers. Then the body is whatever PodStreams yields, cut at limitBytes;
// with follow the response stays open until the iterable ends (container stopped) or the
// client goes (`res` 'close', which aborts the signal and ends the iterator). Chunks are written
// as they come, waiting for the socket to drain, so a slow reader never makes us buffer a log.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseLogOptions } from './options.js';
import type { Pod, PodStreams } from './types.js';

export async function serveLogs(req: IncomingMessage, res: ServerResponse, q: URLSearchParams, pod: Pod, podStreams: () => PodStreams): Promise<void> {
  const { container, opts } = parseLogOptions(q, pod);
  const streams = podStreams();
  const abort = new AbortController();
  res.once('close', () => abort.abort());
  const body = await streams.logs(pod, container, opts, abort.signal);
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
  // kubectl -f prints nothing until it has the headers.
  res.flushHeaders();
  if (req.method === 'HEAD') { res.end(); return; }
  let left = opts.limitBytes ?? Infinity;
  const iterator = body[Symbol.asyncIterator]();
  try {
    while (left > 0 && !abort.signal.aborted) {
      const r = await iterator.next();
      if (r.done) break;
      const chunk = r.value.length > left ? r.value.subarray(0, left) : r.value;
      left -= chunk.length;
      if (chunk.length && !res.write(chunk)) {
        await new Promise<void>((resolve) => { res.once('drain', resolve); res.once('close', resolve); });
      }
    }
  } catch (e) {
    // Headers are out: all we can do is end the body, as upstream does when the kubelet fails.
    if (!abort.signal.aborted) console.error(`berth apiserver: log stream of ${pod.metadata?.namespace}/${pod.metadata?.name} failed:`, e);
  } finally {
    await iterator.return?.();
    res.end();
  }
}
