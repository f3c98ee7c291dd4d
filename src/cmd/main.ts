// The berth CLI: parses flags and hands over to one composition root per command.
import { Command } from 'commander';
import { KUBE_GIT_VERSION } from '../apiserver/index.js';
import { imageList, imageLoad, imagePull, imageRemove } from './image.js';
import { demo } from './demo/run.js';
import { reset } from './reset.js';
import { status } from './status.js';
import { up } from './up.js';

const program = new Command();
program.name('berth').description('A Kubernetes-compatible runtime for stateful workloads').version(`berth 0.1.0 (Kubernetes API ${KUBE_GIT_VERSION})`);

program.command('up')
  .description('run the whole cluster (API server, controllers, node agent) in the foreground')
  .option('--data-dir <dir>', 'where Berth keeps its state (default: per-user data directory)')
  .option('--listen <host:port>', 'API server address', '127.0.0.1:6443')
  .option('--store <url>', 'sqlite://PATH (default: <data-dir>/state.db)')
  .option('--merge-kubeconfig', 'also add a "berth" context to ~/.kube/config (or $KUBECONFIG) and make it current')
  .option('--context <name>', 'name of the kubeconfig context', 'berth')
  .option('--runtime <runtime>', 'linux: real pods with runc (needs root); sim: simulated pods, no root needed', 'linux')
  .option('--nodes <n>', 'number of simulated nodes (--runtime sim)', '1')
  .option('--pod-cidr <cidr>', 'IPv4 range the node gives pod IPs from (--runtime linux; fixed once the node registered)', '10.244.0.0/24')
  .option('--v <level>', 'log verbosity as in Kubernetes components: 0 = errors and info, 4 = debug', '0')
  .option('--logging-format <format>', 'text (klog lines) or json', 'text')
  .option('--enable-rbd', 'mount rbd volumes (pod and PV) through the rbd CLI of ceph-common (--runtime linux)')
  .action(async (o) => { await up(o); });

program.command('demo')
  .description('run the seed walkthrough: a StatefulSet whose pods get their own data back after deletion')
  .option('--data-dir <dir>', 'keep the demo cluster here (default: a temporary directory, removed afterwards)')
  .option('--keep', 'leave the cluster running at the end, to explore it with kubectl')
  .option('--runtime <runtime>', 'linux (real pods, needs root) or sim', 'linux')
  .option('--pull', 'try to pull nginx:1.9.1 from its registry before building a local one')
  .option('--listen <host:port>', 'API server address', '127.0.0.1:0')
  // Exit explicitly: the node's runtime keeps file watchers open on purpose (pods outlive berth).
  .action(async (o) => { process.exit(await demo(o)); });

program.command('status')
  .description('show whether Berth runs for a data directory and how healthy it is')
  .option('--data-dir <dir>', 'data directory')
  .action(async (o) => { process.exitCode = await status(o); });

program.command('reset')
  .description('delete a data directory and everything in it (asks first)')
  .option('--data-dir <dir>', 'data directory')
  .option('-y, --yes', 'do not ask')
  .action(async (o) => { process.exitCode = await reset(o); });

const image = program.command('image').description('manage the images pods run from (the node\'s image store)');
image.command('load <file>').description('load an image archive (docker save or OCI layout tar)')
  .option('--data-dir <dir>', 'data directory').option('--tag <ref>', 'name the loaded image (when the archive has no name)')
  .action(async (file, o) => { process.exitCode = await imageLoad(file, o); });
image.command('pull <ref>').description('pull an image from a registry (mirrors from <data-dir>/registries.yaml)')
  .option('--data-dir <dir>', 'data directory')
  .action(async (ref, o) => { process.exitCode = await imagePull(ref, o); });
image.command('ls').description('list images').option('--data-dir <dir>', 'data directory')
  .action(async (o) => { process.exitCode = await imageList(o); });
image.command('rm <ref...>').description('remove images by name or ID').option('--data-dir <dir>', 'data directory')
  .action(async (refs, o) => { process.exitCode = await imageRemove(refs, o); });

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`berth: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
