// Contract: the files every container of a pod sees at /etc/hosts, /etc/hostname and
// /etc/resolv.conf, written once per sandbox into <sandbox dir>/etc and bind-mounted (rw, as
// upstream does) into each container. /etc/hosts follows the kubelet's managed hosts file:
// localhost entries, then the pod IP with its FQDN (when a subdomain is set) and hostname,
// then hostAliases.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SandboxConfig } from '../types.js';

export const ETC_FILES = ['hosts', 'hostname', 'resolv.conf'] as const;

export function hostsFile(config: SandboxConfig, podIP: string | undefined): string {
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
  ];
  if (podIP) {
    const domain = config.clusterDomain ?? 'cluster.local';
    const names = config.subdomain
      ? [`${config.hostname}.${config.subdomain}.${config.podNamespace}.svc.${domain}`, config.hostname]
      : [config.hostname];
    lines.push(`${podIP}\t${names.join('\t')}`);
  }
  for (const a of config.hostAliases ?? []) {
    if (a.hostnames.length) lines.push(`${a.ip}\t${a.hostnames.join('\t')}`);
  }
  return `${lines.join('\n')}\n`;
}

export function resolvConf(dns: NonNullable<SandboxConfig['dns']>): string {
  const lines: string[] = [];
  if (dns.searches.length) lines.push(`search ${dns.searches.join(' ')}`);
  for (const s of dns.servers) lines.push(`nameserver ${s}`);
  if (dns.options.length) lines.push(`options ${dns.options.join(' ')}`);
  return `${lines.join('\n')}\n`;
}

/** Writes the three files; returns their paths by name. Without `dns` the node's resolv.conf is used. */
export async function writePodFiles(dir: string, config: SandboxConfig, podIP: string | undefined): Promise<Array<{ name: string; path: string }>> {
  await mkdir(dir, { recursive: true });
  const hostname = config.hostNetwork ? (await readFile('/proc/sys/kernel/hostname', 'utf8')).trim() : config.hostname;
  const resolv = config.dns ? resolvConf(config.dns) : await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  const hosts = config.hostNetwork ? await readFile('/etc/hosts', 'utf8').catch(() => hostsFile(config, undefined)) : hostsFile(config, podIP);
  const content: Record<(typeof ETC_FILES)[number], string> = { hosts, hostname: `${hostname}\n`, 'resolv.conf': resolv };
  const out = [];
  for (const name of ETC_FILES) {
    const path = join(dir, name);
    await writeFile(path, content[name], { mode: 0o644 });
    out.push({ name, path });
  }
  return out;
}
