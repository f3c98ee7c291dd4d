// FakeUpstream: a stand-in for the resolvers in /etc/resolv.conf, on a loopback address, so no
// test ever forwards to a real one. It answers A for example.com and www.example.com with a
// documentation address (192.0.2.10), NXDOMAIN for everything else, and records what it saw.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIP, type Server } from 'node:net';
import dnsPacket from 'dns-packet';

/** A stand-in upstream resolver: answers A for example.com and www.example.com, NXDOMAIN else; records the IDs it saw. */
export class FakeUpstream {
  readonly ids: number[] = [];
  readonly protos: string[] = [];
  private udp!: UdpSocket;
  private tcp!: Server;
  port = 0;

  constructor(private readonly host: string) {}

  answer(buf: Buffer): Buffer {
    const q = dnsPacket.decode(buf);
    this.ids.push(q.id ?? -1);
    const name = q.questions?.[0]?.name ?? '';
    const known = ['example.com', 'www.example.com'].includes(name.toLowerCase());
    return dnsPacket.encode({
      type: 'response', id: q.id, flags: dnsPacket.RECURSION_AVAILABLE | (known ? 0 : 3), questions: q.questions,
      answers: known && q.questions?.[0]?.type === 'A' ? [{ type: 'A', name, ttl: 60, class: 'IN', data: '192.0.2.10' }] : [],
    });
  }

  async start(): Promise<void> {
    this.udp = createSocket(isIP(this.host) === 6 ? 'udp6' : 'udp4');
    await new Promise<void>((r) => this.udp.bind(0, this.host, () => r()));
    this.port = this.udp.address().port;
    this.udp.on('message', (m, rinfo) => { this.protos.push('udp'); this.udp.send(this.answer(m), rinfo.port, rinfo.address); });
    this.tcp = createServer((sock) => {
      sock.on('error', () => {});
      sock.once('data', (d) => {
        this.protos.push('tcp');
        const out = this.answer(d.subarray(2, 2 + d.readUInt16BE(0)));
        const len = Buffer.alloc(2);
        len.writeUInt16BE(out.length);
        sock.end(Buffer.concat([len, out]));
      });
    });
    await new Promise<void>((r) => this.tcp.listen(this.port, this.host, () => r()));
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.udp.close(() => r()));
    await new Promise<void>((r) => this.tcp.close(() => r()));
  }
}
