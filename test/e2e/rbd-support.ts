// A FAKE rbd CLI for the rbd volume tests: images are sparse files under a state directory,
// `map` attaches one to a loop device and prints it, `unmap` detaches it, `showmapped --format
// json` lists the mappings as Ceph 13+ prints them, and every call is recorded so a test sees
// what upstream's plugin would have passed. It talks to nothing: no Ceph monitor is contacted.
// `failNextUnmap()` makes the next unmap fail as a busy device does.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SCRIPT = (state: string) => `#!/bin/sh
state='${state}'
mkdir -p "$state/images"
touch "$state/mapped"
printf '%s\\n' "$*" >> "$state/calls"
case "$1" in
map)
  pool=\${2%%/*}; image=\${2#*/}
  img="$state/images/$pool.$image.img"
  [ -f "$img" ] || truncate -s 64M "$img"
  dev=$(losetup --find --show "$img") || exit 1
  echo "$dev $pool $image" >> "$state/mapped"
  echo "$dev"
  ;;
unmap)
  if [ -f "$state/fail-unmap" ]; then
    rm -f "$state/fail-unmap"
    echo "rbd: sysfs write failed" >&2; echo "rbd: unmap failed: (16) Device or resource busy" >&2; exit 16
  fi
  grep -q "^$2 " "$state/mapped" || { echo "rbd: $2 is not mapped" >&2; exit 22; }
  losetup -d "$2" || exit 1
  grep -v "^$2 " "$state/mapped" > "$state/mapped.new"; mv "$state/mapped.new" "$state/mapped"
  ;;
showmapped)
  printf '['; sep=''
  while read -r dev pool image; do
    printf '%s{"id":"%s","pool":"%s","namespace":"","name":"%s","snap":"-","device":"%s"}' "$sep" "\${dev#/dev/loop}" "$pool" "$image" "$dev"
    sep=','
  done < "$state/mapped"
  printf ']\\n'
  ;;
*) echo "rbd: unknown command $1" >&2; exit 1 ;;
esac
`;

export interface FakeRbd {
  /** The directory holding the `rbd` program (put it first on PATH). */
  readonly bin: string;
  readonly program: string;
  /** Every call's arguments, space-joined, oldest first. */
  calls(): string[];
  /** Current mappings as `device pool image` lines. */
  mapped(): string[];
  /** The image file behind pool/image. */
  imageFile(pool: string, image: string): string;
  failNextUnmap(): void;
}

/** Installs the fake under dir (state in dir/ceph, program in dir/bin). */
export function fakeRbd(dir: string): FakeRbd {
  const state = join(dir, 'ceph');
  const bin = join(dir, 'bin');
  mkdirSync(state, { recursive: true });
  mkdirSync(bin, { recursive: true });
  const program = join(bin, 'rbd');
  writeFileSync(program, SCRIPT(state));
  chmodSync(program, 0o755);
  const lines = (file: string) => (existsSync(join(state, file)) ? readFileSync(join(state, file), 'utf8').split('\n').filter(Boolean) : []);
  return {
    bin, program,
    calls: () => lines('calls'),
    mapped: () => lines('mapped'),
    imageFile: (pool, image) => join(state, 'images', `${pool}.${image}.img`),
    failNextUnmap: () => writeFileSync(join(state, 'fail-unmap'), ''),
  };
}

/** Loop devices whose backing file lies under dir. */
export function loopsUnder(dir: string): string[] {
  const out = execFileSync('losetup', ['--list', '--noheadings', '--output', 'NAME,BACK-FILE']).toString();
  return out.split('\n').map((l) => l.trim().split(/\s+/)).filter(([d, f]) => d && f?.startsWith(dir)).map(([d]) => d!);
}

/** The filesystem UUID of an image (changes when it is formatted again). */
export const fsUuid = (img: string): string => execFileSync('blkid', ['-s', 'UUID', '-o', 'value', img]).toString().trim();
