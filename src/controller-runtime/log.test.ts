// The two log formats Kubernetes components write: klog text and component-base JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, parseLogFormat, parseVerbosity } from './log.js';

const at = new Date(2026, 10, 27, 13, 2, 53, 123);

function capture(opts: Parameters<typeof createLogger>[0] = {}) {
  const lines: string[] = [];
  return { lines, log: createLogger({ ...opts, now: () => at, write: (l) => lines.push(l) }) };
}

test('text: klog header, quoted message, key=value with strings quoted', () => {
  const { lines, log } = capture();
  log.info('pod started', { pod: 'default/web-0', restarts: 2, ready: true });
  log.error('sync failed', { error: new Error('no "space"') });
  assert.equal(lines[0], `I1127 13:02:53.123000 ${String(process.pid).padStart(7)} berth] "pod started" pod="default/web-0" restarts=2 ready=true`);
  assert.match(lines[1], /^E1127 13:02:53\.123000 +\d+ berth\] "sync failed" error="no \\"space\\""$/);
});

test('json: ts in seconds, v on info and debug, err on errors, fields flattened', () => {
  const { lines, log } = capture({ format: 'json', verbosity: 4 });
  log.info('bound', { claim: 'default/www-web-0' });
  log.debug?.('detail', { n: 1 });
  log.error('failed', { error: new Error('boom'), key: 'a/b' });
  const [info, debug, error] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(info, { ts: at.getTime() / 1000, v: 0, msg: 'bound', claim: 'default/www-web-0' });
  assert.deepEqual(debug, { ts: at.getTime() / 1000, v: 4, msg: 'detail', n: 1 });
  assert.deepEqual(error, { ts: at.getTime() / 1000, msg: 'failed', err: 'boom', key: 'a/b' });
});

test('debug lines only from verbosity 4; values that cannot be encoded do not throw', () => {
  const quiet = capture();
  assert.equal(quiet.log.debug, undefined);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  quiet.log.info('odd', { cyclic, big: 10n });
  assert.match(quiet.lines[0], /cyclic="<unprintable>" big="10"/);
  const json = capture({ format: 'json' });
  json.log.info('odd', { cyclic });
  assert.equal((JSON.parse(json.lines[0]) as { err: string }).err, 'log fields could not be encoded');
});

test('flag parsing names the flag and the accepted values', () => {
  assert.equal(parseLogFormat('json'), 'json');
  assert.throws(() => parseLogFormat('yaml'), /--logging-format must be text or json, got "yaml"/);
  assert.equal(parseVerbosity('4'), 4);
  assert.throws(() => parseVerbosity('-1'), /--v must be a whole number from 0 to 10/);
  assert.throws(() => parseVerbosity('x'), /--v must be/);
});
