// Writing responses: JSON bodies, Status errors, warnings.
import type { ServerResponse } from 'node:http';
import { toStatus } from '../status.js';

export function writeJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json', warnings: readonly string[] = []): void {
  if (res.headersSent) { res.end(); return; }
  const data = JSON.stringify(body);
  res.statusCode = code;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Cache-Control', 'no-cache, private');
  res.setHeader('Content-Length', Buffer.byteLength(data));
  try {
    if (warnings.length) res.setHeader('Warning', warnings.map(warningHeader));
  } catch {
    // A warning must never cost the response itself.
  }
  res.end(data);
}

export function writeError(res: ServerResponse, e: unknown, warnings: readonly string[] = []): void {
  const status = toStatus(e);
  writeJson(res, status.code, status, 'application/json', warnings);
}

export function warningHeader(text: string): string {
  // RFC 7234 warn-text is a quoted-string; upstream uses code 299 and agent "-". Header values
  // must be printable ASCII here (Node throws otherwise), so anything else is \u-escaped.
  const quoted = JSON.stringify(text.replace(/[\r\n]+/g, ' '));
  return `299 - ${quoted.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}`;
}
