// The built binary as a user runs it: `berth up` prints the kubeconfig line, kubectl works,
// Ctrl-C stops it, and a second `berth up` on the same data directory has every object back.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { kubectl, runProcess } from '../../src/testing/index.js';
import { ok } from './helpers.js';

const BERTH = join(import.meta.dirname, '..', '..', 'bin', 'berth');

function up(dataDir: string): Promise<{ child: ChildProcess; output: () => string; kubeconfig: string }> {
  const child = spawn(BERTH, ['up', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--runtime', 'sim'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`berth up did not become ready:\n${out}`)); }, 30_000);
    child.stdout!.on('data', () => {
      const m = /^export KUBECONFIG=(.+)$/m.exec(out);
      if (m) { clearTimeout(timer); resolve({ child, output: () => out, kubeconfig: m[1] }); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`berth up exited with ${code}:\n${out}`)); });
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

describe('berth up', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-up-'));
  const dataDir = join(dir, 'data');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('starts, serves kubectl, stops on Ctrl-C and keeps every object across restarts', async () => {
    const first = await up(dataDir);
    assert.match(first.output(), /Berth is up in \d+ ms\./);
    assert.equal(first.kubeconfig, join(dataDir, 'kubeconfig'));
    const k = kubectl('33', { kubeconfig: first.kubeconfig, home: dir });
    assert.match(ok(await k(['get', 'ns'])), /^default\s+Active/m);
    ok(await k(['create', 'configmap', 'survivor', '--from-literal=hello=world']));
    const status = await runProcess(BERTH, ['status', '--data-dir', dataDir]);
    assert.equal(status.code, 0, status.stdout + status.stderr);
    assert.match(status.stdout, /livez: ok\s+readyz: ok/);
    assert.equal(await stop(first.child), 0, first.output());
    assert.equal((await runProcess(BERTH, ['status', '--data-dir', dataDir])).code, 1, 'status says it is not running');

    const second = await up(dataDir);
    const k2 = kubectl('33', { kubeconfig: second.kubeconfig, home: dir });
    assert.equal(ok(await k2(['get', 'configmap', 'survivor', '-o', 'jsonpath={.data.hello}'])), 'world');
    assert.equal(await stop(second.child), 0);

    const reset = await runProcess(BERTH, ['reset', '--data-dir', dataDir, '--yes']);
    assert.equal(reset.code, 0, reset.stderr);
    assert.equal(existsSync(dataDir), false);
  });

  it('says clearly when the address is taken', async () => {
    const first = await up(join(dir, 'a'));
    const port = /API:\s+https:\/\/127\.0\.0\.1:(\d+)/.exec(first.output())![1];
    const clash = await runProcess(BERTH, ['up', '--data-dir', join(dir, 'b'), '--listen', `127.0.0.1:${port}`, '--runtime', 'sim']);
    assert.equal(clash.code, 1);
    assert.match(clash.stderr, new RegExp(`127\\.0\\.0\\.1:${port} is already in use`));
    assert.equal(await stop(first.child), 0);
  });
});
