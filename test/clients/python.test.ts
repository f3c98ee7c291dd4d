// Debian's python3-kubernetes (the official Python client, 22.x) against a whole cluster: a
// script (python/check_client.py) lists, watches (watch=True with timeout_seconds and
// resource_version resume), creates, patches and deletes configmaps, pods, statefulsets and
// claims, checks ApiException.status, and uses the dynamic client (discovery, server-side apply,
// merge patch) on every served kind; it prints what it saw as JSON and this test asserts it.
// /usr/bin/python3 explicitly: a pyenv python earlier on PATH does not see Debian's packages.
// Skips, saying why, when the package is missing (scripts/install-deps.sh installs it for CI).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runProcess, type TestCluster } from '../../src/testing/index.js';
import { startFullCluster } from './support.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, 'python', 'check_client.py');
const probe = spawnSync(PYTHON, ['-c', 'import kubernetes; print(kubernetes.__version__)'], { encoding: 'utf8' });
const missing = probe.status === 0 ? undefined
  : 'python3-kubernetes is not installed (apt-get install -y --no-install-recommends python3-kubernetes)';

describe('Python client (python3-kubernetes)', { skip: missing }, () => {
  let cluster: TestCluster;
  let out: { results: Record<string, any>; error?: string };

  before(async () => {
    cluster = await startFullCluster();
    const r = await runProcess(PYTHON, [SCRIPT, cluster.kubeconfig, 'py', cluster.dir], {
      env: { PATH: process.env.PATH, HOME: cluster.dir, LANG: 'C.UTF-8', PYTHONDONTWRITEBYTECODE: '1' }, timeoutMs: 120_000,
    });
    try {
      out = JSON.parse(r.stdout);
    } catch {
      throw new Error(`the script printed no JSON (rc=${r.code}):\n${r.stdout}\n${r.stderr}`);
    }
  });
  after(async () => { await cluster?.stop(); });

  const results = () => {
    if (out.error) assert.fail(`the script failed:\n${out.error.split('\n').slice(-12).join('\n')}\nresults so far: ${JSON.stringify(out.results)}`);
    return out.results;
  };

  it(`runs (client ${probe.stdout.trim()}) and sees the cluster`, () => {
    const r = results();
    assert.match(r.version, /^v1\.33\./);
    assert.deepEqual(r.nodes, ['berth-control-plane']);
    assert.equal(r.namespace_gone, true);
  });

  it('creates, reads, lists, patches (JSON and strategic), replaces and deletes a ConfigMap', () => {
    const c = results().configmaps;
    assert.equal(c.created_uid, true);
    assert.deepEqual(c.read, { v: '1' });
    assert.deepEqual(c.listed, ['cfg']);
    assert.deepEqual(c.json_patch, { v: '1', w: '2' });
    assert.deepEqual(c.strategic, { app: 'py', tier: 'a' });
    assert.deepEqual(c.replaced, { only: 'this' });
    assert.equal(c.deleted, 404);
  });

  it('raises ApiException with the status code and a Status body', () => {
    const c = results().configmaps;
    assert.equal(c.missing.status, 404);
    assert.equal(c.missing.reason, 'Not Found');
    assert.deepEqual(c.missing.body, {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'configmaps "nope" not found', reason: 'NotFound',
      details: { name: 'nope', kind: 'configmaps' }, code: 404,
    });
    assert.equal(c.duplicate.status, 409);
    assert.equal(c.duplicate.body.reason, 'AlreadyExists');
    assert.equal(c.invalid.status, 422);
    assert.equal(c.invalid.body.details.causes[0].field, 'metadata.name');
  });

  it('watches live, resumes from a resourceVersion, and ends at timeout_seconds', () => {
    const w = results().watch;
    assert.deepEqual(w.live, ['ADDED w 1', 'MODIFIED w 2', 'DELETED w 2']);
    assert.equal(w.replayed_versions, 3);
    assert.deepEqual(w.resumed, ['MODIFIED w 2', 'DELETED w 2']);
    assert.ok(w.timeout_ended_in < 4, `a 1 s watch ended after ${w.timeout_ended_in} s`);
  });

  it('runs a StatefulSet: watch sees it ready, scale, strategic patch rolls the pods, claims outlive the set', () => {
    const s = results().statefulset;
    assert.ok(['ADDED', 'MODIFIED'].includes(s.ready_seen_by_watch));
    assert.equal(s.scale, 2);
    assert.deepEqual(s.pods, ['web-0 Running web-0', 'web-1 Running web-1']);
    assert.deepEqual(s.container_ready, [true, true]);
    assert.deepEqual(s.patched_container, ['nginx:1.26', '/www']);
    assert.equal(s.rolled, true);
    assert.deepEqual(s.claims_after_delete, ['www-web-0 Bound', 'www-web-1 Bound']);
  });

  it('runs a pod and handles a claim; an immutable field is a 422', () => {
    const p = results().pods_claims;
    assert.equal(p.solo_running_on, 'berth-control-plane');
    assert.deepEqual(p.solo_labels, { x: 'y' });
    assert.equal(p.immutable.status, 422);
    assert.equal(p.immutable.body.reason, 'Invalid');
    assert.deepEqual(p.claim, ['local-path', 'Pending']);
    assert.deepEqual(p.claim_labels, { k: 'v' });
    assert.equal(p.claim_deleted, true);
  });

  it('uses the dynamic client: discovery of every served kind, server-side apply, conflicts, merge patch', () => {
    const d = results().dynamic;
    for (const [kind, listKind] of Object.entries(d.lists)) assert.equal(listKind, `${kind}List`);
    assert.equal(Object.keys(d.lists).length, 15);
    assert.deepEqual(d.applied, ['1', ['py-dynamic']]);
    assert.equal(d.conflict, 409);
    assert.deepEqual(d.merged, { b: '2' });
  });
});
