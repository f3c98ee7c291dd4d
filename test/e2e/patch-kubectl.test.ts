// kubectl's in-place edits against a real API server: label, annotate, patch (strategic,
// merge, json), set image, rollout restart, edit; and patches that must not apply, each a 4xx
// that leaves the stored object exactly as it was.
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KUBECTL_VERSIONS, kubectlEnv, kubectlPath, runProcess, startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { SEED, fails, ok } from './helpers.js';

const SEED_STS = join(SEED, 'statefulset.yaml');

for (const version of KUBECTL_VERSIONS) {
  describe(`kubectl 1.${version} patch, label, annotate, set, rollout, edit`, () => {
    let cluster: TestCluster;
    let k: ReturnType<TestCluster['kubectl']>;
    const sts = async () => JSON.parse(ok(await k(['get', 'sts', 'web', '-o', 'json', '--show-managed-fields'])));
    const owner = (obj: any, manager: string) => obj.metadata.managedFields.find((e: any) => e.manager === manager)?.fieldsV1;
    before(async () => {
      cluster = await startTestCluster();
      k = cluster.kubectl(version);
      ok(await k(['apply', '-f', SEED_STS]));
    });
    after(async () => { await cluster?.stop(); });

    it('labels and annotates, and removes them again', async () => {
      assert.match(ok(await k(['label', 'sts', 'web', 'tier=db'])), /statefulset\.apps\/web labeled/);
      assert.match(ok(await k(['annotate', 'sts', 'web', 'owner=team-a'])), /statefulset\.apps\/web annotated?$/m);
      let obj = await sts();
      assert.equal(obj.metadata.labels.tier, 'db');
      assert.equal(obj.metadata.annotations.owner, 'team-a');
      assert.ok(owner(obj, 'kubectl-label')['f:metadata']['f:labels']['f:tier']);
      assert.ok(owner(obj, 'kubectl-annotate')['f:metadata']['f:annotations']['f:owner']);
      fails(await k(['label', 'sts', 'web', 'tier=cache']), 'relabelling without --overwrite');
      ok(await k(['label', 'sts', 'web', 'tier-']));
      ok(await k(['annotate', 'sts', 'web', 'owner-']));
      obj = await sts();
      assert.equal(obj.metadata.labels?.tier, undefined);
      assert.equal(obj.metadata.annotations.owner, undefined);
      assert.equal(owner(obj, 'kubectl-label'), undefined, 'a manager with nothing left is dropped');
    });

    it('patches with all three types', async () => {
      assert.match(ok(await k(['patch', 'sts', 'web', '-p', '{"spec":{"replicas":3}}'])), /statefulset\.apps\/web patched/);
      assert.equal((await sts()).spec.replicas, 3);
      ok(await k(['patch', 'sts', 'web', '--type', 'merge', '-p', '{"spec":{"replicas":4,"minReadySeconds":5}}']));
      ok(await k(['patch', 'sts', 'web', '--type', 'json', '-p', '[{"op":"replace","path":"/spec/replicas","value":5},{"op":"remove","path":"/spec/minReadySeconds"}]']));
      ok(await k(['patch', 'sts', 'web', '--type', 'strategic', '-p',
        '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"MODE","value":"test"}]}]}}}}']));
      const obj = await sts();
      assert.equal(obj.spec.replicas, 5);
      assert.equal(obj.spec.minReadySeconds, undefined);
      const [nginx] = obj.spec.template.spec.containers;
      assert.deepEqual(nginx.env, [{ name: 'MODE', value: 'test' }]);
      assert.equal(nginx.image, 'nginx:1.9.1', 'the container was merged by name, not replaced');
      assert.deepEqual(nginx.ports, [{ containerPort: 80, name: 'web', protocol: 'TCP' }]);
      assert.ok(owner(obj, 'kubectl-patch')['f:spec']['f:replicas']);
      assert.match(ok(await k(['patch', 'sts', 'web', '-p', '{"spec":{"replicas":5}}'])), /patched \(no change\)/);
    });

    it('sets an image and restarts the rollout through the pod template', async () => {
      assert.match(ok(await k(['set', 'image', 'sts/web', 'nginx=nginx:1.10'])), /statefulset\.apps\/web image updated/);
      assert.match(ok(await k(['rollout', 'restart', 'sts/web'])), /statefulset\.apps\/web restarted/);
      const obj = await sts();
      assert.equal(obj.spec.template.spec.containers[0].image, 'nginx:1.10');
      assert.match(obj.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'], /^\d{4}-\d\d-\d\dT/);
      assert.ok(owner(obj, 'kubectl-set')['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"nginx"}']['f:image']);
      assert.ok(owner(obj, 'kubectl-rollout')['f:spec']['f:template']['f:metadata']['f:annotations']);
    });

    it('edits with $EDITOR', async () => {
      const editor = join(cluster.dir, 'editor.sh');
      writeFileSync(editor, "#!/bin/sh\nsed -i '0,/^  replicas: [0-9]*$/s//  replicas: 6/' \"$1\"\n");
      chmodSync(editor, 0o755);
      const env = { ...kubectlEnv({ kubeconfig: cluster.kubeconfig, home: cluster.dir }), EDITOR: editor };
      const r = await runProcess(kubectlPath(version), ['edit', 'sts', 'web'], { env });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /statefulset\.apps\/web edited/);
      const obj = await sts();
      assert.equal(obj.spec.replicas, 6);
      assert.ok(owner(obj, 'kubectl-edit')['f:spec']['f:replicas']);
    });

    it('rejects patches that do not apply and stores nothing', async () => {
      const rv = (await sts()).metadata.resourceVersion;
      const cases: [string[], RegExp][] = [
        [['--type', 'json', '-p', '[{"op":"replace","path":"/spec/nope/x","value":1}]'], /The request is invalid: the server rejected our request due to an error in our request/],
        [['--type', 'json', '-p', '[{"op":"test","path":"/spec/replicas","value":99}]'], /The request is invalid/],
        [['-p', '{"spec":{"replicas":"three"}}'],
          /The request is invalid: patch: Invalid value: "map\[spec:map\[replicas:three\]\]": json: cannot unmarshal string into Go struct field StatefulSetSpec\.spec\.replicas of type int32/],
        [['--type', 'merge', '-p', '{"spec":{"replicas":{"a":1}}}'], /The request is invalid: patch: Invalid value: ".*": json: cannot unmarshal object into Go struct field StatefulSetSpec\.spec\.replicas of type int32/],
        [['-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","$patch":"bogus"}]}}}}'],
          /Error from server \(BadRequest\): unknown patch type: bogus in map: map\[\$patch:bogus name:nginx\]/],
        [['-p', '{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}'], /Error from server \(BadRequest\): map: map\[image:x\] does not contain declared merge key: name/],
        [['-p', '{"spec":{"serviceName":"other"}}'],
          /The StatefulSet "web" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden/],
        [['--type', 'merge', '-p', '{"metadata":{"resourceVersion":"1"},"spec":{"replicas":9}}'],
          /Error from server \(Conflict\): Operation cannot be fulfilled on statefulsets\.apps "web": the object has been modified/],
      ];
      for (const [args, message] of cases) {
        const err = fails(await k(['patch', 'sts', 'web', ...args]), args.join(' '));
        assert.match(err, message, args.join(' '));
      }
      assert.equal((await sts()).metadata.resourceVersion, rv, 'nothing was stored');
    });

    it('reports unknown fields in a patch as a warning and drops them', async () => {
      const r = await k(['patch', 'sts', 'web', '--type', 'merge', '-p', '{"spec":{"bogus":1}}']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Warning: unknown field "spec\.bogus"/);
      assert.equal((await sts()).spec.bogus, undefined);
    });
  });
}
