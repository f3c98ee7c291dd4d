// Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource), exact: a value is an
// arbitrary-precision decimal (bigint mantissa, power-of-ten scale), never a float, and it
// prints in upstream's canonical form ("1.5Gi" -> "1536Mi", "0.5" -> "500m").

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_NUMERIC_ERROR = 'unable to parse numeric part of quantity';
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

export class QuantityParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityParseError';
  }
}

const NANO = -9;
const MAX_INT64 = (1n << 63n) - 1n;
// Exponents beyond this would make bigint arithmetic explode; upstream accepts them (inf.Dec).
const MAX_DECIMAL_EXPONENT = 10_000;

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_EXPONENT = new Map(Object.entries(BINARY_SUFFIXES).map(([s, e]) => [e, s]));

// Powers of ten by table: bigint exponentiation is slow, and comparisons and values need them often.
const POW10: readonly bigint[] = Array.from({ length: 64 }, (_, i) => 10n ** BigInt(i));
const pow10 = (n: number): bigint => (n >= 0 && n < 64 ? POW10[n] : 10n ** BigInt(n));
const abs = (v: bigint): bigint => (v < 0n ? -v : v);

/** Divide rounding the magnitude up (away from zero), as upstream's RoundUp does. */
function divAwayFromZero(v: bigint, d: bigint): bigint {
  const q = v / d;
  return v % d === 0n ? q : q + (v < 0n ? -1n : 1n);
}

export class Quantity {
  /** The canonical text, computed once: instances never change (parsed ones are shared and frozen). */
  #text: string | undefined;

  /** The value is `unscaled * 10^scale`. */
  private constructor(
    readonly unscaled: bigint,
    readonly scale: number,
    readonly format: QuantityFormat,
    // Upstream keeps the original text when it is already canonical and prints it back verbatim.
    private readonly original?: string,
  ) {}

  static of(unscaled: bigint, scale = 0, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(unscaled, scale, format);
  }

  /** Internal: used by the parser to attach the cached text. */
  static fromParts(unscaled: bigint, scale: number, format: QuantityFormat, original?: string): Quantity {
    return new Quantity(unscaled, scale, format, original);
  }

  sign(): -1 | 0 | 1 {
    return this.unscaled === 0n ? 0 : this.unscaled < 0n ? -1 : 1;
  }

  isZero(): boolean {
    return this.unscaled === 0n;
  }

  /** Both values brought to the smaller scale, so they compare as plain integers. */
  private aligned(other: Quantity): [bigint, bigint, number] {
    if (this.scale === other.scale) return [this.unscaled, other.unscaled, this.scale];
    const s = Math.min(this.scale, other.scale);
    return [this.unscaled * pow10(this.scale - s), other.unscaled * pow10(other.scale - s), s];
  }

  cmp(other: Quantity): -1 | 0 | 1 {
    const [a, b] = this.aligned(other);
    return a === b ? 0 : a < b ? -1 : 1;
  }

  equals(other: Quantity): boolean {
    return this.cmp(other) === 0;
  }

  /** Sum in this quantity's format (upstream Quantity.Add keeps the receiver's format). */
  add(other: Quantity): Quantity {
    const [a, b, s] = this.aligned(other);
    return new Quantity(a + b, s, this.format);
  }

  sub(other: Quantity): Quantity {
    const [a, b, s] = this.aligned(other);
    return new Quantity(a - b, s, this.format);
  }

  neg(): Quantity {
    return new Quantity(-this.unscaled, this.scale, this.format);
  }

  /** The value at `scale` (e.g. 0 for units, -3 for milli), rounded away from zero. */
  scaledValue(scale: number): bigint {
    if (this.scale === scale) return this.unscaled;
    if (this.scale > scale) return this.unscaled * pow10(this.scale - scale);
    return divAwayFromZero(this.unscaled, pow10(scale - this.scale));
  }

  /** Integer value, rounded up away from zero (upstream Value()). */
  value(): bigint {
    return this.scaledValue(0);
  }

  /** Value in thousandths, rounded up away from zero (upstream MilliValue()). */
  milliValue(): bigint {
    return this.scaledValue(-3);
  }

  /** Approximate float, for display and ratios only. */
  toNumber(): number {
    return Number(this.unscaled) * 10 ** this.scale;
  }

  /** Whether the value is a whole number. */
  isInteger(): boolean {
    return this.scale >= 0 || this.unscaled % pow10(-this.scale) === 0n;
  }

  /**
   * Round up (away from zero) to at most `scale` precision. Returns this instance when nothing
   * changes, so the original spelling survives (upstream keeps its cached string then).
   */
  roundUp(scale: number): Quantity {
    if (this.scale >= scale) return this;
    return new Quantity(this.scaledValue(scale), scale, this.format);
  }

  /** Canonical text: the original when it was canonical, else upstream's CanonicalizeBytes. */
  toString(): string {
    return this.original ?? (this.#text ??= this.canonical());
  }

  toJSON(): string {
    return this.toString();
  }

  private canonical(): string {
    if (this.isZero()) return '0';
    let format = this.format;
    if (format === 'BinarySI') {
      // Small or fractional binary values print in decimal so no precision is lost.
      const small = this.cmp(Quantity.of(-1024n)) > 0 && this.cmp(Quantity.of(1024n)) < 0;
      if (small || !this.isInteger()) format = 'DecimalSI';
    }
    if (format === 'BinarySI') {
      let v = this.value();
      let times = 0;
      while (abs(v) >= 1024n && v % 1024n === 0n) {
        v /= 1024n;
        times++;
      }
      return `${v}${BINARY_BY_EXPONENT.get(times * 10) ?? ''}`;
    }
    let m = this.unscaled;
    let e = this.scale;
    while (abs(m) >= 10n && m % 10n === 0n) {
      m /= 10n;
      e++;
    }
    while (e % 3 !== 0) {
      m *= 10n;
      e--;
    }
    if (format === 'DecimalExponent') return e === 0 ? `${m}` : `${m}e${e}`;
    if (e > 18) {
      // No SI suffix above exa: keep "E" and widen the mantissa.
      m *= pow10(e - 18);
      e = 18;
    }
    return `${m}${DECIMAL_BY_EXPONENT.get(e) ?? ''}`;
  }
}

interface ParsedText { positive: boolean; value: string; num: string; denom: string; suffix: string }

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Split text into sign, number and suffix the way upstream's parseQuantityString does. */
function splitQuantity(str: string): ParsedText {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') { positive = false; pos++; } else if (str[0] === '+') pos++;
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  if (i >= end) return { positive, value: str, num: str.slice(pos), denom: '', suffix: '' };
  const num = str.slice(pos, i) || '0';
  pos = i;
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: '' };
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  i = pos;
  while (i < end && 'eEinumkKMGTP'.includes(str[i])) i++;
  if (i < end && (str[i] === '-' || str[i] === '+')) i++;
  while (i < end && isDigit(str[i])) i++;
  if (i < end) throw new QuantityParseError(QUANTITY_FORMAT_ERROR);
  return { positive, value, num, denom, suffix: str.slice(suffixStart) };
}

function interpretSuffix(s: string): { base: 2 | 10; exponent: number; format: QuantityFormat } | undefined {
  if (s in DECIMAL_SUFFIXES) return { base: 10, exponent: DECIMAL_SUFFIXES[s], format: 'DecimalSI' };
  if (s in BINARY_SUFFIXES) return { base: 2, exponent: BINARY_SUFFIXES[s], format: 'BinarySI' };
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E') && /^[+-]?\d+$/.test(s.slice(1))) {
    const exponent = Number(s.slice(1));
    if (Math.abs(exponent) > MAX_DECIMAL_EXPONENT) return undefined;
    return { base: 10, exponent, format: 'DecimalExponent' };
  }
  return undefined;
}

// Writes carry the same few quantity texts over and over ("1Gi", "100m"): each is parsed once.
// A hit hands out the same (frozen) Quantity, which is safe because a Quantity never changes.
// A text that does not parse keeps its message, so a repeat throws the same error.
const parsed = new Map<string, Quantity | string>();
const PARSED_MAX = 4096;

/** Parse a quantity; throws QuantityParseError with upstream's message. */
export function parseQuantity(input: string | number): Quantity {
  const r = parseCached(input);
  if (typeof r === 'string') throw new QuantityParseError(r);
  return r;
}

/** The parsed quantity, or the parse error's message. */
function parseCached(input: string | number): Quantity | string {
  // Anything else fails in trim() as it always did (a TypeError, not a parse error).
  const text = typeof input === 'number' ? String(input) : typeof input === 'string' ? input : (input as string).trim();
  let r = parsed.get(text);
  if (r !== undefined) return r;
  try {
    r = Object.freeze(parseText(text.trim())) as Quantity;
  } catch (e) {
    if (!(e instanceof QuantityParseError)) throw e;
    r = e.message;
  }
  if (parsed.size >= PARSED_MAX) parsed.clear();
  parsed.set(text, r);
  return r;
}

function parseText(str: string): Quantity {
  if (str.length === 0) throw new QuantityParseError(QUANTITY_FORMAT_ERROR);
  if (str === '0') return Quantity.fromParts(0n, 0, 'DecimalSI', '0');
  const { positive, value, num, denom, suffix } = splitQuantity(str);
  const interp = interpretSuffix(suffix);
  if (!interp) throw new QuantityParseError(QUANTITY_SUFFIX_ERROR);
  const { base, exponent, format } = interp;

  // Fast path (upstream's int64 representation): also decides whether the text is kept verbatim.
  let precision: number;
  let scale = 0;
  let mantissa = 1n;
  if (format === 'BinarySI') {
    if (exponent >= 0 && denom.length === 0) {
      mantissa = 1n << BigInt(exponent);
      precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
    } else precision = -1;
  } else {
    scale = exponent;
    precision = 18 - (num.length + denom.length);
  }
  if (precision >= 0) {
    scale -= denom.length;
    if (scale >= NANO) {
      const shifted = num + denom;
      const v = BigInt(shifted);
      const result = v * mantissa;
      if (result <= MAX_INT64) {
        let cached: string | undefined;
        if (format === 'BinarySI') {
          if (exponent % 10 === 0 && (v & 7n) !== 0n) cached = str;
        } else if (scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0') cached = str;
        return Quantity.fromParts(positive ? result : -result, scale, format, cached);
      }
    }
  }

  // Slow path: arbitrary precision, rounded up to nano, binary values capped at 2^63-1.
  const digits = value.replace(/^[+-]/, '');
  const dot = digits.indexOf('.');
  const intPart = dot < 0 ? digits : digits.slice(0, dot);
  const fracPart = dot < 0 ? '' : digits.slice(dot + 1);
  if (!/^\d*$/.test(intPart + fracPart)) throw new QuantityParseError(QUANTITY_NUMERIC_ERROR);
  let unscaled = BigInt((intPart + fracPart) || '0');
  let sc = -fracPart.length;
  if (base === 10) sc += exponent;
  else unscaled *= 1n << BigInt(exponent);
  let fmt = format;
  if (unscaled !== 0n && sc < NANO) {
    unscaled = divAwayFromZero(unscaled, pow10(NANO - sc));
    sc = NANO;
  }
  if (fmt === 'BinarySI') {
    const asQ = Quantity.of(unscaled, sc);
    if (asQ.cmp(Quantity.of(MAX_INT64)) > 0) { unscaled = MAX_INT64; sc = 0; }
    if (asQ.cmp(Quantity.of(1n)) < 0 && asQ.sign() > 0) fmt = 'DecimalSI';
  }
  return Quantity.fromParts(positive ? unscaled : -unscaled, sc, fmt);
}

export function tryParseQuantity(input: unknown): Quantity | undefined {
  if (typeof input !== 'string' && typeof input !== 'number') return undefined;
  const r = parseCached(input);
  return typeof r === 'string' ? undefined : r;
}

/** The canonical spelling of a quantity text, or the text itself when it does not parse. */
export function canonicalQuantity(input: string | number): string {
  return tryParseQuantity(input)?.toString() ?? String(input);
}
