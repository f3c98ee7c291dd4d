// Contract: runs a helper program (mknod, setfattr) with a script on stdin and resolves when it
// exits 0; anything else rejects with the program's stderr. Helpers are batched, one process
// per layer rather than one per entry, because each fork costs several milliseconds here.
import { spawn } from 'node:child_process';

export class HelperMissing extends Error {}

export function runHelper(cmd: string, args: string[], opts: { cwd: string; input: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < 4096) stderr += d; });
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'ENOENT' ? new HelperMissing(`${cmd} not found`) : e);
    });
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${cmd} exited with ${code}: ${stderr.trim()}`));
    });
    child.stdin.on('error', () => { /* the exit code tells */ });
    child.stdin.end(opts.input);
  });
}

/** Quotes a path for sh: single quotes, with embedded ones closed and escaped. */
export const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Escapes a path the way getfattr dumps it, so `setfattr --restore` reads it back byte for byte. */
export function xattrDumpPath(p: string): string {
  let out = '';
  for (const b of Buffer.from(p, 'utf8')) {
    out += b <= 0x20 || b >= 0x7f || b === 0x5c || b === 0x22 ? `\\${b.toString(8).padStart(3, '0')}` : String.fromCharCode(b);
  }
  return out;
}
