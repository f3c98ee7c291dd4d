// A set of field paths as a trie (structured-merge-diff's fieldpath.Set): `members` are the
// paths ending at this node, `children` the sets below an element. Sets are immutable values
// once built; every operation returns a new set and never keeps empty children, so "empty"
// is a constant-time check.
import { comparePE, type Path, type PathElement } from './fieldpath.js';

export class FieldSet {
  readonly members = new Set<PathElement>();
  readonly children = new Map<PathElement, FieldSet>();
  /** Its FieldsV1, once encoded (fields-v1.ts): a set handed out is never changed. */
  fieldsV1?: Readonly<Record<string, unknown>>;

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Adds one path (for building; sets handed out are not modified afterwards). */
  insert(path: Path): void {
    if (path.length === 0) return;
    if (path.length === 1) { this.members.add(path[0]); return; }
    let child = this.children.get(path[0]);
    if (!child) { child = new FieldSet(); this.children.set(path[0], child); }
    child.insert(path.slice(1));
  }

  has(path: Path): boolean {
    if (path.length === 0) return false;
    if (path.length === 1) return this.members.has(path[0]);
    return !!this.children.get(path[0])?.has(path.slice(1));
  }

  empty(): boolean {
    return this.members.size === 0 && this.children.size === 0;
  }

  /** The set below one element (empty when there is none). */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(pe) ?? EMPTY;
  }

  // The operations below return one of their operands when the result equals it, so that a
  // set which did not change keeps its identity (and its FieldsV1 encoding, cached per set).

  union(o: FieldSet): FieldSet {
    if (o.empty() || o === this) return this;
    if (this.empty()) return o;
    let out: FieldSet | undefined;
    for (const m of o.members) {
      if (this.members.has(m)) continue;
      out ??= this.#copy();
      out.members.add(m);
    }
    for (const [pe, c] of o.children) {
      const mine = this.children.get(pe);
      const both = mine ? mine.union(c) : c;
      if (both === mine) continue;
      out ??= this.#copy();
      out.children.set(pe, both);
    }
    return out ?? this;
  }

  intersection(o: FieldSet): FieldSet {
    return this.#common(o) ?? new FieldSet();
  }

  /** The intersection, undefined when empty (no sets are made for nothing in common). */
  #common(o: FieldSet): FieldSet | undefined {
    let out: FieldSet | undefined;
    if (o.members.size) for (const m of this.members) if (o.members.has(m)) (out ??= new FieldSet()).members.add(m);
    if (o.children.size) {
      for (const [pe, c] of this.children) {
        const theirs = o.children.get(pe);
        const both = theirs && c.#common(theirs);
        if (both) (out ??= new FieldSet()).children.set(pe, both);
      }
    }
    return out;
  }

  /** Paths of this set that are not paths of `o` (children are compared path by path). */
  difference(o: FieldSet): FieldSet {
    return this.#minus(o, false);
  }

  /** Like difference, but a member of `o` also removes everything below it. */
  recursiveDifference(o: FieldSet): FieldSet {
    return this.#minus(o, true);
  }

  #minus(o: FieldSet, recursive: boolean): FieldSet {
    if (o.empty() || this.empty()) return this;
    let changed = false;
    for (const m of this.members) if (o.members.has(m)) { changed = true; break; }
    let kids: Map<PathElement, FieldSet> | undefined;
    for (const [pe, c] of this.children) {
      let rest: FieldSet | undefined = c;
      if (recursive && o.members.has(pe)) rest = undefined;
      else {
        const theirs = o.children.get(pe);
        if (theirs) rest = c.#minus(theirs, recursive);
        if (rest.empty()) rest = undefined;
      }
      if (rest === c) continue;
      kids ??= new Map(this.children);
      if (rest) kids.set(pe, rest);
      else kids.delete(pe);
    }
    if (!changed && !kids) return this;
    const out = new FieldSet();
    for (const m of this.members) if (!o.members.has(m)) out.members.add(m);
    for (const [pe, c] of kids ?? this.children) out.children.set(pe, c);
    return out;
  }

  #copy(): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) out.members.add(m);
    for (const [pe, c] of this.children) out.children.set(pe, c);
    return out;
  }

  equals(o: FieldSet): boolean {
    if (this.members.size !== o.members.size || this.children.size !== o.children.size) return false;
    for (const m of this.members) if (!o.members.has(m)) return false;
    for (const [pe, c] of this.children) {
      const theirs = o.children.get(pe);
      if (!theirs || !c.equals(theirs)) return false;
    }
    return true;
  }

  /** Every path, members of a node before its children's paths, each level in element order. */
  paths(prefix: Path = []): Path[] {
    const out: Path[] = [];
    for (const m of [...this.members].sort(comparePE)) out.push([...prefix, m]);
    for (const pe of [...this.children.keys()].sort(comparePE)) out.push(...this.children.get(pe)!.paths([...prefix, pe]));
    return out;
  }
}

const EMPTY = new FieldSet();
