// A set of field paths as a trie (structured-merge-diff's fieldpath.Set): `members` are the
// paths ending at this node, `children` the sets below an element. Sets are immutable values
// once built; every operation returns a new set and never keeps empty children, so "empty"
// is a constant-time check.
import { comparePE, type Path, type PathElement } from '../../fieldpath.js';

export class FieldSet {
  readonly members = new Set<PathElement>();
  readonly children = new Map<PathElement, FieldSet>();

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

  union(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) out.members.add(m);
    for (const m of o.members) out.members.add(m);
    for (const [pe, c] of this.children) out.children.set(pe, c);
    for (const [pe, c] of o.children) {
      const mine = out.children.get(pe);
      out.children.set(pe, mine ? mine.union(c) : c);
    }
    return out;
  }

  intersection(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (o.members.has(m)) out.members.add(m);
    for (const [pe, c] of this.children) {
      const theirs = o.children.get(pe);
      if (!theirs) continue;
      const both = c.intersection(theirs);
      if (!both.empty()) out.children.set(pe, both);
    }
    return out;
  }

  /** Paths of this set that are not paths of `o` (children are compared path by path). */
  difference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (!o.members.has(m)) out.members.add(m);
    for (const [pe, c] of this.children) {
      const theirs = o.children.get(pe);
      const rest = theirs ? c.difference(theirs) : c;
      if (!rest.empty()) out.children.set(pe, rest);
    }
    return out;
  }

  /** Like difference, but a member of `o` also removes everything below it. */
  recursiveDifference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (!o.members.has(m)) out.members.add(m);
    for (const [pe, c] of this.children) {
      if (o.members.has(pe)) continue;
      const theirs = o.children.get(pe);
      const rest = theirs ? c.recursiveDifference(theirs) : c;
      if (!rest.empty()) out.children.set(pe, rest);
    }
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
