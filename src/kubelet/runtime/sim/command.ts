// The sim runtime's one convention: what a container "does" is read from its command line.
//
// A container exits when its whole script is made of commands that end on their own; any
// other command (a server such as `nginx`, an empty command = the image's entrypoint,
// `sleep infinity`) runs until it is stopped. The script is `command + args`, or the argument
// of `-c` when the command is a shell (`sh`, `bash`, `/bin/sh`, `/bin/bash`, `ash`).
// Statements are split on `;`, `&&`, `||` and newlines (no control flow); known ones:
//   exit N         exits with N at once (the rest is skipped); `exit` alone = 0
//   true / :       exit code 0            false         exit code 1
//   sleep N        waits N seconds (N may be fractional); `sleep infinity` runs forever
//   echo / printf  exit code 0 (output is not kept: the sim has no logs)
// The exit code is that of the last statement run, as in a shell.
// Examples: ["sh","-c","exit 0"] → Succeeded pod; ["sh","-c","sleep 2; exit 3"] → exits 3
// after 2 s; ["/bin/false"] → exits 1; ["nginx","-g","daemon off;"] → runs.

export interface SimBehaviour {
  /** undefined = runs until stopped. */
  readonly exit?: { readonly afterMs: number; readonly code: number };
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);
const RUNS_FOREVER: SimBehaviour = {};

function scriptOf(command: readonly string[], args: readonly string[]): string | undefined {
  const argv = [...command, ...args];
  if (argv.length === 0) return undefined;
  const base = argv[0]!.split('/').pop()!;
  if (SHELLS.has(base)) {
    const c = argv.indexOf('-c');
    if (c < 0) return undefined; // an interactive shell waits for input
    return argv[c + 1] ?? '';
  }
  return argv.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

/** Behaviour of a container with this command line under the sim convention. */
export function simBehaviour(command: readonly string[], args: readonly string[]): SimBehaviour {
  const script = scriptOf(command, args);
  if (script === undefined) return RUNS_FOREVER;
  let afterMs = 0;
  let code = 0;
  for (const raw of script.split(/;|&&|\|\||\n/)) {
    const words = raw.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    const cmd = words[0]!.split('/').pop()!;
    switch (cmd) {
      case 'exit': {
        const n = words[1] === undefined ? code : Number.parseInt(words[1], 10);
        return { exit: { afterMs, code: Number.isFinite(n) ? ((n % 256) + 256) % 256 : 2 } };
      }
      case 'true': case ':': case 'echo': case 'printf':
        code = 0;
        break;
      case 'false':
        code = 1;
        break;
      case 'sleep': {
        const secs = Number(words[1]);
        if (!Number.isFinite(secs) || secs < 0) return RUNS_FOREVER;
        afterMs += secs * 1000;
        code = 0;
        break;
      }
      default:
        return RUNS_FOREVER;
    }
  }
  return { exit: { afterMs, code } };
}
