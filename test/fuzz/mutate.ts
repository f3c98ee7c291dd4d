// Mutations for the fuzz test: structural changes to a valid object (wrong types, unknown and
// missing fields, huge and deeply nested values), text-level damage to its serialization
// (duplicate keys, truncation, invalid UTF-8, NUL bytes, nesting bombs, YAML alias bombs), and
// generators of the four patch kinds aimed at the object's real paths.
import { stringify } from 'yaml';
import { randomJson, weirdNumber, weirdString, type Rng } from './rng.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

/** Every path in a value (containers and leaves), root excluded. */
export function pathsOf(v: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(v)) v.forEach((x, i) => { out.push([...prefix, i]); pathsOf(x, [...prefix, i], out); });
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { out.push([...prefix, k]); pathsOf(x, [...prefix, k], out); }
  return out;
}

function getAt(v: any, p: Path): any {
  return p.reduce((o, k) => (o == null ? undefined : o[k]), v);
}

function setAt(v: any, p: Path, value: unknown, remove = false): void {
  const parent = getAt(v, p.slice(0, -1));
  if (parent == null || typeof parent !== 'object') return;
  const key = p[p.length - 1];
  if (remove) { if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1); else delete parent[key]; }
  else parent[key] = value;
}

export function nested(depth: number, leaf: unknown = 1): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { n: v };
  return v;
}

/** Many copies of `item`: thousands when it is small, fewer when it is big (bodies stay near the limit). */
function longList(rng: Rng, item: unknown): unknown[] {
  const size = JSON.stringify(item ?? null).length;
  const n = Math.min(rng.int(100, 5000), Math.max(2, Math.floor(4_000_000 / Math.max(size, 1))));
  return Array.from({ length: n }, () => item);
}

/** A value of another JSON type than `v`. */
function wrongType(rng: Rng, v: unknown): unknown {
  if (typeof v === 'string') return rng.pick([weirdNumber(rng), true, [v], { v }, null]);
  if (typeof v === 'number') return rng.pick([String(v), `${v}Gi`, true, [v], { v }, v + 0.5]);
  if (typeof v === 'boolean') return rng.pick([String(v), Number(v), [v], 'yes']);
  if (Array.isArray(v)) return rng.pick([{ 0: v[0] ?? null }, 'list', 1, v[0] ?? null]);
  if (v && typeof v === 'object') return rng.pick([[v], 'object', 0, Object.values(v)]);
  return rng.pick([{}, [], '', 0]);
}

/** Applies `n` structural mutations to a deep copy of `obj`. */
export function mutate(rng: Rng, obj: Record<string, any>, n: number): Record<string, any> {
  const out = structuredClone(obj);
  for (let i = 0; i < n; i++) {
    const paths = pathsOf(out);
    if (!paths.length) break;
    const p = rng.pick(paths);
    const cur = getAt(out, p);
    const m = rng.int(0, 11);
    if (m === 0) setAt(out, p, undefined, true);
    else if (m === 1) setAt(out, p, wrongType(rng, cur));
    else if (m === 2) setAt(out, p, null);
    else if (m === 3) setAt(out, p, randomJson(rng, 3));
    else if (m === 4 && cur && typeof cur === 'object' && !Array.isArray(cur)) cur[weirdString(rng)] = randomJson(rng, 2);
    else if (m === 5 && Array.isArray(cur)) cur.push(...structuredClone(cur));
    else if (m === 6) setAt(out, p, typeof cur === 'string' ? weirdString(rng) : weirdNumber(rng));
    // Growth (huge strings, long lists, deep nesting) ends the round: walking a grown object
    // again would cost the test more than the server.
    else if (m === 7) { setAt(out, p, rng.chance(0.5) ? 'x'.repeat(rng.int(1000, 300_000)) : weirdString(rng).repeat(rng.int(2, 500))); break; }
    else if (m === 8) { setAt(out, p, longList(rng, Array.isArray(cur) ? cur[0] ?? 1 : cur)); break; }
    else if (m === 9) { setAt(out, p, nested(rng.int(20, 400))); break; }
    else if (m === 10) setAt(out, p, Array.isArray(cur) ? [] : (cur && typeof cur === 'object') ? {} : '');
    else out[weirdString(rng)] = randomJson(rng, 2);
  }
  return out;
}

const INVALID_UTF8 = [[0xff], [0xfe], [0xc0, 0x80], [0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98]];

/** Damages serialized text: duplicate keys, truncation, bad bytes, BOM, NUL, trailing junk. */
export function damage(rng: Rng, text: string): Buffer {
  const m = rng.int(0, 8);
  if (m === 0) {
    // A duplicate of some "key": value pair in the same object, with another value.
    const match = [...text.matchAll(/"([^"\\]{1,40})":("[^"\\]*"|-?\d+|true|false|null)/g)];
    if (match.length) {
      const hit = rng.pick(match);
      const at = hit.index! + hit[0].length;
      return Buffer.from(`${text.slice(0, at)},"${hit[1]}":${JSON.stringify(weirdString(rng))}${text.slice(at)}`);
    }
  }
  const buf = Buffer.from(text);
  const at = rng.int(0, buf.length);
  if (m === 1) return buf.subarray(0, at);
  if (m === 2 || m === 3) return Buffer.concat([buf.subarray(0, at), Buffer.from(rng.pick(INVALID_UTF8)), buf.subarray(at)]);
  if (m === 4) return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), buf]);
  if (m === 5) return Buffer.concat([buf.subarray(0, at), Buffer.from([0]), buf.subarray(at)]);
  if (m === 6) return Buffer.concat([buf, Buffer.from(rng.pick([' {}', '\n---\nkind: Pod\n', 'garbage', ']', '// c', '\u0000']))]);
  if (m === 7) { const b = Buffer.from(buf); if (b.length) b[at % b.length] ^= 1 << rng.int(0, 7); return b; }
  return Buffer.from(text.replace(/"([a-zA-Z]+)":/, (_, k: string) => `"${k.toUpperCase()}":`));
}

/** Bodies that are hostile before any parsing: nesting and alias bombs, random bytes. */
export function bomb(rng: Rng): { body: Buffer; yaml: boolean } {
  const n = rng.pick([100, 1000, 10_001, 100_000, 500_000]);
  switch (rng.int(0, 5)) {
    case 0: return { body: Buffer.from('['.repeat(n) + ']'.repeat(n)), yaml: false };
    case 1: return { body: Buffer.from(`{"metadata":{"name":"deep"},"data":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`), yaml: false };
    case 2: {
      // The "billion laughs": each alias level multiplies the size.
      let y = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
      for (let i = 1; i < 9; i++) y += `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]\n`;
      return { body: Buffer.from(`metadata:\n  name: lol\n${y}`), yaml: true };
    }
    case 3: return { body: Buffer.from(Array.from({ length: rng.int(1, 4096) }, () => rng.int(0, 255))), yaml: rng.chance(0.5) };
    case 4: return { body: Buffer.from(`metadata:\n  name: tags\ndata: !!binary AAEC\nspec: !!js/function "function(){}"\nx: !custom {a: 1}\n`), yaml: true };
    default: return { body: Buffer.from(`{"metadata":{"name":"${'x'.repeat(rng.int(1, 3 * 1024 * 1024 + 100))}"}}`), yaml: false };
  }
}

const pointer = (p: Path) => '/' + p.map((k) => String(k).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** An RFC 6902 patch aimed at the object's own paths, with bad ops, paths and values mixed in. */
export function jsonPatch(rng: Rng, obj: Record<string, any>): unknown {
  const paths = pathsOf(obj);
  const path = () => rng.chance(0.75) && paths.length ? pointer(rng.pick(paths)) + (rng.chance(0.1) ? '/-' : '')
    : rng.pick(['', '/', 'metadata', '/metadata/labels/a~1b', '/spec/containers/-', '/spec/containers/999', '/metadata/uid',
      '/metadata/resourceVersion', '/kind', '/apiVersion', '/status', '/~2', '/metadata/labels/' + weirdString(rng)]);
  const value = () => rng.chance(0.5) ? randomJson(rng, 3) : structuredClone(getAt(obj, paths.length ? rng.pick(paths) : []) ?? null);
  return Array.from({ length: rng.int(0, 5) }, () => {
    const op = rng.pick(['add', 'remove', 'replace', 'move', 'copy', 'test', 'Add', 'merge', '', undefined]);
    const o: Record<string, unknown> = { op, path: path() };
    if (rng.chance(0.6)) o.value = value();
    if (op === 'move' || op === 'copy' || rng.chance(0.1)) o.from = path();
    if (rng.chance(0.1)) delete o.path;
    if (rng.chance(0.05)) o.path = randomJson(rng, 1);
    return o;
  });
}

/** A partial object: some top-level fields kept, mutated, some set to null (deletions). */
export function mergePatch(rng: Rng, obj: Record<string, any>): Record<string, any> {
  const base = mutate(rng, obj, rng.int(0, 3));
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(base)) if (rng.chance(0.5)) out[k] = rng.chance(0.1) ? null : v;
  if (rng.chance(0.3)) out.metadata = { labels: { [weirdString(rng)]: rng.chance(0.2) ? null : weirdString(rng) } };
  return out;
}

/** A strategic merge patch with directives ($patch, $setElementOrder, $retainKeys, ...) sprinkled in. */
export function strategicPatch(rng: Rng, obj: Record<string, any>): Record<string, any> {
  const out = mergePatch(rng, obj);
  const objects = pathsOf(out).filter((p) => { const v = getAt(out, p); return v && typeof v === 'object'; });
  for (let i = rng.int(1, 4); i > 0 && objects.length; i--) {
    const p = rng.pick(objects);
    const v = getAt(out, p);
    const key = String(p[p.length - 1]);
    const parent = getAt(out, p.slice(0, -1));
    const d = rng.int(0, 6);
    if (d === 0 && !Array.isArray(v)) v.$patch = rng.pick(['delete', 'replace', 'merge', 'bogus', 1, null]);
    else if (d === 1 && Array.isArray(v)) v.push({ $patch: rng.pick(['delete', 'replace', 'x']), name: rng.pick(['app', 'side', weirdString(rng)]) });
    else if (d === 2 && parent && !Array.isArray(parent)) parent[`$setElementOrder/${key}`] = rng.chance(0.7) ? [{ name: 'side' }, { name: 'app' }] : randomJson(rng, 2);
    else if (d === 3 && !Array.isArray(v)) v.$retainKeys = rng.chance(0.7) ? Object.keys(v).slice(0, 1) : randomJson(rng, 1);
    else if (d === 4 && parent && !Array.isArray(parent)) parent[`$deleteFromPrimitiveList/${key}`] = rng.chance(0.5) ? ['a'] : randomJson(rng, 1);
    else if (d === 5 && parent && !Array.isArray(parent)) parent[`$${weirdString(rng)}`] = randomJson(rng, 1);
    else if (Array.isArray(v)) v.push(rng.chance(0.5) ? randomJson(rng, 1) : structuredClone(v[0] ?? null));
  }
  return out;
}

/** An apply configuration: the (maybe mutated) object, sometimes stripped of its type or name. */
export function applyConfig(rng: Rng, obj: Record<string, any>): Record<string, any> {
  const out = rng.chance(0.5) ? structuredClone(obj) : mutate(rng, obj, rng.int(1, 3));
  if (rng.chance(0.1)) delete out.apiVersion;
  if (rng.chance(0.1)) delete out.kind;
  if (rng.chance(0.1)) out.metadata = { ...(out.metadata ?? {}), name: weirdString(rng) };
  if (rng.chance(0.1)) out.metadata = { ...(out.metadata ?? {}), managedFields: randomJson(rng, 3) };
  if (rng.chance(0.1)) out.metadata = { ...(out.metadata ?? {}), resourceVersion: rng.pick(['1', '0', 'abc', '-1']) };
  return out;
}

/** Serializes as JSON or YAML (YAML may carry what JSON cannot: comments, anchors). */
export function serialize(rng: Rng, value: unknown, yaml: boolean): Buffer {
  if (!yaml) return Buffer.from(JSON.stringify(value) ?? 'null');
  let text: string;
  try { text = stringify(value, { aliasDuplicateObjects: rng.chance(0.3) }); } catch { text = JSON.stringify(value) ?? 'null'; }
  return Buffer.from(rng.chance(0.1) ? `# fuzz\n${text}` : text);
}

export type { Json };
