// A seeded random source for the fuzz test, and generators of hostile primitive values.
// Deterministic: the same seed yields the same sequence, so a failing request can be rebuilt
// from (seed, worker, index). mulberry32 is small, fast and good enough for test inputs.

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight: entries are [weight, value]. */
  weighted<T>(entries: readonly (readonly [number, T])[]): T {
    const total = entries.reduce((s, [w]) => s + w, 0);
    let r = this.next() * total;
    for (const [w, v] of entries) {
      if ((r -= w) < 0) return v;
    }
    return entries[entries.length - 1][1];
  }

  /** A derived generator, so one stream's choices do not shift another's. */
  fork(salt: number): Rng {
    return new Rng(Math.imul(this.int(0, 0x7fffffff) ^ salt, 0x9e3779b1));
  }
}

const WEIRD_STRINGS = [
  '', ' ', 'a', 'web-0', 'Web_0', '-', '.', '..', '/', 'a/b', '%2F', '~', '~0~1', '$patch', 'null', 'true', '0', '-1',
  '1e400', 'NaN', '0x10', '\u0000', '\t\n', '\u200b', 'é', 'ñame', '名前', '😀', '\ud800', '\udfff', 'a'.repeat(64), 'b'.repeat(254),
  'c'.repeat(300), '${x}', '{{.Values}}', '<script>', "'; drop table kv; --", '../../etc/passwd', 'app=web', 'x,y', '!x', 'in (a)',
  '2024-01-01T00:00:00Z', '1Gi', '-1Gi', '1.5', '1e3', '999999999999999999999', 'Always', 'None', 'ReadWriteOnce',
];

/** A string that is often hostile: boundaries, syntax of other languages, lone surrogates. */
export function weirdString(rng: Rng): string {
  const r = rng.next();
  if (r < 0.5) return rng.pick(WEIRD_STRINGS);
  if (r < 0.7) return randomUnicode(rng, rng.int(1, 40));
  if (r < 0.9) return randomAscii(rng, rng.int(1, 30));
  return rng.pick(WEIRD_STRINGS) + randomAscii(rng, rng.int(1, 5));
}

export function randomAscii(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(rng.int(0x20, 0x7e));
  return s;
}

/** Code points from every plane, control characters and lone surrogates included. */
export function randomUnicode(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    const kind = rng.int(0, 5);
    if (kind === 0) s += String.fromCharCode(rng.int(0, 0x1f));
    else if (kind === 1) s += String.fromCharCode(rng.int(0xd800, 0xdfff));
    else if (kind === 2) s += String.fromCodePoint(rng.int(0x10000, 0x10ffff));
    else if (kind === 3) s += String.fromCharCode(rng.int(0x80, 0xffff));
    else s += String.fromCharCode(rng.int(0x20, 0x7e));
  }
  return s;
}

/** A number that breaks assumptions: bounds of int32/int64, fractions, negative zero, huge. */
export function weirdNumber(rng: Rng): number {
  return rng.pick([0, -0, 1, -1, 2, 0.5, -0.5, 1e-9, 2147483647, 2147483648, -2147483649, 4294967296, 9007199254740991,
    9007199254740993, 1e21, -1e21, 1.7976931348623157e308, 65535, 65536, 86400, 3.14]);
}

/** Any JSON value, up to `depth` levels of containers. */
export function randomJson(rng: Rng, depth: number): unknown {
  const r = rng.int(0, depth > 0 ? 7 : 4);
  switch (r) {
    case 0: return null;
    case 1: return rng.chance(0.5);
    case 2: return weirdNumber(rng);
    case 3: case 4: return weirdString(rng);
    case 5: case 6: {
      const o: Record<string, unknown> = {};
      for (let i = rng.int(0, 4); i > 0; i--) o[weirdString(rng)] = randomJson(rng, depth - 1);
      return o;
    }
    default: return Array.from({ length: rng.int(0, 4) }, () => randomJson(rng, depth - 1));
  }
}
