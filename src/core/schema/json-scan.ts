// Scans of raw JSON text for what JSON.parse cannot tell: how many object keys there are
// (cheap: lets the decoder skip the duplicate search when no key repeats), where keys repeat,
// and where a malformed body goes wrong, worded like Go's encoding/json.

/** Number of object keys in valid JSON text. One indexOf per string; no allocation. */
export function countKeys(text: string): number {
  let n = 0;
  let i = 0;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) return n;
    const e = stringEnd(text, q);
    if (e < 0) return n;
    let j = e + 1;
    let c = text.charCodeAt(j);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++j);
    if (c === 58) n++;
    i = j;
  }
}

/** Index of the quote closing the string that opens at `q`, or -1. */
function stringEnd(text: string, q: number): number {
  let e = q + 1;
  for (;;) {
    e = text.indexOf('"', e);
    if (e < 0) return -1;
    let b = e - 1;
    while (text.charCodeAt(b) === 92) b--;
    if ((e - 1 - b) % 2 === 0) return e;
    e++;
  }
}

interface Frame { readonly obj: boolean; readonly path: string; index: number; keys?: Set<string>; order?: string[]; dup?: boolean }

export interface Duplicates {
  /** Each object that repeats a key: its path (`spec.containers[0]`, '' for the root) -> its keys in text order, repeats included. */
  readonly objects: Map<string, string[]>;
  /** Paths of the repeated keys (`spec.paused`), in text order. */
  readonly repeats: string[];
}

/** Where valid JSON text repeats object keys (JSON.parse keeps the last silently). */
export function findDuplicates(text: string): Duplicates {
  const out = new Map<string, string[]>();
  const repeats: string[] = [];
  const stack: Frame[] = [];
  let key = '';
  const childPath = (): string => {
    const top = stack[stack.length - 1];
    if (!top) return '';
    if (!top.obj) return `${top.path}[${top.index}]`;
    return top.path ? `${top.path}.${key}` : key;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123 || c === 91) { // { [
      stack.push({ obj: c === 123, path: childPath(), index: 0 });
    } else if (c === 125 || c === 93) { // } ]
      const f = stack.pop()!;
      if (f.dup) out.set(f.path, f.order!);
    } else if (c === 44) { // ,
      const top = stack[stack.length - 1];
      if (top && !top.obj) top.index++;
    } else if (c === 34) { // "
      const e = stringEnd(text, i);
      const top = stack[stack.length - 1];
      let j = e + 1;
      let n = text.charCodeAt(j);
      while (n === 32 || n === 10 || n === 13 || n === 9) n = text.charCodeAt(++j);
      if (n === 58 && top?.obj) {
        const raw = text.slice(i + 1, e);
        key = raw.includes('\\') ? (JSON.parse(text.slice(i, e + 1)) as string) : raw;
        top.keys ??= new Set();
        top.order ??= [];
        if (top.keys.has(key)) {
          top.dup = true;
          repeats.push(top.path ? `${top.path}.${key}` : key);
        }
        top.keys.add(key);
        top.order.push(key);
      }
      i = e;
    }
  }
  return { objects: out, repeats };
}

export interface JsonSyntaxError { readonly message: string; readonly offset: number; readonly line: number; readonly column: number }

const MAX_DEPTH = 10_000;

const quoteChar = (c: string): string => (c === "'" ? "'\\''" : c === '"' ? "'\"'" : `'${c}'`);

/** Where and why `text` is not valid JSON (Go's wording), or undefined when it is. */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  // Container stack: true = object. `want` says what the next token may be.
  const stack: boolean[] = [];
  type Want = 'value' | 'key' | 'keyOrEnd' | 'colon' | 'valueOrEnd' | 'afterValue' | 'end';
  let want: Want = 'value';
  let i = 0;
  const fail = (message: string, at = i): JsonSyntaxError => {
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    return { message, offset: at, line, column: at - before.lastIndexOf('\n') };
  };
  const ch = (k: number): string => quoteChar(String.fromCodePoint(text.codePointAt(k)!));
  const afterValue = (): Want => (stack.length ? 'afterValue' : 'end');
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (c === ' ' || c === '\n' || c === '\r' || c === '\t') continue;
    if (want === 'end') return fail(`invalid character ${ch(i)} after top-level value`);
    if (want === 'colon') {
      if (c !== ':') return fail(`invalid character ${ch(i)} after object key`);
      want = 'value';
      continue;
    }
    if (want === 'afterValue') {
      const obj = stack[stack.length - 1]!;
      if (c === ',') { want = obj ? 'key' : 'value'; continue; }
      if (c === (obj ? '}' : ']')) { stack.pop(); want = afterValue(); continue; }
      return fail(`invalid character ${ch(i)} after ${obj ? 'object key:value pair' : 'array element'}`);
    }
    if (want === 'key' || want === 'keyOrEnd') {
      if (c === '}' && want === 'keyOrEnd') { stack.pop(); want = afterValue(); continue; }
      if (c !== '"') return fail(`invalid character ${ch(i)} looking for beginning of object key string`);
      const end = scanString(text, i);
      if (typeof end !== 'number') return fail(end.message, end.at);
      i = end;
      want = 'colon';
      continue;
    }
    // want is value or valueOrEnd
    if (c === ']' && want === 'valueOrEnd') { stack.pop(); want = afterValue(); continue; }
    if (c === '{' || c === '[') {
      if (stack.length >= MAX_DEPTH) return fail('exceeded max depth');
      stack.push(c === '{');
      want = c === '{' ? 'keyOrEnd' : 'valueOrEnd';
      continue;
    }
    const end = c === '"' ? scanString(text, i) : c === '-' || (c >= '0' && c <= '9') ? scanNumber(text, i) : scanLiteral(text, i);
    if (typeof end !== 'number') return fail(end.message, end.at);
    i = end;
    want = afterValue();
  }
  return want === 'end' ? undefined : fail('unexpected end of JSON input', text.length);
}

type ScanResult = number | { message: string; at: number };

function scanString(text: string, q: number): ScanResult {
  for (let i = q + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) return i;
    if (c < 0x20) return { message: `invalid character ${quoteChar(text[i]!)} in string literal`, at: i };
    if (c === 92) {
      const n = text[++i];
      if (n === undefined) break;
      if (n === 'u') {
        for (let k = 1; k <= 4; k++) {
          const h = text[i + k];
          if (h === undefined) return { message: 'unexpected end of JSON input', at: text.length };
          if (!/[0-9a-fA-F]/.test(h)) return { message: `invalid character ${quoteChar(h)} in \\u hexadecimal character escape`, at: i + k };
        }
        i += 4;
      } else if (!'"\\/bfnrt'.includes(n)) {
        return { message: `invalid character ${quoteChar(n)} in string escape code`, at: i };
      }
    }
  }
  return { message: 'unexpected end of JSON input', at: text.length };
}

function scanNumber(text: string, s: number): ScanResult {
  const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(s, s + 400));
  const end = s + (m ? m[0].length : 0);
  const next = text[end];
  if (!m || m[0] === '-') {
    if (next === undefined) return { message: 'unexpected end of JSON input', at: end };
    return { message: `invalid character ${quoteChar(next)} in numeric literal`, at: end };
  }
  if (next === '.' || next === 'e' || next === 'E') {
    const after = text[end + 1];
    if (after === undefined) return { message: 'unexpected end of JSON input', at: end + 1 };
    const where = next === '.' ? 'after decimal point in numeric literal' : 'in exponent of numeric literal';
    return { message: `invalid character ${quoteChar(after)} ${where}`, at: end + 1 };
  }
  return end - 1;
}

function scanLiteral(text: string, s: number): ScanResult {
  const word = text[s] === 't' ? 'true' : text[s] === 'f' ? 'false' : text[s] === 'n' ? 'null' : undefined;
  if (!word) return { message: `invalid character ${quoteChar(String.fromCodePoint(text.codePointAt(s)!))} looking for beginning of value`, at: s };
  for (let k = 1; k < word.length; k++) {
    const c = text[s + k];
    if (c === undefined) return { message: 'unexpected end of JSON input', at: text.length };
    if (c !== word[k]) return { message: `invalid character ${quoteChar(c)} in literal ${word} (expecting ${quoteChar(word[k]!)})`, at: s + k };
  }
  return s + word.length - 1;
}
