// `berth demo` as a user runs it: the seed walkthrough end to end. As root with runc it runs
// real pods (the recreated web-0 must serve "hello web-0"); otherwise the simulated walkthrough.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { preflight } from '../../src/kubelet/index.js';
import { runProcess } from '../../src/testing/index.js';

const BERTH = join(import.meta.dirname, '..', '..', 'bin', 'berth');

describe('berth demo', () => {
  it('runs the seed walkthrough and leaves nothing behind', async () => {
    const real = (await preflight()).length === 0;
    const r = await runProcess(BERTH, ['demo', ...(real ? [] : ['--runtime', 'sim'])], { timeoutMs: 300_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^www-web-0\s+Bound\s+pvc-[0-9a-f-]{36}\s+1Gi\s+RWO\s+local-path/m);
    assert.match(r.stdout, /^www-web-1\s+Bound\s+pvc-[0-9a-f-]{36}\s+1Gi\s+RWO\s+local-path/m);
    if (real) {
      const afterDelete = r.stdout.slice(r.stdout.indexOf('kubectl delete pod -l app=nginx'));
      assert.match(afterDelete, /kubectl exec -it web-0 -- curl localhost\nhello web-0\n/);
      assert.match(afterDelete, /kubectl exec web-1 -- curl -s web-0\.nginx\nhello web-0\n/, 'the recreated web-0 is reached by its DNS name');
      assert.match(r.stdout, /index\.html: hello web-0/);
      assert.match(r.stdout, /index\.html: hello web-1/);
    }
    const dir = /state under (\S+)/.exec(r.stdout)?.[1];
    assert.ok(dir, r.stdout);
    const leftovers = await runProcess('sh', ['-c', `ls ${dir} 2>/dev/null; ps -eo args | grep -F "${dir}" | grep -v grep || true`]);
    assert.equal(leftovers.stdout.trim(), '', 'the demo removed its data directory and stopped its pods');
  });
});
