// A readable stand-in for the cmp.Diff text upstream appends to "immutable" errors. Upstream
// diffs internal Go structs; we list the top-level fields that differ, old (-) and new (+).
import { semanticEqual } from './meta.js';

const goField = (k: string): string => k.charAt(0).toUpperCase() + k.slice(1);

export function specDiff(typeName: string, prev: unknown, next: unknown): string {
  const a = (prev ?? {}) as Record<string, unknown>;
  const b = (next ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const lines = [`  ${typeName}{`];
  let same = 0;
  for (const k of keys) {
    if (semanticEqual(a[k], b[k])) { same++; continue; }
    if (same) lines.push(`  \t... // ${same} identical field${same > 1 ? 's' : ''}`);
    same = 0;
    if (a[k] !== undefined) lines.push(`- \t${goField(k)}: ${JSON.stringify(a[k])},`);
    if (b[k] !== undefined) lines.push(`+ \t${goField(k)}: ${JSON.stringify(b[k])},`);
  }
  if (same) lines.push(`  \t... // ${same} identical field${same > 1 ? 's' : ''}`);
  lines.push('  }');
  return `${lines.join('\n')}\n`;
}
