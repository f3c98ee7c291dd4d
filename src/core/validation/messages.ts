// Message builders and constants shared by every validator (k8s.io/apimachinery
// util/validation and api/validation), spelled exactly as upstream 1.33 prints them.

export const FIELD_IMMUTABLE = 'field is immutable';
export const IS_NEGATIVE = 'must be greater than or equal to 0';
export const NOT_POSITIVE = 'must be greater than zero';
export const NOT_INTEGER = 'must be an integer';
export const FILE_MODE = 'must be a number between 0 and 0777 (octal), both inclusive';
export const MAY_NOT_MORE_THAN_ONE_VOLUME = 'may not specify more than 1 volume type';

export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

export function emptyError(): string {
  return 'must be non-empty';
}

export function inclusiveRangeError(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

/** `msg (e.g. 'a',  or 'b', regex used for validation is 're')`, double space included. */
export function regexError(msg: string, re: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${re}')`;
  let out = `${msg} (e.g. `;
  examples.forEach((ex, i) => {
    if (i > 0) out += ' or ';
    out += `'${ex}', `;
  });
  return `${out}regex used for validation is '${re}')`;
}
