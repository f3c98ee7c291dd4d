// imagePullSecrets on the linux runtime, end to end: a registry on loopback that demands a
// bearer token (test/images' fake registry: the distribution token flow) serves a busybox
// image; the node agent pulls it into the real image store with the credentials of the pod's
// dockerconfigjson or dockercfg secrets, tries every matching credential in turn (a wrong one
// first), falls back to the ServiceAccount's secrets, warns about secrets it cannot read, and
// when nothing lets it in shows ErrImagePull, then ImagePullBackOff, with upstream's events.
// Needs root; skipped otherwise.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Event } from 'kubernetes-types/core/v1.js';
import { Events, Pods, Secrets, ServiceAccounts, type KubeObject } from '../../src/core/index.js';
import { openImages } from '../../src/images/index.js';
import { nodeAgent } from '../../src/kubelet/index.js';
import { linuxRuntime, type LinuxRuntime } from '../../src/kubelet/runtime/linux/index.js';
import { startTestCluster, type TestCluster } from '../../src/testing/index.js';
import { eventually } from '../e2e/helpers.js';
import { FAST, getPod, pod, podPhase, schedulerManager } from '../e2e/node-support.js';
import { makeImage, tempDir } from '../images/helpers.js';
import { startFakeRegistry, type FakeRegistry } from '../images/servers.js';
import { busyboxLayer, removeRuntime, skipReason } from './helpers.js';

const skip = await skipReason();
if (skip) console.log(`# SKIP ${skip}`);

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('imagePullSecrets on the linux runtime', { skip }, () => {
  let c: TestCluster;
  let reg: FakeRegistry;
  let rt: LinuxRuntime;
  let dir: string;
  let cleanup: () => Promise<void>;
  const ac = new AbortController();
  let running: Promise<void> | undefined;
  const bridge = `btps${process.pid % 10000}`;
  const parent = `berth-test-ps-${process.pid}`;

  before(async () => {
    ({ dir, cleanup } = await tempDir('berth-rt-ps-'));
    const layer = await busyboxLayer(dir);
    const tar = execFileSync('tar', ['-C', layer, '--sort=name', '--owner=0', '--group=0', '-cf', '-', '.'], { maxBuffer: 64 << 20 });
    const img = makeImage([tar], { config: { Cmd: ['sh', '-c', 'echo pulled; sleep 3600'], Env: ['PATH=/bin'] } });
    reg = await startFakeRegistry({
      manifests: new Map([['demo:1', { body: img.manifest, mediaType: img.mediaType }]]), blobs: new Map(img.blobs),
      auth: { scheme: 'bearer', username: 'alice', password: 's3cret' },
    });
    const images = await openImages({ root: join(dir, 'images') });
    rt = linuxRuntime({ root: join(dir, 'runtime'), images, bridge, cgroupParent: parent });
    c = await startTestCluster({ components: [schedulerManager()] });
    running = nodeAgent({
      nodeName: 'berth-control-plane', runtime: rt, podCIDR: `10.${200 + (process.pid % 50)}.218.0/24`, ...FAST,
    }).run(c.client, ac.signal);
  });
  after(async () => {
    ac.abort();
    await running;
    await c?.stop();
    if (rt) assert.deepEqual(await removeRuntime(rt, join(dir, 'runtime'), bridge, parent), [], 'nothing of the runtime is left behind');
    await reg?.stop();
    await cleanup?.();
    await rm(dir, { recursive: true, force: true });
  });

  const image = () => `${reg.host}/demo:1`;
  const secret = async (name: string, type: string, field: string, doc: unknown) => {
    await c.client.create(Secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, type, data: { [field]: b64(JSON.stringify(doc)) } } as KubeObject);
  };
  const puller = (name: string, extra: Record<string, unknown> = {}) => pod(name, {
    containers: [{ name: 'app', image: image(), imagePullPolicy: 'Always' }], terminationGracePeriodSeconds: 0, ...extra,
  });
  const events = async (name: string) => (await c.client.list<Event & KubeObject>(Events, { namespace: 'default' })).items
    .filter((e) => e.involvedObject?.name === name);
  const remove = (name: string) => c.client.delete(Pods, { namespace: 'default', name }, { gracePeriodSeconds: 0 });

  it('pulls with the matching credentials of the pod secrets, trying a wrong one first', async () => {
    // Two secrets match the registry: the more specific key (host/demo) holds a wrong password and is tried first.
    await secret('wrong', 'kubernetes.io/dockerconfigjson', '.dockerconfigjson', { auths: { [`${reg.host}/demo`]: { auth: b64('alice:nope') } } });
    await secret('right', 'kubernetes.io/dockercfg', '.dockercfg', { [`http://${reg.host}`]: { username: 'alice', password: 's3cret' } });
    reg.log.length = 0;
    await c.client.create(Pods, puller('with-secrets', { imagePullSecrets: [{ name: 'wrong' }, { name: 'right' }] }));
    const p = await podPhase(c, 'with-secrets', 'Running');
    assert.match(p.status!.containerStatuses![0]!.imageID ?? '', new RegExp(`^${reg.host}/demo@sha256:`));
    const tokenRequests = reg.log.filter((l) => l.startsWith('GET /token'));
    assert.ok(tokenRequests.length >= 2, `both credentials were presented: ${reg.log.join(' | ')}`);
    const pulled = await eventually(async () => (await events('with-secrets')).find((e) => e.reason === 'Pulled'), 'Pulled event');
    assert.match(pulled.message ?? '', /Successfully pulled image/);
    await remove('with-secrets');
  });

  it('uses the ServiceAccount imagePullSecrets when the pod names none, and warns about a missing secret', async () => {
    await c.client.create(ServiceAccounts, {
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'puller', namespace: 'default' }, imagePullSecrets: [{ name: 'gone' }, { name: 'right' }],
    } as KubeObject);
    await c.client.create(Pods, puller('via-sa', { serviceAccountName: 'puller' }));
    await podPhase(c, 'via-sa', 'Running');
    const warn = await eventually(async () => (await events('via-sa')).find((e) => e.reason === 'FailedToRetrieveImagePullSecret'), 'warning');
    assert.equal(warn.type, 'Warning');
    assert.equal(warn.message, 'Unable to retrieve some image pull secrets (gone); attempting to pull the image may not succeed.');
    await remove('via-sa');
  });

  it('shows ErrImagePull then ImagePullBackOff when no credential lets it in, and keeps serving other pods', async () => {
    await secret('other-registry', 'kubernetes.io/dockerconfigjson', '.dockerconfigjson', { auths: { 'registry.example.com': { auth: b64('alice:s3cret') } } });
    await c.client.create(Pods, puller('denied', { imagePullSecrets: [{ name: 'other-registry' }] }));
    // As upstream's image manager: ErrImagePull with the registry's refusal, then ImagePullBackOff repeating it.
    const failed = await eventually(async () => {
      const w = (await getPod(c, 'denied')).status?.containerStatuses?.[0]?.state?.waiting;
      return w?.reason === 'ErrImagePull' || w?.reason === 'ImagePullBackOff' ? w : undefined;
    }, 'pull refused');
    assert.match(failed.message ?? '', /credentials|authoriz|refused|denied/i);
    const backOff = await eventually(async () => {
      const w = (await getPod(c, 'denied')).status?.containerStatuses?.[0]?.state?.waiting;
      return w?.reason === 'ImagePullBackOff' ? w : undefined;
    }, 'ImagePullBackOff');
    assert.ok(backOff.message?.startsWith(`Back-off pulling image "${image()}": ErrImagePull: `), backOff.message);
    const evs = await eventually(async () => {
      const e = await events('denied');
      return e.some((x) => x.reason === 'BackOff') && e.some((x) => x.message === 'Error: ImagePullBackOff') ? e : undefined;
    }, 'pull events');
    assert.ok(evs.some((e) => e.type === 'Warning' && e.reason === 'Failed' && e.message?.startsWith(`Failed to pull image "${image()}": `)));
    assert.ok(evs.some((e) => e.type === 'Warning' && e.reason === 'Failed' && e.message === 'Error: ErrImagePull'));
    assert.ok(evs.some((e) => e.type === 'Normal' && e.reason === 'BackOff' && e.message === `Back-off pulling image "${image()}"`));
    await c.client.create(Pods, puller('still-fine', { imagePullSecrets: [{ name: 'right' }] }));
    await podPhase(c, 'still-fine', 'Running');
    await remove('denied');
    await remove('still-fine');
  });
});
