#!/usr/bin/env python3
"""Regenerates ../messages.json from an official kubectl binary (linux/amd64, not PIE).

    python3 src/core/protobuf/tools/extract-table.py node_modules/.cache/berth-binaries/v33/kubectl

Two kinds of facts live in that binary, and the table needs both:
  * the protobuf FileDescriptorProtos that the generated Go code registers (gzipped, no comments):
    field numbers, wire types, message types, map entries;
  * the Go runtime type descriptors of the API structs: json tags (names, omitempty, inline) and
    whether a field is a pointer, which decide what Go's encoding/json shows for a zero value.
Python, not TypeScript, because src/core may not do I/O and this is run by hand, rarely.
"""
import json, re, struct, sys, zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / 'messages.json'
PACKAGES = {  # proto package -> (table alias, Go import path)
    'k8s.io.api.core.v1': ('core', 'k8s.io/api/core/v1'),
    'k8s.io.api.apps.v1': ('apps', 'k8s.io/api/apps/v1'),
    'k8s.io.api.storage.v1': ('storage', 'k8s.io/api/storage/v1'),
    'k8s.io.api.coordination.v1': ('coordination', 'k8s.io/api/coordination/v1'),
    'k8s.io.api.autoscaling.v1': ('autoscaling', 'k8s.io/api/autoscaling/v1'),
    'k8s.io.api.policy.v1': ('policy', 'k8s.io/api/policy/v1'),
    'k8s.io.apimachinery.pkg.apis.meta.v1': ('meta', 'k8s.io/apimachinery/pkg/apis/meta/v1'),
}
MACH = '.k8s.io.apimachinery.pkg.'
SPECIAL = {MACH + 'apis.meta.v1.Time': 'time', MACH + 'apis.meta.v1.MicroTime': 'microtime',
           MACH + 'api.resource.Quantity': 'quantity', MACH + 'util.intstr.IntOrString': 'intstr',
           MACH + 'runtime.RawExtension': 'rawjson', MACH + 'apis.meta.v1.FieldsV1': 'rawjson'}
ROOTS = ['.k8s.io.api.core.v1.' + k for k in (
    'Namespace Node Pod Service Endpoints Event ConfigMap Secret ServiceAccount PersistentVolume '
    'PersistentVolumeClaim Binding').split()] + [
    '.k8s.io.api.storage.v1.StorageClass', '.k8s.io.api.apps.v1.StatefulSet', '.k8s.io.api.apps.v1.ControllerRevision',
    '.k8s.io.api.coordination.v1.Lease', '.k8s.io.api.autoscaling.v1.Scale', '.k8s.io.api.policy.v1.Eviction',
    '.k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions']
SCALARS = {'string', 'bool', 'int32', 'int64', 'bytes', 'double', 'float', 'uint32', 'uint64'}
PROTO_TYPES = {1: 'double', 2: 'float', 3: 'int64', 4: 'uint64', 5: 'int32', 8: 'bool', 9: 'string',
               11: 'message', 12: 'bytes', 13: 'uint32'}


def varint(b, o):
    n = s = 0
    while True:
        c = b[o]; o += 1; n |= (c & 0x7f) << s; s += 7
        if c < 0x80: return n, o


def pb_fields(b):
    o, out = 0, []
    while o < len(b):
        k, o = varint(b, o)
        fn, wt = k >> 3, k & 7
        if wt == 0: v, o = varint(b, o)
        elif wt == 2: n, o = varint(b, o); v = b[o:o + n]; o += n
        elif wt == 5: v = b[o:o + 4]; o += 4
        elif wt == 1: v = b[o:o + 8]; o += 8
        else: raise ValueError(wt)
        out.append((fn, v))
    return out


def descriptors(data):
    """Every message of every embedded k8s.io .proto file, by fully qualified name."""
    msgs = {}
    def message(b, prefix):
        name, fields, nested, map_entry = None, [], [], False
        for fn, v in pb_fields(b):
            if fn == 1: name = v.decode()
            elif fn == 2:
                f = {}
                for gn, gv in pb_fields(v):
                    if gn == 1: f['name'] = gv.decode()
                    elif gn == 3: f['number'] = gv
                    elif gn == 4: f['repeated'] = gv == 3
                    elif gn == 5: f['type'] = PROTO_TYPES[gv]
                    elif gn == 6: f['typeName'] = gv.decode()
                fields.append(f)
            elif fn == 3: nested.append(v)
            elif fn == 7: map_entry = any(on == 7 and ov for on, ov in pb_fields(v))
        full = prefix + '.' + name
        msgs[full] = {'fields': fields, 'mapEntry': map_entry}
        for n in nested: message(n, full)
    for m in re.finditer(b'\x1f\x8b\x08\x00\x00\x00\x00\x00', data):
        try: raw = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[m.start():m.start() + 4_000_000])
        except zlib.error: continue
        if b'k8s.io' not in raw[:200]: continue
        top = pb_fields(raw)
        pkg = next(v.decode() for fn, v in top if fn == 2)
        for fn, v in top:
            if fn == 4: message(v, '.' + pkg)
    return msgs


def go_structs(data):
    """Named structs of the wanted Go packages: field name, tag and type string (`*int32`, ...)."""
    shoff = struct.unpack_from('<Q', data, 0x28)[0]
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 0x3a)
    secs = [struct.unpack_from('<IIQQQQ', data, shoff + i * shentsize) for i in range(shnum)]
    names_off = secs[shstrndx][4]
    def secname(n): return data[names_off + n:data.index(b'\0', names_off + n)].decode()
    by_name = {secname(s[0]): s for s in secs}
    def off(va):
        for _n, typ, _f, addr, o, size in secs:
            if addr and addr <= va < addr + size and typ != 8: return o + va - addr  # 8: NOBITS
        raise ValueError(hex(va))
    u8 = lambda va: data[off(va)]
    i32 = lambda va: struct.unpack_from('<i', data, off(va))[0]
    u64 = lambda va: struct.unpack_from('<Q', data, off(va))[0]
    def name_at(va):  # runtime name: flags, varint length, bytes, [varint tag length, tag]
        o = off(va); flags = data[o]
        n, o = varint(data, o + 1); name = data[o:o + n].decode(); o += n
        tag = ''
        if flags & 2: t, o = varint(data, o); tag = data[o:o + t].decode()
        return name, tag, flags
    base = by_name['.rodata'][3]  # runtime.types: name and type offsets are relative to it
    def tname(t):
        n = name_at(base + i32(t + 40))[0]
        return n[1:] if u8(t + 20) & 2 else n  # tflagExtraStar
    def pkgpath(t):  # uncommon type right after the kind-specific part (struct: 80 bytes)
        kind = u8(t + 23) & 0x1f
        at = 80 if kind == 25 else 56 if kind == 22 else 48 if kind <= 16 or kind == 24 else None
        if not u8(t + 20) & 1 or at is None: return ''  # other kinds: layout not needed here
        return name_at(base + i32(t + at))[0]
    def typestr(t):
        kind, named = u8(t + 23) & 0x1f, u8(t + 20) & 4
        if kind == 22: return '*' + typestr(u64(t + 48))
        if kind == 23 and not named: return '[]' + typestr(u64(t + 48))
        if kind == 21 and not named: return 'map[' + typestr(u64(t + 48)) + ']' + typestr(u64(t + 56))
        pp = pkgpath(t) if named else ''
        return pp + '.' + tname(t).split('.')[-1] if pp else tname(t)
    structs, seen = {}, set()
    def visit(t):
        if t in seen or t == 0: return
        seen.add(t)
        kind = u8(t + 23) & 0x1f
        if kind in (17, 22, 23): visit(u64(t + 48))
        elif kind == 21: visit(u64(t + 48)); visit(u64(t + 56))
        elif kind == 25:
            fields = []
            for i in range(u64(t + 64)):
                f = u64(t + 56) + 24 * i
                n, tag, _ = name_at(u64(f))
                fields.append({'name': n, 'tag': tag, 'type': u64(f + 8)})
                visit(u64(f + 8))
            if u8(t + 20) & 4: structs[t] = fields
    tl = by_name['.typelink']
    for i in range(tl[5] // 4):
        try: visit(base + struct.unpack_from('<i', data, tl[4] + 4 * i)[0])
        except (ValueError, IndexError, UnicodeDecodeError): pass
    wanted = {go for _a, go in PACKAGES.values()}
    return {pkgpath(t) + '.' + tname(t).split('.')[-1]: [{**f, 'type': typestr(f['type'])} for f in fs]
            for t, fs in structs.items() if pkgpath(t) in wanted}


def build(msgs, gos):
    def short(fqn):
        pkg, name = fqn[1:].rsplit('.', 1)
        return PACKAGES[pkg][0] + '.' + name
    out, todo, problems = {}, list(ROOTS), []
    def vtype(f):
        if f['type'] != 'message': return f['type']
        tn = f['typeName']
        if tn in SPECIAL: return SPECIAL[tn]
        if msgs[tn]['mapEntry']:
            k, v = msgs[tn]['fields']
            assert k['type'] == 'string', tn
            return 'map<' + vtype(v) + '>'
        todo.append(tn)
        return short(tn)
    while todo:
        fqn = todo.pop()
        s = short(fqn)
        if s in out: continue
        pkg, name = fqn[1:].rsplit('.', 1)
        by_number = {}
        for g in gos[PACKAGES[pkg][1] + '.' + name]:
            m = re.search(r'protobuf:"(\w+),(\d+),(?:(?:opt|rep|req),)?(?:name=(\w+))?', g['tag'])
            if m: by_number[int(m.group(2))] = (g, m.group(3))
        rows = []
        for f in sorted(msgs[fqn]['fields'], key=lambda f: f['number']):
            g, pname = by_number.pop(f['number'], (None, None))
            if g is None: problems.append(f'{s}.{f["name"]}: no Go field'); continue
            if pname not in (f['name'], None): problems.append(f'{s}.{f["name"]}: Go tag says {pname}')
            jparts = re.search(r'json:"([^"]*)"', g['tag']).group(1).split(',')
            t = vtype(f)
            if f['repeated'] and not t.startswith('map<'): t = '[]' + t
            opts = []
            if 'inline' in jparts: opts.append('inline')
            # Go's JSON drops a zero scalar only when the field is omitempty and not a pointer.
            if t in SCALARS and (g['type'].startswith('*') or 'omitempty' not in jparts): opts.append('keep')
            rows.append([f['number'], '' if 'inline' in jparts else jparts[0], t] + ([','.join(opts)] if opts else []))
        problems += [f'{s}: Go field {g["name"]} (#{n}) not in the proto' for n, (g, _p) in by_number.items()]
        out[s] = rows
    return out, problems


def render(out, version):
    head = {'//': f'Generated by tools/extract-table.py from kubectl {version}; do not edit by hand.',
            'packages': {alias: 'io.k8s.' + pkg[len('k8s.io.'):] for pkg, (alias, _g) in PACKAGES.items()}}
    lines = ['{', ' "//": ' + json.dumps(head['//']) + ',', ' "packages": ' + json.dumps(head['packages']) + ',',
             ' "messages": {']
    keys = sorted(out)
    for i, k in enumerate(keys):
        lines.append('  ' + json.dumps(k) + ': [')
        lines += ['   ' + json.dumps(r) + (',' if j < len(out[k]) - 1 else '') for j, r in enumerate(out[k])]
        lines.append('  ]' + (',' if i < len(keys) - 1 else ''))
    return '\n'.join(lines + [' }', '}']) + '\n'


if __name__ == '__main__':
    data = Path(sys.argv[1]).read_bytes()
    version = sys.argv[2] if len(sys.argv) > 2 else '(version not given)'
    table, problems = build(descriptors(data), go_structs(data))
    for p in problems: print('problem:', p, file=sys.stderr)
    OUT.write_text(render(table, version))
    print(f'{len(table)} messages, {sum(map(len, table.values()))} fields -> {OUT}', file=sys.stderr)
    sys.exit(1 if problems else 0)
