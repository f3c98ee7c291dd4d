import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, parseTimestamp, timestampSince } from './age.js';

const s = 1000, m = 60 * s, h = 60 * m, d = 24 * h, y = 365 * d;

test('humanDuration matches upstream HumanDuration', () => {
  const cases: Array<[number, string]> = [
    [-3 * s, '<invalid>'],
    [-2 * s, '<invalid>'],
    [-1999, '0s'],          // truncation: -1.999s counts as -1s, tolerated skew
    [-1 * s, '0s'],
    [0, '0s'],
    [999, '0s'],
    [45 * s, '45s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [5 * m + 10 * s, '5m10s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m + 30 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [3 * h + 25 * m, '3h25m'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h + 30 * m, '8h'],
    [47 * h, '47h'],
    [2 * d, '2d'],
    [2 * d + 5 * h, '2d5h'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d + 5 * h, '8d'],
    [729 * d, '729d'],
    [2 * y, '2y'],
    [2 * y + 40 * d, '2y40d'],
    [8 * y, '8y'],
    [9 * y + 100 * d, '9y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `humanDuration(${ms})`);
});

test('timestampSince: unset and zero times print <unknown>', () => {
  const now = new Date('2026-01-01T00:10:00Z');
  assert.equal(timestampSince(undefined, now), '<unknown>');
  assert.equal(timestampSince('', now), '<unknown>');
  assert.equal(timestampSince('0001-01-01T00:00:00Z', now), '<unknown>');
  assert.equal(timestampSince('not a time', now), '<unknown>');
  assert.equal(timestampSince('2026-01-01T00:04:50Z', now), '5m10s');
  assert.equal(timestampSince('2026-01-01T00:10:05Z', now), '<invalid>');
  // MicroTime (event.eventTime) carries microseconds.
  assert.equal(timestampSince('2026-01-01T00:09:15.123456Z', now), '44s');
  assert.equal(parseTimestamp(new Date(5)), 5);
});
