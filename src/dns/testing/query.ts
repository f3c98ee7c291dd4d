// A minimal DNS client for tests (this module's and the e2e ones): real UDP and TCP sockets,
// replies matched by ID, a deadline so a silent server fails the test instead of hanging it.
// Not part of the module's public surface.
import { createSocket } from 'node:dgram';
import { connect, isIP } from 'node:net';
import dnsPacket, { type DecodedPacket, type Packet } from 'dns-packet';

const DEADLINE_MS = 5000;

/** Sends each message from one UDP socket; resolves with the first reply for each wanted ID. */
export async function udpExchange(host: string, port: number, msgs: Buffer[], wantIds: number[]): Promise<Map<number, Buffer>> {
  const sock = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
  const got = new Map<number, Buffer>();
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no UDP reply for ids ${wantIds.filter((i) => !got.has(i))}`)), DEADLINE_MS);
      sock.on('message', (m) => {
        if (m.length >= 2 && !got.has(m.readUInt16BE(0))) got.set(m.readUInt16BE(0), m);
        if (wantIds.every((i) => got.has(i))) { clearTimeout(timer); resolve(); }
      });
      sock.bind(0, host, () => { for (const m of msgs) sock.send(m, port, host); });
    });
  } finally {
    sock.close();
  }
  return got;
}

/** Sends raw messages on one TCP connection, all at once (pipelined) or each after the previous reply. */
export async function tcpExchange(host: string, port: number, msgs: Buffer[], pipelined = false): Promise<DecodedPacket[]> {
  const sock = connect(port, host);
  const out: DecodedPacket[] = [];
  let buf = Buffer.alloc(0);
  const framed = (m: Buffer) => {
    const len = Buffer.alloc(2);
    len.writeUInt16BE(m.length);
    return Buffer.concat([len, m]);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${out.length} of ${msgs.length} TCP replies`)), DEADLINE_MS);
      sock.on('error', reject);
      sock.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          out.push(dnsPacket.decode(buf.subarray(2, 2 + buf.readUInt16BE(0))));
          buf = buf.subarray(2 + buf.readUInt16BE(0));
          if (!pipelined && out.length < msgs.length) sock.write(framed(msgs[out.length]));
        }
        if (out.length === msgs.length) { clearTimeout(timer); resolve(); }
      });
      sock.write(pipelined ? Buffer.concat(msgs.map(framed)) : framed(msgs[0]));
    });
  } finally {
    sock.destroy();
  }
  return out;
}

/** One query over UDP or TCP; the decoded reply and its size on the wire. */
export async function query(host: string, port: number, p: Packet, transport: 'udp' | 'tcp' = 'udp'): Promise<DecodedPacket & { size: number }> {
  const buf = dnsPacket.encode(p);
  if (transport === 'tcp') {
    const [r] = await tcpExchange(host, port, [buf]);
    return Object.assign(r, { size: dnsPacket.encodingLength(r) });
  }
  const out = (await udpExchange(host, port, [buf], [p.id ?? 0])).get(p.id ?? 0)!;
  return Object.assign(dnsPacket.decode(out), { size: out.length });
}

/** A recursive query packet for name/type. */
export const question = (id: number, name: string, type = 'A', extra: Partial<Packet> = {}): Packet =>
  ({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: type as never, class: 'IN' }], ...extra });

export const rcodeOf = (p: DecodedPacket): string => (p as unknown as { rcode: string }).rcode;

/** The data of the answers of one type, sorted (A by default). */
export const dataOf = (p: DecodedPacket, type = 'A', section: 'answers' | 'additionals' = 'answers'): string[] =>
  (p[section] ?? []).filter((a) => a.type === type).map((a) => {
    const d = (a as { data: unknown }).data;
    return typeof d === 'string' ? d : JSON.stringify(d);
  }).sort();
