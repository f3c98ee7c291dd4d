// Contract: the uid/gid/groups a container runs as, the way CRI runtimes decide it: the image's
// USER (`name`, `uid`, `name:group`, `uid:gid`) looked up in the image's /etc/passwd and
// /etc/group (the topmost layer that has the file), overridden by securityContext runAsUser /
// runAsGroup, plus supplementalGroups. A name the image does not know is an error (upstream:
// CreateContainerError); a numeric id needs no entry.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RuntimeError } from '../types.js';

export interface ResolvedUser { uid: number; gid: number; additionalGids: number[]; home: string }

interface PasswdEntry { name: string; uid: number; gid: number; home: string }
interface GroupEntry { name: string; gid: number; members: string[] }

async function topmost(layerDirs: readonly string[], rel: string): Promise<string> {
  for (let i = layerDirs.length - 1; i >= 0; i--) {
    const text = await readFile(join(layerDirs[i]!, rel), 'utf8').catch(() => undefined);
    if (text !== undefined) return text;
  }
  return '';
}

function parsePasswd(text: string): PasswdEntry[] {
  return text.split('\n').flatMap((l) => {
    const f = l.split(':');
    if (f.length < 7 || l.startsWith('#')) return [];
    return [{ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5] || '/' }];
  });
}

function parseGroup(text: string): GroupEntry[] {
  return text.split('\n').flatMap((l) => {
    const f = l.split(':');
    if (f.length < 4 || l.startsWith('#')) return [];
    return [{ name: f[0]!, gid: Number(f[2]), members: f[3] ? f[3].split(',') : [] }];
  });
}

const isId = (s: string) => /^\d+$/.test(s);

export async function resolveUser(opts: {
  imageUser?: string; layerDirs: readonly string[]; runAsUser?: number; runAsGroup?: number; supplementalGroups?: readonly number[];
}): Promise<ResolvedUser> {
  const passwd = parsePasswd(await topmost(opts.layerDirs, 'etc/passwd'));
  const groups = parseGroup(await topmost(opts.layerDirs, 'etc/group'));
  const [userPart = '', groupPart] = (opts.imageUser ?? '').split(':');
  let entry: PasswdEntry | undefined;
  let uid = 0;
  if (opts.runAsUser !== undefined) {
    uid = opts.runAsUser;
    entry = passwd.find((p) => p.uid === uid);
  } else if (userPart === '') {
    entry = passwd.find((p) => p.uid === 0);
  } else if (isId(userPart)) {
    uid = Number(userPart);
    entry = passwd.find((p) => p.uid === uid);
  } else {
    entry = passwd.find((p) => p.name === userPart);
    if (!entry) throw new RuntimeError(`unable to find user ${userPart}: no matching entries in passwd file`, 'CreateContainerError');
    uid = entry.uid;
  }
  let gid = entry?.gid ?? 0;
  if (opts.runAsGroup !== undefined) gid = opts.runAsGroup;
  else if (groupPart !== undefined && groupPart !== '' && opts.runAsUser === undefined) {
    if (isId(groupPart)) gid = Number(groupPart);
    else {
      const g = groups.find((x) => x.name === groupPart);
      if (!g) throw new RuntimeError(`unable to find group ${groupPart}: no matching entries in group file`, 'CreateContainerError');
      gid = g.gid;
    }
  }
  // As containerd does, the primary group is listed among the supplementary ones too.
  const additional = new Set<number>([gid]);
  if (entry) for (const g of groups) if (g.members.includes(entry.name) && g.gid !== gid) additional.add(g.gid);
  for (const g of opts.supplementalGroups ?? []) additional.add(g);
  return { uid, gid, additionalGids: [...additional], home: entry?.home ?? '/' };
}
