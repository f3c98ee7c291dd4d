// The wire side of one exchange: which packets are queries worth answering (miekg/dns's
// default accept rules, which CoreDNS serves with), replies with the header bits CoreDNS sets,
// EDNS0 (RFC 6891) and truncation to the client's UDP size (RFC 1035 4.2.1, RFC 2181 9).
import dnsPacket, { type DecodedPacket, type OptAnswer, type Packet } from 'dns-packet';
import type { Question, Rcode, Reply } from './resolve.js';

const QR = 1 << 15;
const AA = 1 << 10;
const TC = 1 << 9;
const RD = 1 << 8;
const RA = 1 << 7;
const CD = 1 << 4;
const HEADER = 12;

const RCODES: Record<Rcode, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };
/** Extended RCODE 16 (RFC 6891 6.1.3): the high 8 bits go in the OPT record. */
const BADVERS_HIGH = 1;

/** Plain DNS over UDP: 512 bytes unless EDNS0 says more. */
export const MIN_UDP_SIZE = 512;
/** What we advertise we take over UDP: DNS Flag Day 2020's size, no IP fragmentation. */
export const ADVERTISED_UDP_SIZE = 1232;

export interface Query {
  readonly id: number;
  readonly flags: number;
  /** As asked, case kept: replies echo it (RFC 4343, and 0x20 case randomization in resolvers). */
  readonly question: Question & { readonly class: string };
  /** Present when the query carried an OPT record. */
  readonly edns?: { readonly udpSize: number; readonly version: number; readonly dnssecOk: boolean };
}

export type Parsed =
  | { readonly kind: 'drop' }
  | { readonly kind: 'error'; readonly response: Buffer }
  | { readonly kind: 'query'; readonly query: Query; readonly packet: DecodedPacket };

/** A header-only reply (no question) with `rcode`, as miekg/dns answers what it cannot parse. */
function headerReply(buf: Buffer, rcode: number): Buffer {
  const out = Buffer.alloc(HEADER);
  out.writeUInt16BE(buf.readUInt16BE(0), 0);
  const flags = buf.readUInt16BE(2);
  out.writeUInt16BE(QR | (flags & 0x7800) | (flags & RD) | rcode, 2);
  return out;
}

export function parseQuery(buf: Buffer): Parsed {
  // Too short to carry an ID to answer to, or itself a response (reflection loops): silence.
  if (buf.length < HEADER || buf.readUInt16BE(2) & QR) return { kind: 'drop' };
  const opcode = (buf.readUInt16BE(2) >> 11) & 0xf;
  if (opcode !== 0) return { kind: 'error', response: headerReply(buf, RCODES.NOTIMP) };
  const [qd, an, ns, ar] = [4, 6, 8, 10].map((o) => buf.readUInt16BE(o));
  if (qd !== 1 || an > 1 || ns > 1 || ar > 2) return { kind: 'error', response: headerReply(buf, RCODES.FORMERR) };
  let packet: DecodedPacket;
  try {
    packet = dnsPacket.decode(buf);
  } catch {
    return { kind: 'error', response: headerReply(buf, RCODES.FORMERR) };
  }
  const q = packet.questions?.[0];
  if (!q) return { kind: 'error', response: headerReply(buf, RCODES.FORMERR) };
  const opt = packet.additionals?.find((a): a is OptAnswer => a.type === 'OPT');
  return {
    kind: 'query', packet,
    query: {
      id: packet.id ?? 0, flags: packet.flags ?? 0,
      question: { name: q.name, type: q.type, class: q.class ?? 'IN' },
      edns: opt ? { udpSize: opt.udpPayloadSize, version: opt.ednsVersion, dnssecOk: opt.flag_do } : undefined,
    },
  };
}

/** The largest UDP payload IPv4 can carry. */
const MAX_UDP_PAYLOAD = 65507;

/** The most a UDP reply to this query may carry (RFC 6891 6.2.5: below 512 means 512). */
export function udpLimit(q: Query): number {
  return Math.min(MAX_UDP_PAYLOAD, Math.max(MIN_UDP_SIZE, q.edns?.udpSize ?? MIN_UDP_SIZE));
}

function optRecord(q: Query, extendedRcode = 0): OptAnswer {
  return {
    type: 'OPT', name: '.', udpPayloadSize: ADVERTISED_UDP_SIZE, extendedRcode, ednsVersion: 0,
    flags: q.edns?.dnssecOk ? dnsPacket.DNSSEC_OK : 0, flag_do: q.edns?.dnssecOk ?? false, options: [],
  };
}

/**
 * The reply packet: QR, the query's opcode, RD and CD echoed, RA set (names outside the zone
 * are forwarded), AA for answers from the zone, the question as asked, OPT when the query had one.
 */
export function replyPacket(q: Query, r: Reply): Packet {
  const flags = (q.flags & 0x7800) | (q.flags & (RD | CD)) | RA | (r.authoritative ? AA : 0) | RCODES[r.rcode];
  return {
    type: 'response', id: q.id, flags,
    questions: [{ name: q.question.name, type: q.question.type as never, class: q.question.class as never }],
    answers: r.answers, authorities: r.authorities,
    additionals: q.edns ? [...r.additionals, optRecord(q)] : r.additionals,
  };
}

/** RFC 6891 6.1.3: a query with an EDNS version we do not speak gets BADVERS and our OPT. */
export function badVersion(q: Query): Buffer {
  return dnsPacket.encode({
    type: 'response', id: q.id, flags: (q.flags & (RD | CD)) | RA,
    questions: [{ name: q.question.name, type: q.question.type as never, class: q.question.class as never }],
    additionals: [optRecord(q, BADVERS_HIGH)],
  });
}

/**
 * Encodes `p`, fitting it in `limit` bytes when given (UDP). Additional records go first and
 * need no TC (RFC 2181 9: they are optional); if the answers still do not fit, as many as fit
 * are kept and TC is set so the client retries over TCP. The OPT record always stays.
 */
export function encodeWithin(p: Packet, limit?: number): Buffer {
  const full = dnsPacket.encode(p);
  if (limit === undefined || full.length <= limit) return full;
  const opt = (p.additionals ?? []).filter((a) => a.type === 'OPT');
  const noExtra = { ...p, additionals: opt };
  if (dnsPacket.encodingLength(noExtra) <= limit) return dnsPacket.encode(noExtra);
  const answers = p.answers ?? [];
  // The largest prefix of the answers that fits: binary search over its length.
  let lo = 0;
  let hi = answers.length;
  const sized = (n: number): Packet => ({ ...p, flags: (p.flags ?? 0) | TC, answers: answers.slice(0, n), authorities: [], additionals: opt });
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (dnsPacket.encodingLength(sized(mid)) <= limit) lo = mid;
    else hi = mid - 1;
  }
  return dnsPacket.encode(sized(lo));
}
