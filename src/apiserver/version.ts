// What /version reports: the Kubernetes API level Berth implements. kubectl's dispatcher picks
// its binary from major/minor, so they must be plain numbers.
export const KUBE_MAJOR = '1';
export const KUBE_MINOR = '33';
export const KUBE_GIT_VERSION = 'v1.33.0+berth';

export function versionInfo(buildDate: string): Record<string, string> {
  return {
    major: KUBE_MAJOR, minor: KUBE_MINOR, gitVersion: KUBE_GIT_VERSION, gitCommit: '', gitTreeState: 'clean',
    buildDate, goVersion: `node${process.versions.node}`, compiler: 'node', platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
