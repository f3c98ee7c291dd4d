// Contract: RegistryClient speaks the OCI distribution protocol (pull side) to one endpoint:
// a `/v2/` probe, then manifests and blobs of one repository. It handles auth (Bearer token
// per the challenge, Basic, anonymous), the HTTP fallback allowed for the endpoint, and maps
// statuses to ImageErrors the kubelet can show: 404 → NotFound, 401/403 → Unauthorized,
// 429 → TooManyRequests, 5xx and transport failures → Network. Manifest bytes are checked
// against the digest asked for or announced (Docker-Content-Digest); blobs are checked by the
// store while they stream in.
import type { Readable } from 'node:stream';
import { basicHeader, fetchToken, parseChallenge, type Challenge } from './auth.js';
import { sha256 } from './blobs.js';
import type { CredentialLookup, RegistryCredential } from './credentials.js';
import { digestMismatch, ImageError, invalidImage, network, notFound, unauthorized } from './errors.js';
import { header, readBody, request, type Response } from './http.js';
import { MANIFEST_ACCEPT } from './media.js';
import { isDigest } from './reference.js';
import type { Endpoint } from './registries.js';

export interface ClientOptions {
  /** Pull-secret and node credentials, looked up by endpoint host (and by the upstream name on the registry itself). */
  credentials?: CredentialLookup;
  /** The upstream registry name (docker.io), for credential lookup on the default endpoint. */
  upstream: string;
  signal?: AbortSignal;
}

export interface FetchedManifest { bytes: Buffer; mediaType: string; digest: string }

// What a TLS client sees when the server speaks plain HTTP.
const TLS_MISMATCH = new Set(['EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ECONNRESET']);

async function registryMessage(res: Response): Promise<string> {
  const body = await readBody(res, 64 << 10).catch(() => Buffer.alloc(0));
  try {
    const first = JSON.parse(body.toString('utf8'))?.errors?.[0];
    if (first?.code) return `${first.code}: ${first.message ?? ''}`.trim();
  } catch { /* not the spec's error body */ }
  return `HTTP ${res.status}`;
}

export class RegistryClient {
  private base: string;
  private authorization?: string;
  private probed = false;
  private readonly cred: RegistryCredential | undefined;

  constructor(readonly endpoint: Endpoint, private readonly opts: ClientOptions) {
    this.base = endpoint.base;
    // Pull secrets for the upstream registry go only to the registry itself, never to a mirror.
    this.cred = endpoint.credential ?? opts.credentials?.(endpoint.host, endpoint.path) ??
      (endpoint.mirror ? undefined : opts.credentials?.(opts.upstream, endpoint.path));
  }

  get scope(): string {
    return `repository:${this.endpoint.path}:pull`;
  }

  private async once(suffix: string, accept?: string): Promise<Response> {
    const headers: Record<string, string> = {};
    if (accept) headers.accept = accept;
    if (this.authorization) headers.authorization = this.authorization;
    const go = () => request(`${this.base}${suffix}`, { headers, tls: this.endpoint.tls, signal: this.opts.signal });
    try {
      return await go();
    } catch (e) {
      const code = ((e as ImageError).cause as NodeJS.ErrnoException | undefined)?.code ?? '';
      if (!this.endpoint.httpFallback || !this.base.startsWith('https:') || !TLS_MISMATCH.has(code)) throw e;
      this.base = this.base.replace(/^https:/, 'http:');
      return go();
    }
  }

  private async authenticate(challenge: Challenge | undefined): Promise<void> {
    if (challenge?.scheme === 'bearer') {
      // The endpoint's TLS settings (its CA, insecure_skip_verify) are for the endpoint only, not for a token server elsewhere.
      const sameHost = (() => { try { return new URL(challenge.params.realm ?? '').host === this.endpoint.host; } catch { return false; } })();
      const tls = sameHost ? this.endpoint.tls : undefined;
      this.authorization = `Bearer ${await fetchToken(challenge, this.scope, this.cred, { tls, signal: this.opts.signal })}`;
    } else if (challenge?.scheme === 'basic' && this.cred?.username) {
      this.authorization = basicHeader(this.cred);
    } else {
      throw unauthorized(`${this.endpoint.host} requires authentication${this.cred ? ' this client cannot provide' : ' and no credentials are configured (imagePullSecrets or registries.yaml)'}`);
    }
  }

  /** The `/v2/` probe: learns whether and how to authenticate before the first real request. */
  async probe(): Promise<void> {
    if (this.probed) return;
    const res = await this.once('/');
    res.body.resume();
    if (res.status === 401) await this.authenticate(parseChallenge(header(res, 'www-authenticate')));
    else if (res.status >= 500) throw network(`${this.endpoint.host}: /v2/ answered ${res.status}`);
    else if (res.status !== 200) throw network(`${this.endpoint.host} does not look like a registry (/v2/ answered ${res.status})`);
    this.probed = true;
  }

  /** GET with auth: one retry after a 401 with a fresh token (tokens expire; scopes differ). */
  private async get(suffix: string, what: string, accept?: string): Promise<Response> {
    await this.probe();
    let res = await this.once(suffix, accept);
    if (res.status === 401) {
      const challenge = parseChallenge(header(res, 'www-authenticate'));
      res.body.resume();
      await this.authenticate(challenge);
      res = await this.once(suffix, accept);
    }
    if (res.status === 200) return res;
    const msg = await registryMessage(res);
    if (res.status === 404) throw notFound(`${what}: not found (${msg})`);
    if (res.status === 401 || res.status === 403) {
      throw unauthorized(`pull access denied for ${what}, repository does not exist or may require authorization: ${msg}`);
    }
    if (res.status === 429) throw new ImageError('TooManyRequests', `${what}: too many requests: ${msg}`);
    if (res.status >= 500) throw network(`${what}: registry error ${res.status}: ${msg}`);
    throw invalidImage(`${what}: registry answered ${res.status}: ${msg}`);
  }

  /** Fetches a manifest or index by tag or digest and checks its digest. */
  async getManifest(reference: string, display: string): Promise<FetchedManifest> {
    const res = await this.get(`/${this.endpoint.path}/manifests/${reference}`, display, MANIFEST_ACCEPT);
    const bytes = await readBody(res);
    const digest = sha256(bytes);
    const announced = header(res, 'docker-content-digest');
    if (isDigest(reference) && digest !== reference) throw digestMismatch(`manifest of ${display}`, reference, digest);
    if (announced?.startsWith('sha256:') && announced !== digest) throw digestMismatch(`manifest of ${display}`, announced, digest);
    return { bytes, mediaType: (header(res, 'content-type') ?? '').split(';')[0]!.trim(), digest };
  }

  /** Opens a blob's byte stream (after redirects); the caller verifies it. */
  async openBlob(digest: string, display: string): Promise<Readable> {
    const res = await this.get(`/${this.endpoint.path}/blobs/${digest}`, `${display} blob ${digest}`);
    return res.body;
  }
}
