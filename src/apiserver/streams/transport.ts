// ByteTransport: the byte pipe a SPDY session runs over. Two kinds: the raw upgraded socket
// (POST + `Upgrade: SPDY/3.1`) and a WebSocket whose binary messages carry the SPDY byte stream
// (kubectl >= 1.31 port-forward, subprotocol `SPDY/3.1+portforward.k8s.io`).
//
// Contract: `write` queues bytes in order; `needsDrain`/`onDrain` expose the outgoing buffer so
// writers can wait instead of buffering without bound; `pause`/`resume` stop and restart
// incoming bytes (the only flow control the session has: client-go sends no WINDOW_UPDATEs and
// ignores ours, so a slow consumer holds back the whole connection, as spdystream does).
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

export interface ByteTransport {
  write(bytes: Buffer): void;
  needsDrain(): boolean;
  onDrain(cb: () => void): void;
  pause(): void;
  resume(): void;
  /** Graceful close once queued bytes are out. */
  end(): void;
  destroy(): void;
  onData(cb: (bytes: Buffer) => void): void;
  /** Called once, whatever ended the transport. */
  onClose(cb: () => void): void;
}

export function socketTransport(socket: Socket, head: Buffer): ByteTransport {
  return {
    write: (b) => { if (socket.writable) socket.write(b); },
    needsDrain: () => socket.writableNeedDrain,
    onDrain: (cb) => waitDrain(socket, cb),
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    end: () => socket.end(),
    destroy: () => socket.destroy(),
    onData(cb) {
      // Bytes that arrived with the upgrade request belong to the session. They are handed over
      // after the caller's constructor has returned (handlers may refer to the session), and
      // before any later socket data, which only comes in a later I/O turn.
      if (head.length) queueMicrotask(() => cb(head));
      socket.on('data', cb);
    },
    onClose(cb) {
      let done = false;
      const once = () => { if (!done) { done = true; cb(); } };
      socket.once('close', once);
      socket.once('end', () => socket.end());
      socket.once('error', once);
    },
  };
}

export function webSocketTransport(ws: WebSocket, socket: Socket): ByteTransport {
  return {
    write: (b) => { if (ws.readyState === ws.OPEN) ws.send(b, { binary: true }); },
    needsDrain: () => socket.writableNeedDrain,
    onDrain: (cb) => waitDrain(socket, cb),
    pause: () => ws.pause(),
    resume: () => ws.resume(),
    end: () => ws.close(1000),
    destroy: () => ws.terminate(),
    onData(cb) {
      ws.on('message', (data, isBinary) => {
        // client-go's tunnel only sends binary messages; anything else is a protocol error.
        if (!isBinary) { ws.close(1003, 'binary messages only'); return; }
        cb(Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data));
      });
    },
    onClose(cb) { ws.once('close', () => cb()); },
  };
}

/** Calls cb once the socket has drained or is gone. */
export function waitDrain(socket: Socket, cb: () => void): void {
  if (!socket.writable || !socket.writableNeedDrain) { cb(); return; }
  const done = () => { socket.off('drain', done); socket.off('close', done); cb(); };
  socket.on('drain', done);
  socket.on('close', done);
}
