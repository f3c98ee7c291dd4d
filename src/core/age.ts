// Durations as kubectl's AGE column shows them (upstream apimachinery duration.HumanDuration):
// about 2-3 significant figures, e.g. `45s`, `5m10s`, `3h`, `2d5h`, `4y`. Pure: callers pass `now`.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const GO_ZERO_TIME = -62135596800000; // 0001-01-01T00:00:00Z

/** Rendering of `ms` elapsed milliseconds (negative = in the future). */
export function humanDuration(ms: number): string {
  // Go truncates toward zero; up to 2s in the future still reads as `0s` (clock skew).
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const dy = days % 365;
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${years}y`;
}

/** Milliseconds since the epoch of an RFC 3339 timestamp, or undefined when absent/unparseable. */
export function parseTimestamp(ts: string | Date | null | undefined): number | undefined {
  if (ts === null || ts === undefined || ts === '') return undefined;
  const ms = ts instanceof Date ? ts.getTime() : Date.parse(ts);
  // Go's zero time (0001-01-01T00:00:00Z) counts as unset, like metav1.Time.IsZero.
  return Number.isNaN(ms) || ms === GO_ZERO_TIME ? undefined : ms;
}

/** Age of a metav1.Time / MicroTime as printers show it: `<unknown>` when the time is unset. */
export function timestampSince(ts: string | Date | null | undefined, now: Date): string {
  const ms = parseTimestamp(ts);
  return ms === undefined ? '<unknown>' : humanDuration(now.getTime() - ms);
}
