// The sim runtime's command-line convention: which containers exit, when, and with what code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simBehaviour } from './command.js';
import { normalizeImage } from './image.js';

test('servers and empty commands run until stopped', () => {
  assert.deepEqual(simBehaviour([], []), {});
  assert.deepEqual(simBehaviour(['nginx', '-g', 'daemon off;'], []), {});
  assert.deepEqual(simBehaviour(['sh'], []), {}, 'an interactive shell waits for input');
  assert.deepEqual(simBehaviour(['sleep', 'infinity'], []), {});
  assert.deepEqual(simBehaviour(['sh', '-c', 'echo hi; nginx'], []), {});
});

test('shell scripts made of terminating commands exit with the last code', () => {
  assert.deepEqual(simBehaviour(['sh', '-c', 'exit 0'], []), { exit: { afterMs: 0, code: 0 } });
  assert.deepEqual(simBehaviour(['/bin/sh', '-c'], ['exit 3']), { exit: { afterMs: 0, code: 3 } });
  assert.deepEqual(simBehaviour(['bash', '-c', 'sleep 2; exit 1'], []), { exit: { afterMs: 2000, code: 1 } });
  assert.deepEqual(simBehaviour(['sh', '-c', 'echo hello && false'], []), { exit: { afterMs: 0, code: 1 } });
  assert.deepEqual(simBehaviour(['sh', '-c', 'false; true'], []), { exit: { afterMs: 0, code: 0 } });
  assert.deepEqual(simBehaviour(['sh', '-c', 'exit 1; sleep 100'], []), { exit: { afterMs: 0, code: 1 } }, 'exit ends the script');
  assert.deepEqual(simBehaviour(['sh', '-c', 'exit 257'], []), { exit: { afterMs: 0, code: 1 } }, 'codes wrap at 256');
});

test('plain commands without a shell', () => {
  assert.deepEqual(simBehaviour(['/bin/false'], []), { exit: { afterMs: 0, code: 1 } });
  assert.deepEqual(simBehaviour(['true'], []), { exit: { afterMs: 0, code: 0 } });
  assert.deepEqual(simBehaviour(['sleep', '0.5'], []), { exit: { afterMs: 500, code: 0 } });
  assert.deepEqual(simBehaviour(['echo'], ['hello', 'world']), { exit: { afterMs: 0, code: 0 } });
});

test('image names are normalised as a container runtime reports them', () => {
  assert.equal(normalizeImage('nginx:1.9.1'), 'docker.io/library/nginx:1.9.1');
  assert.equal(normalizeImage('nginx'), 'docker.io/library/nginx:latest');
  assert.equal(normalizeImage('bitnami/redis'), 'docker.io/bitnami/redis:latest');
  assert.equal(normalizeImage('registry.k8s.io/pause:3.10'), 'registry.k8s.io/pause:3.10');
  assert.equal(normalizeImage('localhost:5000/app'), 'localhost:5000/app:latest');
  assert.equal(normalizeImage('busybox@sha256:abc'), 'docker.io/library/busybox@sha256:abc');
});
