// `kubectl explain` with kubectl 1.27, 1.33 and 1.35, which read the OpenAPI v3 documents the
// API server publishes: a nested field of a StatefulSet (volumeClaimTemplates), a field through a
// short name (pvc.spec.accessModes) and a whole kind with --recursive. The output must carry
// upstream's field descriptions and types, and an unknown field is an error naming it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KUBECTL_VERSIONS, startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { ok } from './helpers.js';

/** Lines of a FIELDS section: `name<TAB><type>` with any suffix (-required-), indentation kept. */
const fieldLines = (out: string) => out.split('\n').filter((l) => /^\s+\w+\t<[^>]+>/.test(l)).map((l) => l.trimEnd());

describe('kubectl explain', () => {
  let cluster: TestCluster;
  before(async () => { cluster = await startTestCluster(); });
  after(async () => { await cluster?.stop(); });

  for (const version of KUBECTL_VERSIONS) {
    describe(`kubectl 1.${version}`, () => {
      const k = () => cluster.kubectl(version);

      it('explains statefulset.spec.volumeClaimTemplates with its description and fields', async () => {
        const out = ok(await k()(['explain', 'statefulset.spec.volumeClaimTemplates']), 'explain');
        assert.match(out, /^GROUP:\s+apps\nKIND:\s+StatefulSet\nVERSION:\s+v1\n/);
        assert.match(out, /\nFIELD: volumeClaimTemplates <\[\]PersistentVolumeClaim>\n/);
        assert.match(out, /DESCRIPTION:\n {4}volumeClaimTemplates is a list of claims that pods are allowed to reference\.\n {4}The StatefulSet controller is responsible for mapping network identities to\n/);
        assert.match(out, /PersistentVolumeClaim is a user's request for and claim to a persistent\n {4}volume/);
        const fields = fieldLines(out).map((l) => l.trim());
        assert.deepEqual(fields, [
          'apiVersion\t<string>', 'kind\t<string>', 'metadata\t<ObjectMeta>', 'spec\t<PersistentVolumeClaimSpec>', 'status\t<PersistentVolumeClaimStatus>',
        ]);
        // Each field carries its own description beneath it.
        assert.match(out, /spec\t<PersistentVolumeClaimSpec>\n {4}spec defines the desired characteristics of a volume requested by a pod\n {4}author\./);
      });

      it('explains pvc.spec.accessModes through the short name', async () => {
        const out = ok(await k()(['explain', 'pvc.spec.accessModes']), 'explain');
        assert.match(out, /^KIND:\s+PersistentVolumeClaim\nVERSION:\s+v1\n/);
        assert.doesNotMatch(out, /GROUP:/, 'the core group has no GROUP line');
        assert.match(out, /\nFIELD: accessModes <\[\]string>\n/);
        assert.match(out, /accessModes contains the desired access modes the volume should have\. More\n {4}info:\n {4}https:\/\/kubernetes\.io\/docs\/concepts\/storage\/persistent-volumes#access-modes-1/);
      });

      it('explains pod --recursive: every nested field with its type', async () => {
        const out = ok(await k()(['explain', 'pod', '--recursive']), 'explain');
        assert.match(out, /^KIND:\s+Pod\nVERSION:\s+v1\n\nDESCRIPTION:\n {4}Pod is a collection of containers that can run on a host\./);
        const fields = fieldLines(out);
        assert.ok(fields.length > 1000, `a pod has over a thousand nested fields, got ${fields.length}`);
        for (const want of [
          '  spec\t<PodSpec>',
          '    containers\t<[]Container> -required-',
          '      image\t<string>',
          '      volumeMounts\t<[]VolumeMount>',
          '        mountPath\t<string> -required-',
          '    volumes\t<[]Volume>',
          '      persistentVolumeClaim\t<PersistentVolumeClaimVolumeSource>',
          '        claimName\t<string> -required-',
          '  status\t<PodStatus>',
          '    conditions\t<[]PodCondition>',
        ]) assert.ok(fields.includes(want), `missing line ${JSON.stringify(want)}`);
        // --recursive lists names and types only.
        assert.doesNotMatch(out, /FIELDS:\n {2}apiVersion\t<string>\n {4}\S/);
      });

      it('names an unknown field', async () => {
        const r = await k()(['explain', 'statefulset.spec.nope']);
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /field "nope" does not exist/);
      });
    });
  }
});
