// Seeded fuzzing of the API server over HTTPS: a few thousand random and mutated bodies and
// patches (all four patch types, YAML and JSON, malformed, huge, wrong types, deep nesting,
// unicode and invalid UTF-8, unknown fields, random query parameters) at create, update, patch,
// delete, read and the status/scale/binding subresources of every served kind. It checks that
// the server never answers 5xx or drops a request, that every 4xx is a metav1.Status, that a
// rejected request leaves the object it aimed at unchanged, that the server still serves
// afterwards, and that every object it stored still validates (re-submitted as a dry-run update).
//   FUZZ_SEED (default fixed) and FUZZ_COUNT (default 4000, ~20 s on 2 cores) choose the run;
//   FUZZ_REPLAY=worker:index sends just that one request of the run (to reproduce a report);
//   FUZZ_KNOWN_BUGS=1 stops steering around the unfixed bugs listed in known-bugs.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { steer } from './known-bugs.js';
import { buildRequest, type FuzzRequest } from './requests.js';
import { Rng } from './rng.js';
import { collectionPath, itemPath, NS, TARGETS, type Target } from './targets.js';
import { describe as reproducer, judge, Wire, type Violation } from './wire.js';

const SEED = Number(process.env.FUZZ_SEED ?? 1033);
const COUNT = Number(process.env.FUZZ_COUNT ?? 4000);
const WORKERS = 4;
const REPLAY = process.env.FUZZ_REPLAY?.split(':').map(Number);

/** Every request is rebuilt from (seed, worker, index) alone. */
function requestAt(worker: number, index: number, names: (t: Target) => string[]): FuzzRequest {
  const rng = new Rng(SEED).fork(worker * 1_000_003 + index);
  const target = rng.pick(TARGETS);
  return steer(buildRequest(rng, target, names(target)));
}

const seedNames = (worker: number) => (t: Target) => [0, 1].map((i) => `s${worker}-${t.type.singular}-${i}`);

describe(`fuzz (seed ${SEED}, ${COUNT} requests)`, () => {
  let cluster: TestCluster;
  let wire: Wire;
  const violations: Violation[] = [];
  const stats = new Map<string, number>();

  before(async () => {
    cluster = await startTestCluster();
    wire = new Wire(cluster, WORKERS + 2);
    const ns = await wire.send({ method: 'POST', path: '/api/v1/namespaces', query: {}, headers: { 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify({ metadata: { name: NS } })) });
    assert.equal(ns.status, 201, ns.text);
  });
  after(async () => {
    wire?.close();
    await cluster?.stop();
  });

  const createSeed = (t: Target, name: string) => wire.send({
    method: 'POST', path: collectionPath(t.type), query: {}, headers: { 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify(t.valid(name))),
  });
  const getSeed = (s: { target: Target; name: string }) => wire.send({ method: 'GET', path: itemPath(s.target.type, s.name), query: {}, headers: {} });

  async function runOne(worker: number, index: number, rng: Rng): Promise<void> {
    const r = requestAt(worker, index, seedNames(worker));
    const where = `worker ${worker} index ${index}`;
    // A sample of requests aimed at a seed checks that a rejection writes nothing.
    const watchSeed = r.seed && r.method !== 'GET' && rng.chance(0.25);
    const pre = watchSeed ? await getSeed(r.seed!) : undefined;
    const a = await wire.send(r);
    const key = `${r.method} ${a.status}`;
    stats.set(key, (stats.get(key) ?? 0) + 1);
    const bad = judge(r, a);
    if (bad) violations.push({ what: bad, request: r, answer: a, where });
    if (pre?.status === 200 && a.status >= 400 && a.status < 500) {
      const post = await getSeed(r.seed!);
      const rv = (x: typeof pre) => x.json?.metadata?.resourceVersion;
      if (post.status !== 200 || rv(post) !== rv(pre)) {
        violations.push({ what: `a ${a.status} changed the object (resourceVersion ${rv(pre)} → ${post.status === 200 ? rv(post) : post.status})`, request: r, answer: a, where });
      }
    }
    // Keep the seed population: a deleted seed comes back, so later requests still hit objects.
    if (r.seed && r.method === 'DELETE' && a.status < 300 && (await getSeed(r.seed)).status === 404) await createSeed(r.seed.target, r.seed.name);
  }

  it('answers every request with 2xx or a 4xx Status, and a rejection changes nothing', { timeout: 600_000 }, async () => {
    for (let w = 0; w < WORKERS; w++) {
      for (const t of TARGETS) for (const name of seedNames(w)(t)) assert.equal((await createSeed(t, name)).status, 201, `seed ${t.type.kind} ${name}`);
    }
    if (REPLAY) {
      await runOne(REPLAY[0], REPLAY[1], new Rng(0));
    } else {
      await Promise.all(Array.from({ length: WORKERS }, async (_, w) => {
        const rng = new Rng(SEED ^ (w + 1));
        for (let i = w; i < COUNT; i += WORKERS) await runOne(w, i, rng);
      }));
      // Collection deletes come last: earlier they would delete other workers' seeds mid-check.
      for (const t of TARGETS.filter((x) => x.type.namespaced && x.type.verbs.includes('deletecollection'))) {
        for (const q of [{ labelSelector: 'seed!=yes' }, { fieldSelector: 'metadata.name=nope', dryRun: 'All' }, { labelSelector: '!!' }, { gracePeriodSeconds: 'x' }] as Record<string, string>[]) {
          const r: FuzzRequest = { method: 'DELETE', path: collectionPath(t.type), query: q, headers: {}, note: 'deletecollection' };
          const a = await wire.send(r);
          const bad = judge(r, a);
          if (bad) violations.push({ what: bad, request: r, answer: a, where: 'deletecollection' });
        }
      }
    }
    const summary = [...stats].sort().map(([k, n]) => `${k}: ${n}`).join(', ');
    const kinds = new Map<string, number>();
    for (const v of violations) kinds.set(v.what.replace(/\d+/g, 'N'), (kinds.get(v.what.replace(/\d+/g, 'N')) ?? 0) + 1);
    assert.equal(violations.length, 0, `${violations.length} violations (${[...kinds].map(([k, n]) => `${n}× ${k}`).join('; ')}):\n\n`
      + violations.slice(0, 12).map(reproducer).join('\n\n') + `\n\nanswers: ${summary}\n(FUZZ_SEED=${SEED} FUZZ_REPLAY=worker:index reproduces one)`);
  });

  it('still serves: /readyz and a list of every kind', async () => {
    const ready = await wire.send({ method: 'GET', path: '/readyz', query: {}, headers: {} });
    assert.equal(ready.status, 200);
    assert.equal(ready.text, 'ok');
    for (const t of TARGETS) {
      const list = await wire.send({ method: 'GET', path: t.type.namespaced ? collectionPath(t.type).replace(`/namespaces/${NS}`, '') : collectionPath(t.type), query: {}, headers: {} });
      assert.equal(list.status, 200, `list ${t.type.plural}: ${list.text.slice(0, 300)}`);
      assert.equal(list.json.kind, `${t.type.kind}List`);
    }
  });

  it('stored only valid objects: each one passes validation again as a dry-run update', async () => {
    const invalid: string[] = [];
    let checked = 0;
    for (const t of TARGETS) {
      const path = t.type.namespaced ? collectionPath(t.type).replace(`/namespaces/${NS}`, '') : collectionPath(t.type);
      const list = await wire.send({ method: 'GET', path, query: {}, headers: {} });
      for (const item of list.json.items as Record<string, any>[]) {
        // A name past Node's 16 KiB request-head limit cannot be addressed at all (431); such
        // objects are a finding of their own (see the report), not a validation question.
        if (item.metadata.name.length > 8000) continue;
        const obj = { apiVersion: t.type.group ? `${t.type.group}/${t.type.version}` : t.type.version, kind: t.type.kind, ...item };
        const put = await wire.send({
          method: 'PUT', path: itemPath(t.type, item.metadata.name, item.metadata.namespace), query: { dryRun: 'All', fieldValidation: 'Strict' },
          headers: { 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify(obj)),
        });
        checked++;
        if (put.status !== 200) invalid.push(`${t.type.kind} ${item.metadata.namespace ?? ''}/${item.metadata.name.slice(0, 80)}: ${put.status} ${(put.json?.message ?? put.text).slice(0, 400)}\n  stored: ${JSON.stringify(item).slice(0, 600)}`);
      }
    }
    assert.ok(checked > 100, `only ${checked} objects were stored`);
    assert.deepEqual(invalid, [], `${invalid.length} of ${checked} stored objects no longer validate:\n${invalid.slice(0, 10).join('\n')}`);
  });
});
