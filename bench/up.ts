// `berth up` time-to-ready (API answers, node Ready, default StorageClass present: the moment it
// prints the KUBECONFIG line) and idle RSS, beside a bare `node -e ''` start in the same run.
// Anchors from the issue: k3d 19.9 s, kind 33 s, minikube 50.8 s; k3s ~550 MB idle.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BERTH = join(import.meta.dirname, '..', 'bin', 'berth');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }

function start(dataDir: string, runtime: string): Promise<{ ms: number; pid: number; stop: () => Promise<void> }> {
  const t = performance.now();
  const child = spawn(BERTH, ['up', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--runtime', runtime], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (c) => {
      out += c;
      if (out.includes('export KUBECONFIG=')) {
        resolve({ ms: performance.now() - t, pid: child.pid!, stop: () => new Promise((r) => { child.on('exit', () => r()); child.kill('SIGINT'); }) });
      }
    });
    child.on('exit', (code) => reject(new Error(`berth up exited with ${code}: ${out}`)));
  });
}

const nodeStart: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t = performance.now();
  spawnSync(process.execPath, ['-e', '']);
  nodeStart.push(performance.now() - t);
}
async function measure(runtime: string): Promise<{ first: number; again: number; rssMb: number }> {
  const first: number[] = [];
  const again: number[] = [];
  let rssMb = 0;
  for (let i = 0; i < RUNS; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'berth-bench-up-'));
    try {
      const a = await start(dir, runtime);
      first.push(a.ms);
      await a.stop();
      const b = await start(dir, runtime);
      again.push(b.ms);
      await new Promise((r) => setTimeout(r, 3000));
      const status = readFileSync(`/proc/${b.pid}/status`, 'utf8');
      rssMb = Math.max(rssMb, Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
      await b.stop();
    } finally {
      spawnSync(BERTH, ['reset', '--data-dir', dir, '--yes'], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { first: median(first), again: median(again), rssMb };
}

// The default runtime (linux, real pods) needs root and runc; sim runs anywhere.
const runtimes = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v runc && command -v conmon']).status === 0 ? ['sim', 'linux'] : ['sim'];
const base = median(nodeStart);
console.log(`node -e ''                              ${base.toFixed(0).padStart(6)} ms`);
for (const runtime of runtimes) {
  const r = await measure(runtime);
  console.log(`berth up --runtime ${runtime.padEnd(5)} first start    ${r.first.toFixed(0).padStart(6)} ms   ${(r.first / base).toFixed(1)}x node start   (target < 1000 ms; k3d 19.9 s, kind 33 s)`);
  console.log(`berth up --runtime ${runtime.padEnd(5)} restart        ${r.again.toFixed(0).padStart(6)} ms   ${(r.again / base).toFixed(1)}x node start`);
  console.log(`berth up --runtime ${runtime.padEnd(5)} idle RSS       ${r.rssMb.toFixed(0).padStart(6)} MB   (target < 150 MB; k3s ~550 MB)`);
}
