// The Kubernetes scalar formats the decoder checks, with upstream's error texts:
// metav1.Time / MicroTime (RFC 3339, re-printed in UTC as Go does) and []byte fields
// (standard base64). Quantities are parsed by ../quantity.ts.

const RFC3339 = '2006-01-02T15:04:05Z07:00';
// Layout elements in order: [layout text, matcher]; mirrors how Go reports the first mismatch.
const ELEMENTS: readonly [string, RegExp][] = [
  ['2006', /^\d{4}/], ['-', /^-/], ['01', /^\d{2}/], ['-', /^-/], ['02', /^\d{2}/], ['T', /^T/],
  ['15', /^\d{2}/], [':', /^:/], ['04', /^\d{2}/], [':', /^:/], ['05', /^\d{2}(?:\.\d+)?/], ['Z07:00', /^(?:Z|[+-]\d{2}:\d{2})/],
];

export type TimeResult = { ok: true; value: string } | { ok: false; error: string };

// Every write carries the same few timestamps (creation, managedFields times): parse each once.
const normalized = new Map<string, TimeResult>();
const NORMALIZED_MAX = 4096;

/** Parses RFC 3339 and re-prints it as upstream stores it: UTC, seconds (Time) or microseconds (MicroTime). */
export function normalizeTime(text: string, micro: boolean): TimeResult {
  const key = micro ? `u${text}` : text;
  let r = normalized.get(key);
  if (r) return r;
  r = parseTime(text, micro);
  if (r.ok) {
    if (normalized.size >= NORMALIZED_MAX) normalized.clear();
    normalized.set(key, r);
  }
  return r;
}

function parseTime(text: string, micro: boolean): TimeResult {
  const fail = (msg: string): TimeResult => ({ ok: false, error: `parsing time ${JSON.stringify(text)}${msg}` });
  const parts: string[] = [];
  let rest = text;
  for (let i = 0; i < ELEMENTS.length; i++) {
    const [layout, re] = ELEMENTS[i]!;
    const m = re.exec(rest);
    if (!m) {
      const layoutRest = ELEMENTS.slice(i).map((e) => e[0]).join('');
      return fail(` as ${JSON.stringify(RFC3339)}: cannot parse ${JSON.stringify(rest)} as ${JSON.stringify(layoutRest.startsWith(layout) ? layout : layoutRest)}`);
    }
    parts.push(m[0]);
    rest = rest.slice(m[0].length);
  }
  if (rest) return fail(`: extra text: ${JSON.stringify(rest)}`);
  const [y, , mo, , d, , h, , mi, , secFrac, zone] = parts as [string, string, string, string, string, string, string, string, string, string, string, string];
  const [sec, frac = ''] = secFrac.split('.') as [string, string?];
  const year = +y, month = +mo, day = +d, hour = +h, min = +mi, s = +sec;
  if (month < 1 || month > 12) return fail(': month out of range');
  if (day < 1 || day > daysIn(year, month)) return fail(': day out of range');
  if (hour > 23) return fail(': hour out of range');
  if (min > 59) return fail(': minute out of range');
  if (s > 59) return fail(': second out of range');
  let offsetMin = 0;
  if (zone !== 'Z') {
    const zh = +zone.slice(1, 3), zm = +zone.slice(4, 6);
    if (zh > 23 || zm > 59) return fail(': time zone offset out of range');
    offsetMin = (zone[0] === '-' ? -1 : 1) * (zh * 60 + zm);
  }
  const local = new Date(0); // setUTCFullYear keeps years < 100 literal, unlike Date.UTC
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(hour, min, s, 0);
  const iso = new Date(local.getTime() - offsetMin * 60_000).toISOString().slice(0, 19);
  return { ok: true, value: micro ? `${iso}.${(frac + '000000').slice(0, 6)}Z` : `${iso}Z` };
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** undefined when `text` is standard base64 (newlines ignored, as Go does), else Go's error. */
export function base64Error(text: string): string | undefined {
  let n = 0;
  let pad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) continue;
    const alpha = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
    if (c === 61) {
      pad++;
    } else if (!alpha || pad > 0) {
      return `illegal base64 data at input byte ${i}`;
    }
    n++;
  }
  if (n % 4 !== 0 || pad > 2) return `illegal base64 data at input byte ${n - (n % 4 || 4)}`;
  return undefined;
}
