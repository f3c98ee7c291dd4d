// Pure rules of the image module: reference normalisation, pull policy, dockerconfigjson
// credential matching, WWW-Authenticate parsing, registries.yaml endpoints, platform choice.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  credentialsFromDockerConfig, defaultPullPolicy, familiarName, isImageError, normalizeReference, parseRegistriesConfig,
  pullDecision, combineCredentials, DockerKeyring, keyringFromPullSecrets,
} from '../../src/images/index.js';
import { parseChallenge } from '../../src/images/auth.js';
import { endpointsFor } from '../../src/images/registries.js';
import { parseReference } from '../../src/images/reference.js';
import { parseManifest, selectPlatform } from '../../src/images/media.js';

describe('image references', () => {
  it('normalises as Docker does', () => {
    const cases: Array<[string, string]> = [
      ['nginx:1.9.1', 'docker.io/library/nginx:1.9.1'],
      ['nginx', 'docker.io/library/nginx:latest'],
      ['bitnami/redis:7', 'docker.io/bitnami/redis:7'],
      ['index.docker.io/library/busybox', 'docker.io/library/busybox:latest'],
      ['localhost/app', 'localhost/app:latest'],
      ['127.0.0.1:5000/demo:1', '127.0.0.1:5000/demo:1'],
      ['[::1]:5000/demo', '[::1]:5000/demo:latest'],
      ['quay.io/a/b/c:v1.2-rc_3', 'quay.io/a/b/c:v1.2-rc_3'],
      [`nginx@sha256:${'a'.repeat(64)}`, `docker.io/library/nginx@sha256:${'a'.repeat(64)}`],
      [`nginx:1@sha256:${'b'.repeat(64)}`, `docker.io/library/nginx:1@sha256:${'b'.repeat(64)}`],
    ];
    for (const [input, want] of cases) assert.equal(normalizeReference(input), want, input);
    assert.equal(familiarName('docker.io/library/nginx'), 'nginx');
    assert.equal(parseReference('Registry.Example.com/x').domain, 'Registry.Example.com');
  });

  it('refuses what is not a reference (InvalidImageName)', () => {
    for (const bad of ['', 'library/UPPER', 'nginx:', 'nginx@sha256:abc', 'a//b', 'has space', `x:${'t'.repeat(129)}`, '-lead']) {
      assert.throws(() => normalizeReference(bad), (e) => isImageError(e) && e.reason === 'InvalidImageName', bad);
    }
  });
});

describe('imagePullPolicy', () => {
  it('defaults to Always for latest or untagged, IfNotPresent otherwise', () => {
    assert.equal(defaultPullPolicy('nginx'), 'Always');
    assert.equal(defaultPullPolicy('nginx:latest'), 'Always');
    assert.equal(defaultPullPolicy('localhost:5000/nginx'), 'Always');
    assert.equal(defaultPullPolicy('localhost:5000/nginx:1'), 'IfNotPresent');
    assert.equal(defaultPullPolicy(`nginx@sha256:${'a'.repeat(64)}`), 'IfNotPresent');
  });

  it('decides from policy and presence', () => {
    assert.equal(pullDecision('Always', 'nginx:1', true), 'pull');
    assert.equal(pullDecision('IfNotPresent', 'nginx:1', true), 'use-local');
    assert.equal(pullDecision('IfNotPresent', 'nginx:1', false), 'pull');
    assert.equal(pullDecision('Never', 'nginx:1', false), 'never-pull-missing');
    assert.equal(pullDecision('Never', 'nginx:1', true), 'use-local');
    assert.equal(pullDecision(undefined, 'nginx', true), 'pull');
    assert.equal(pullDecision('', 'nginx:1', true), 'use-local');
  });
});

describe('dockerconfigjson credentials', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const lookup = credentialsFromDockerConfig({
    auths: {
      'https://index.docker.io/v1/': { auth: b64('hub:pw') },
      'registry.example.com:5000': { username: 'port', password: 'pw' },
      'registry.example.com': { auth: b64('plain:pw') },
      'registry.example.com/team': { auth: b64('team:p:w') },
      '*.corp.example': { auth: b64('wild:pw') },
      'empty.example': {},
    },
  });
  it('matches by host, port, path prefix and wildcard, most specific first', () => {
    assert.equal(lookup('docker.io', 'library/nginx')?.username, 'hub');
    assert.equal(lookup('registry-1.docker.io', 'library/nginx')?.username, 'hub');
    assert.equal(lookup('registry.example.com:5000', 'x')?.username, 'port');
    assert.equal(lookup('registry.example.com', 'x')?.username, 'plain');
    assert.deepEqual(lookup('registry.example.com', 'team/app'), { username: 'team', password: 'p:w', identityToken: undefined, registryToken: undefined });
    // Upstream's keyring compares paths as strings: `team` is a prefix of `teamx/app` too.
    assert.equal(lookup('registry.example.com', 'teamx/app')?.username, 'team', 'path prefix is a string prefix, as upstream');
    assert.equal(lookup('registry.example.com', 'other/app')?.username, 'plain');
    assert.equal(lookup('a.corp.example', 'x')?.username, 'wild');
    assert.equal(lookup('a.b.corp.example', 'x'), undefined, 'a wildcard is one label');
    assert.equal(lookup('empty.example', 'x'), undefined);
    assert.equal(lookup('other.example', 'x'), undefined);
  });
  it('returns every matching credential, most specific key first, and Docker Hub by default (upstream keyring)', () => {
    const ring = new DockerKeyring().add({
      'quay.io': { username: 'host', password: 'x' },
      'quay.io/coreos': { username: 'team', password: 'x' },
      'https://quay.io/v2/coreos/etcd': { username: 'repo', password: 'x' },
      'reg*.example.com:5000': { username: 'glob', password: 'x' },
      'https://index.docker.io/v1/': { auth: b64('hub:pw') },
    });
    assert.deepEqual(ring.lookup('quay.io/coreos/etcd').map((c) => c.username), ['repo', 'team', 'host']);
    assert.deepEqual(ring.lookup('quay.io/other/x').map((c) => c.username), ['host']);
    assert.deepEqual(ring.lookup('reg1.example.com:5000/a').map((c) => c.username), ['glob']);
    assert.deepEqual(ring.lookup('reg1.example.com/a'), [], 'the port must match');
    assert.deepEqual(ring.lookup('docker.io/library/nginx').map((c) => c.username), ['hub']);
    assert.deepEqual(ring.lookup('ghcr.io/x/y'), []);
  });
  it('reads dockerconfigjson and dockercfg secrets, ignoring other types', () => {
    const enc = (o: unknown) => b64(JSON.stringify(o));
    const ring = keyringFromPullSecrets([
      { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': enc({ auths: { 'a.example': { auth: b64('json:pw') } } }) } },
      { type: 'kubernetes.io/dockercfg', data: { '.dockercfg': enc({ 'b.example': { username: 'cfg', password: 'pw' } }) } },
      { type: 'Opaque', data: { '.dockerconfigjson': enc({ auths: { 'c.example': { username: 'no', password: 'pw' } } }) } },
    ]);
    assert.equal(ring.lookup('a.example/x')[0]?.username, 'json');
    assert.equal(ring.lookup('b.example/x')[0]?.password, 'pw');
    assert.deepEqual(ring.lookup('c.example/x'), []);
    assert.throws(() => keyringFromPullSecrets([{ type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64('{not json') } }]));
  });
  it('accepts the bare auths map and combines lookups in order', () => {
    const first = credentialsFromDockerConfig({ 'other.example': { username: 'first', password: 'x' } });
    const both = combineCredentials(first, lookup);
    assert.equal(both('other.example', 'x')?.username, 'first');
    assert.equal(both('docker.io', 'x')?.username, 'hub');
  });
});

describe('WWW-Authenticate', () => {
  it('parses bearer challenges with quoted params', () => {
    assert.deepEqual(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"'),
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' } });
    assert.deepEqual(parseChallenge('Basic realm="Registry Realm"'), { scheme: 'basic', params: { realm: 'Registry Realm' } });
    assert.deepEqual(parseChallenge('Bearer realm=http://x/token, error="insufficient_scope"'), { scheme: 'bearer', params: { realm: 'http://x/token', error: 'insufficient_scope' } });
    assert.equal(parseChallenge(undefined), undefined);
  });
});

describe('registries.yaml', () => {
  const cfg = parseRegistriesConfig(`
mirrors:
  docker.io:
    endpoint: ["http://127.0.0.1:5000", "mirror.example.com/prefix"]
    rewrite:
      "^library/(.*)": "hub/$1"
  "*":
    endpoint: ["https://catchall.example"]
configs:
  "mirror.example.com":
    auth: { username: m, password: p }
    tls: { insecure_skip_verify: true }
  "localhost:5000":
    auth: { auth: ${Buffer.from('u:p').toString('base64')} }
`);
  it('lists mirrors in order, rewritten, then the registry itself', async () => {
    const eps = await endpointsFor(cfg, parseReference('nginx:1.9.1'));
    assert.deepEqual(eps.map((e) => [e.base, e.path, e.mirror, e.httpFallback]), [
      ['http://127.0.0.1:5000/v2', 'hub/nginx', true, false],
      ['https://mirror.example.com/prefix/v2', 'hub/nginx', true, true],
      ['https://registry-1.docker.io/v2', 'library/nginx', false, false],
    ]);
    assert.equal(eps[1]!.credential?.username, 'm');
    assert.equal(eps[1]!.tls.insecureSkipVerify, true);
    const noDefault = await endpointsFor(cfg, parseReference('nginx'), { defaultEndpoint: false });
    assert.equal(noDefault.length, 2);
  });
  it('applies "*" to other registries and plain-HTTP fallback to loopback ones', async () => {
    const [catchall, own] = await endpointsFor(cfg, parseReference('quay.io/a/b'));
    assert.equal(catchall!.base, 'https://catchall.example/v2');
    assert.equal(own!.base, 'https://quay.io/v2');
    const local = await endpointsFor({ mirrors: {}, configs: cfg.configs }, parseReference('localhost:5000/app'));
    assert.deepEqual(local.map((e) => [e.base, e.httpFallback, e.credential?.username]), [['https://localhost:5000/v2', true, 'u']]);
  });
  it('rejects malformed files with a clear message', () => {
    assert.throws(() => parseRegistriesConfig('mirrors: { docker.io: { endpoint: "not-a-list" } }'), /endpoint must be a list/);
    assert.throws(() => parseRegistriesConfig('- a list'), /expected a mapping/);
  });
});

describe('platform selection', () => {
  const d = (c: string) => c.repeat(64);
  const index = parseManifest(Buffer.from(JSON.stringify({
    mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
    manifests: [
      { mediaType: 'x', digest: `sha256:${d('1')}`, size: 1, platform: { os: 'unknown', architecture: 'unknown' } },
      { mediaType: 'x', digest: `sha256:${d('2')}`, size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v6' } },
      { mediaType: 'x', digest: `sha256:${d('3')}`, size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
      { mediaType: 'x', digest: `sha256:${d('4')}`, size: 1, platform: { os: 'linux', architecture: 'arm64' } },
      { mediaType: 'x', digest: `sha256:${d('5')}`, size: 1, platform: { os: 'linux', architecture: 'amd64' } },
    ],
  })));
  it('matches os, architecture and variant', () => {
    assert.equal(index.kind, 'index');
    if (index.kind !== 'index') return;
    assert.equal(selectPlatform(index, { os: 'linux', architecture: 'amd64' }).digest, `sha256:${d('5')}`);
    assert.equal(selectPlatform(index, { os: 'linux', architecture: 'arm', variant: 'v7' }).digest, `sha256:${d('3')}`);
    assert.equal(selectPlatform(index, { os: 'linux', architecture: 'arm64', variant: 'v8' }).digest, `sha256:${d('4')}`);
    assert.throws(() => selectPlatform(index, { os: 'linux', architecture: 'riscv64' }), /no matching manifest for linux\/riscv64/);
  });
  it('refuses schema 1 and junk', () => {
    assert.throws(() => parseManifest(Buffer.from('{"schemaVersion":1}')), (e) => isImageError(e) && e.kind === 'Unsupported');
    assert.throws(() => parseManifest(Buffer.from('{"schemaVersion":2,"layers":[],"config":{"digest":"sha256:short","size":1}}')), (e) => isImageError(e) && e.kind === 'InvalidImage');
  });
});
