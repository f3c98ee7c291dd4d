// Authentication: bearer tokens and client certificates signed by the cluster CA.
// There is no anonymous access to resources (upstream with --anonymous-auth=false, except the
// public info endpoints the HTTP layer lists).
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { timingSafeEqual } from 'node:crypto';
import type { UserInfo } from './request.js';

export interface Authenticator {
  authenticate(req: IncomingMessage): UserInfo | undefined;
}

export interface TokenEntry { readonly token: string; readonly user: UserInfo }

function sameToken(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export function createAuthenticator(tokens: readonly TokenEntry[]): Authenticator {
  return {
    authenticate(req) {
      const header = req.headers.authorization;
      if (header) {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
        if (!m) return undefined;
        return tokens.find((t) => sameToken(t.token, m[1]))?.user;
      }
      const socket = req.socket as TLSSocket;
      if (socket.authorized && typeof socket.getPeerCertificate === 'function') {
        const cert = socket.getPeerCertificate();
        const cn = cert?.subject?.CN;
        if (cn) {
          const o = cert.subject.O;
          return { name: Array.isArray(cn) ? cn[0] : cn, groups: o === undefined ? [] : Array.isArray(o) ? o : [o] };
        }
      }
      return undefined;
    },
  };
}
