// Pure parts of the linux runtime (no root needed): command line and env as CRI runtimes build
// them, capabilities, CIDRs, the pod's /etc files, CRI log parsing, users from an image's
// passwd/group, signal names and the OCI spec's shape.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { commandLine, mergeEnv } from '../../src/kubelet/runtime/linux/process.js';
import { ALL_CAPS, containerSpec, DEFAULT_CAPS, effectiveCaps } from '../../src/kubelet/runtime/linux/spec.js';
import { gatewayOf, parseCidr, toDotted } from '../../src/kubelet/runtime/linux/ipam.js';
import { hostsFile, resolvConf } from '../../src/kubelet/runtime/linux/pod-files.js';
import { formatLog, parseCriLog, utcTimestamp } from '../../src/kubelet/runtime/linux/logs.js';
import { resolveUser } from '../../src/kubelet/runtime/linux/user.js';
import { signalName } from '../../src/kubelet/runtime/linux/procs.js';
import { vethName } from '../../src/kubelet/runtime/linux/network.js';
import { sandboxConfig } from './helpers.js';

describe('linux runtime: pure parts', () => {
  it('combines command/args with the image ENTRYPOINT/CMD as upstream does', () => {
    const image = { Entrypoint: ['/entry'], Cmd: ['--default'] };
    assert.deepEqual(commandLine([], [], image), ['/entry', '--default']);
    assert.deepEqual(commandLine([], ['--mine'], image), ['/entry', '--mine']);
    assert.deepEqual(commandLine(['/bin/sh'], ['-c', 'x'], image), ['/bin/sh', '-c', 'x']);
    assert.deepEqual(commandLine([], [], { Cmd: ['nginx'] }), ['nginx']);
    assert.deepEqual(commandLine([], [], {}), []);
  });

  it('merges env: image first, the container wins in place, defaults only when missing', () => {
    assert.deepEqual(mergeEnv(['PATH=/x', 'A=1'], [{ name: 'A', value: '2' }, { name: 'B', value: 'b=c' }], { PATH: '/d', HOME: '/root' }),
      ['PATH=/x', 'A=2', 'B=b=c', 'HOME=/root']);
  });

  it('computes capabilities from the defaults, add/drop, ALL and privileged, within the bounding set', () => {
    assert.deepEqual(effectiveCaps(), DEFAULT_CAPS);
    assert.ok(effectiveCaps(['NET_ADMIN']).includes('CAP_NET_ADMIN'));
    assert.ok(!effectiveCaps([], ['chown']).includes('CAP_CHOWN'));
    assert.deepEqual(effectiveCaps(['NET_BIND_SERVICE'], ['ALL']), ['CAP_NET_BIND_SERVICE']);
    assert.deepEqual(effectiveCaps([], [], true), ALL_CAPS);
    assert.deepEqual(effectiveCaps([], [], true, 0b11n), ['CAP_CHOWN', 'CAP_DAC_OVERRIDE']);
  });

  it('parses pod CIDRs and names the gateway', () => {
    const c = parseCidr('10.244.3.17/24');
    assert.equal(toDotted(c.base), '10.244.3.0');
    assert.equal(gatewayOf(c), '10.244.3.1');
    assert.throws(() => parseCidr('10.244.0.0/31'));
    assert.throws(() => parseCidr('fd00::/64'));
    assert.ok(vethName('0123456789abcdef0123').length <= 15);
  });

  it('writes /etc/hosts with the FQDN when a subdomain is set, and resolv.conf from the options', () => {
    const cfg = sandboxConfig('web-0', { hostname: 'web-0', subdomain: 'nginx', podNamespace: 'shop' });
    assert.match(hostsFile(cfg, '10.244.0.5'), /^10\.244\.0\.5\tweb-0\.nginx\.shop\.svc\.cluster\.local\tweb-0$/m);
    assert.match(hostsFile(sandboxConfig('x'), '10.244.0.6'), /^10\.244\.0\.6\tx$/m);
    assert.equal(resolvConf({ servers: ['10.96.0.10'], searches: ['a', 'b'], options: ['ndots:5'] }),
      'search a b\nnameserver 10.96.0.10\noptions ndots:5\n');
  });

  it('parses CRI logs: partial lines joined, order kept, timestamps in UTC with nine digits', () => {
    const log = [
      '2026-11-27T10:00:00.1+00:00 stdout P hel',
      '2026-11-27T10:00:00.2+00:00 stderr F oops',
      '2026-11-27T10:00:00.3+00:00 stdout F lo',
      '2026-11-27T11:00:01.123456789+01:00 stdout F ',
      '2026-11-27T10:00:02.000000000Z stdout P torn',
    ].join('\n');
    const recs = parseCriLog(log);
    assert.deepEqual(recs.map((r) => [r.stream, r.text]), [['stdout', 'hello\n'], ['stderr', 'oops\n'], ['stdout', '\n'], ['stdout', 'torn']]);
    assert.equal(recs[0]!.time, '2026-11-27T10:00:00.100000000Z');
    assert.equal(recs[2]!.time, '2026-11-27T10:00:01.123456789Z');
    assert.equal(utcTimestamp('2026-11-27T10:00:00Z'), '2026-11-27T10:00:00.000000000Z');
    assert.equal(formatLog(recs, { tailLines: 2, timestamps: true }), '2026-11-27T10:00:01.123456789Z \n2026-11-27T10:00:02.000000000Z torn');
    assert.equal(formatLog(recs, { sinceTime: new Date('2026-11-27T10:00:01Z') }), '\ntorn');
  });

  it('resolves users from the image: names, ids, groups, runAsUser/runAsGroup', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-user-'));
    try {
      const lower = join(dir, 'l1');
      const upper = join(dir, 'l2');
      await mkdir(join(lower, 'etc'), { recursive: true });
      await mkdir(join(upper, 'etc'), { recursive: true });
      await writeFile(join(lower, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\n');
      await writeFile(join(upper, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\nweb:x:33:33::/var/www:/bin/sh\n');
      await writeFile(join(upper, 'etc/group'), 'root:x:0:\nweb:x:33:\nlog:x:4:web\n');
      const layers = [lower, upper];
      assert.deepEqual(await resolveUser({ layerDirs: layers }), { uid: 0, gid: 0, additionalGids: [0], home: '/root' });
      assert.deepEqual(await resolveUser({ imageUser: 'web', layerDirs: layers }), { uid: 33, gid: 33, additionalGids: [33, 4], home: '/var/www' });
      assert.deepEqual(await resolveUser({ imageUser: '1234:5678', layerDirs: layers }), { uid: 1234, gid: 5678, additionalGids: [5678], home: '/' });
      assert.deepEqual((await resolveUser({ imageUser: 'web:log', layerDirs: layers })).gid, 4);
      assert.deepEqual(await resolveUser({ imageUser: 'web', layerDirs: layers, runAsUser: 0, runAsGroup: 7, supplementalGroups: [9] }),
        { uid: 0, gid: 7, additionalGids: [7, 9], home: '/root' });
      await assert.rejects(resolveUser({ imageUser: 'ghost', layerDirs: layers }), /unable to find user ghost/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names signals as process.kill wants them', () => {
    assert.equal(signalName(undefined), 'SIGTERM');
    assert.equal(signalName('SIGQUIT'), 'SIGQUIT');
    assert.equal(signalName('int'), 'SIGINT');
    assert.equal(signalName('9'), 'SIGKILL');
    assert.equal(signalName('SIGNOPE'), 'SIGTERM');
  });

  it('builds a container spec that joins the pause namespaces by path and adds a new mount namespace', () => {
    const spec = containerSpec({
      rootfs: '/r', readonlyRootfs: true, args: ['sh'], env: [], cwd: '/', user: { uid: 0, gid: 0, additionalGids: [] }, terminal: false,
      join: [{ type: 'network', path: '/proc/42/ns/net' }], etcFiles: [{ name: 'hosts', path: '/p/hosts' }],
      volumes: [{ containerPath: '/data', hostPath: '/v', readOnly: true }], caps: [], privileged: false,
      resources: { memoryLimitBytes: 1024 }, cgroupsPath: 'berth/x/y',
    }) as { root: { readonly: boolean }; mounts: Array<{ destination: string; options?: string[] }>; linux: { namespaces: unknown[]; resources: { memory: unknown } } };
    assert.equal(spec.root.readonly, true);
    assert.deepEqual(spec.linux.namespaces, [{ type: 'network', path: '/proc/42/ns/net' }, { type: 'mount' }]);
    assert.ok(spec.mounts.find((m) => m.destination === '/data')?.options?.includes('ro'));
    assert.ok(spec.mounts.some((m) => m.destination === '/etc/hosts'));
    assert.deepEqual(spec.linux.resources.memory, { limit: 1024, swap: 1024 });
  });
});
