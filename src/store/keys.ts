// Key helpers shared by backends. Keys are ordered by their UTF-8 bytes (etcd's order). For
// well-formed strings that is code-point order, so we can reason in code points and never
// build byte strings that are not valid UTF-8.

/**
 * The smallest key greater than every key that starts with `prefix`, or undefined when there
 * is none (empty prefix, or a prefix of only U+10FFFF). Range scans use
 * `key >= prefix AND key < prefixEnd(prefix)`: exact prefix matching, no LIKE wildcards.
 */
export function prefixEnd(prefix: string): string | undefined {
  const cps = Array.from(prefix);
  while (cps.length > 0) {
    const last = cps.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      // Surrogate code points never occur in well-formed keys, so D7FF is followed by E000.
      const next = last === 0xd7ff ? 0xe000 : last + 1;
      return cps.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

/** Byte-order comparison (JS `<` compares UTF-16 units, which differs above U+E000). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const LONE_SURROGATE = /\p{Cs}/u;

/** Rejects keys whose bytes would not round-trip (empty, not a string, lone surrogates). */
export function assertKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new TypeError('store key must be a non-empty string');
  if (LONE_SURROGATE.test(key)) throw new TypeError(`store key is not well-formed UTF-16: ${JSON.stringify(key)}`);
}
