// Lexer and recursive-descent parser for the label selector string syntax, shaped like upstream's
// so that the same inputs fail at the same token with the same message.
import { goQuote, isQualifiedName } from './labels-validation.js';

type Tok = 'error' | 'eos' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';
type Item = readonly [Tok, string];
type Op = 'in' | 'notin' | '=' | '==' | '!=' | 'gt' | 'lt' | 'exists' | '!';

const LITERALS: Readonly<Record<string, Tok>> = {
  ')': ')', ',': ',', '!': '!', '==': '==', '=': '=', '>': '>', in: 'in', '<': '<', '!=': '!=', notin: 'notin', '(': '(',
};
const isWhitespace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecial = (c: string): boolean => '=!(),><'.includes(c) && c !== '';
const NUL = '\0';

/** Splits the input into tokens; a NUL ends the input, as in Go's byte lexer. */
function lex(s: string): Item[] {
  let pos = 0;
  const read = (): string => (pos < s.length ? s[pos++]! : NUL);
  const items: Item[] = [];
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    let item: Item;
    if (ch === NUL) {
      item = ['eos', ''];
    } else if (isSpecial(ch)) {
      // Longest run of special characters that still forms a known operator.
      let buf = ch;
      let last: Item | undefined = LITERALS[buf] ? [LITERALS[buf]!, buf] : undefined;
      for (;;) {
        const c = read();
        if (c === NUL) break;
        if (!isSpecial(c)) { pos--; break; }
        buf += c;
        if (LITERALS[buf]) last = [LITERALS[buf]!, buf];
        else if (last) { pos--; break; }
      }
      item = last ?? ['error', `error expected: keyword found '${buf}'`];
    } else {
      let buf = ch;
      for (;;) {
        const c = read();
        if (c === NUL) break;
        if (isSpecial(c) || isWhitespace(c)) { pos--; break; }
        buf += c;
      }
      item = [LITERALS[buf] ?? 'id', buf];
    }
    items.push(item);
    if (item[0] === 'eos') return items;
  }
}

/** Builds one requirement (validating it) or throws an Error with upstream's message. */
export type RequirementBuilder<R> = (key: string, op: Op, values: string[]) => R;

class SyntaxError_ extends Error {}
const fail = (msg: string): never => { throw new SyntaxError_(msg); };

/**
 * Parses `s` into requirements in input order. Throws Error with upstream's message
 * (`unable to parse requirement: ...`, `found 'x', expected: ...`).
 */
export function parseRequirements<R>(s: string, build: RequirementBuilder<R>): R[] {
  const items = lex(s);
  let p = 0;
  // In value position `in`/`notin` are plain identifiers (`a in (in)` is legal).
  const asValue = ([t, l]: Item): Item => (t === 'in' || t === 'notin' ? ['id', l] : [t, l]);
  const peek = (): Item => asValue(items[p]!);
  const next = (values = true): Item => (values ? asValue(items[p++]!) : items[p++]!);

  const keyAndInferredOp = (): [string, Op | undefined] => {
    let [tok, lit] = next();
    let op: Op | undefined;
    if (tok === '!') { op = '!'; [tok, lit] = next(); }
    if (tok !== 'id') fail(`found '${lit}', expected: identifier`);
    const keyErrs = isQualifiedName(lit);
    // The parser validates the key with a nil field path, hence upstream's `<nil>:` prefix.
    if (keyErrs.length) fail(`<nil>: Invalid value: ${goQuote(lit)}: ${keyErrs.join('; ')}`);
    const [t] = peek();
    if ((t === 'eos' || t === ',') && op !== '!') op = 'exists';
    return [lit, op];
  };
  const operator = (): Op => {
    const [tok, lit] = next(false);
    const ops: Partial<Record<Tok, Op>> = { in: 'in', '=': '=', '==': '==', '>': 'gt', '<': 'lt', notin: 'notin', '!=': '!=' };
    return ops[tok] ?? fail(`found '${lit}', expected: in, notin, =, ==, !=, gt, lt`);
  };
  const identifiersList = (): Set<string> => {
    const set = new Set<string>();
    for (;;) {
      const [tok, lit] = next();
      if (tok === 'id') {
        set.add(lit);
        const [t2, l2] = peek();
        if (t2 === ',') continue;
        if (t2 === ')') return set;
        fail(`found '${l2}', expected: ',' or ')'`);
      } else if (tok === ',') {
        if (set.size === 0) set.add(''); // `(,` holds an empty value
        const [t2] = peek();
        if (t2 === ')') { set.add(''); return set; }
        if (t2 === ',') set.add('');
      } else {
        fail(`found '${lit}', expected: ',', or identifier`);
      }
    }
  };
  const setValues = (): Set<string> => {
    const [tok, lit] = next();
    if (tok !== '(') fail(`found '${lit}' expected: '('`);
    const [t, l] = peek();
    if (t === 'id' || t === ',') {
      const set = identifiersList();
      if (next()[0] !== ')') fail(`found '${l}', expected: ')'`);
      return set;
    }
    if (t === ')') { next(); return new Set(['']); }
    return fail(`found '${l}', expected: ',', ')' or identifier`);
  };
  const exactValue = (): Set<string> => {
    const [t] = peek();
    if (t === 'eos' || t === ',') return new Set(['']);
    const [tok, lit] = next();
    if (tok === 'id') return new Set([lit]);
    return fail(`found '${lit}', expected: identifier`);
  };
  const requirement = (): R => {
    const [key, inferred] = keyAndInferredOp();
    if (inferred === 'exists' || inferred === '!') return build(key, inferred, []);
    const op = operator();
    const values = op === 'in' || op === 'notin' ? setValues() : exactValue();
    // Values are a set: sorted and de-duplicated before validation, as upstream's sets.String.
    return build(key, op, [...values].sort());
  };

  const out: R[] = [];
  for (;;) {
    const [tok, lit] = peek();
    if (tok === 'eos') return out;
    if (tok !== 'id' && tok !== '!') fail(`found '${lit}', expected: !, identifier, or 'end of string'`);
    try {
      out.push(requirement());
    } catch (e) {
      throw new SyntaxError_(`unable to parse requirement: ${(e as Error).message}`);
    }
    const [t, l] = next();
    if (t === 'eos') return out;
    if (t !== ',') fail(`found '${l}', expected: ',' or 'end of string'`);
    const [t2, l2] = peek();
    if (t2 !== 'id' && t2 !== '!') fail(`found '${l2}', expected: identifier after ','`);
  }
}
