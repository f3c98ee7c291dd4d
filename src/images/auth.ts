// Contract: the distribution spec's token authentication. A registry answers 401 with
// `WWW-Authenticate: Bearer realm=…,service=…,scope=…`; we ask the realm for a token
// (anonymously, with Basic credentials, or with an OAuth2 refresh token) and send it as
// `Authorization: Bearer`. A `Basic` challenge gets the credentials directly. Refusals map to
// ImageError('Unauthorized'); an unreachable token server to 'Network'.
import type { RegistryCredential } from './credentials.js';
import { network, unauthorized } from './errors.js';
import { readBody, request, type TlsOptions } from './http.js';

export interface Challenge { scheme: string; params: Record<string, string> }

/** Parses the first challenge of a WWW-Authenticate header (RFC 7235 auth-params). */
export function parseChallenge(headerValue: string | undefined): Challenge | undefined {
  if (!headerValue) return undefined;
  const m = /^\s*([A-Za-z][\w-]*)\s*(.*)$/s.exec(headerValue);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /\s*([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/gy;
  re.lastIndex = 0;
  const rest = m[2]!;
  let p: RegExpExecArray | null;
  while (re.lastIndex < rest.length && (p = re.exec(rest))) {
    params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]!;
  }
  return { scheme: m[1]!.toLowerCase(), params };
}

export const basicHeader = (c: RegistryCredential) =>
  `Basic ${Buffer.from(`${c.username ?? ''}:${c.password ?? ''}`).toString('base64')}`;

/** Fetches a bearer token for `scope` from the challenge's realm. */
export async function fetchToken(challenge: Challenge, scope: string, cred: RegistryCredential | undefined,
  opts: { tls?: TlsOptions; signal?: AbortSignal } = {}): Promise<string> {
  if (cred?.registryToken) return cred.registryToken;
  const realm = challenge.params.realm;
  if (!realm) throw unauthorized('registry asked for a bearer token but named no token realm');
  const url = new URL(realm);
  const service = challenge.params.service;
  let res;
  if (cred?.identityToken) {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: cred.identityToken, client_id: 'berth', ...(service ? { service } : {}), scope });
    res = await request(url.href, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(form.toString()), ...opts });
  } else {
    if (service) url.searchParams.set('service', service);
    if (scope) url.searchParams.set('scope', scope);
    res = await request(url.href, { headers: cred?.username ? { authorization: basicHeader(cred) } : {}, ...opts });
  }
  const body = await readBody(res, 1 << 20);
  if (res.status === 401 || res.status === 403) {
    throw unauthorized(`token request to ${url.origin}${url.pathname} was refused (${res.status})${cred ? '' : ': the registry wants credentials (imagePullSecrets)'}`);
  }
  if (res.status >= 500) throw network(`token server ${url.origin} answered ${res.status}`);
  if (res.status !== 200) throw unauthorized(`token request to ${url.origin}${url.pathname} failed with ${res.status}`);
  let doc: any;
  try { doc = JSON.parse(body.toString('utf8')); } catch { throw unauthorized(`token server ${url.origin} did not answer JSON`); }
  const token = doc?.token ?? doc?.access_token;
  if (typeof token !== 'string' || !token) throw unauthorized(`token server ${url.origin} sent no token`);
  return token;
}
