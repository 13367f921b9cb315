import net from 'node:net';

/**
 * `pass` forwards bytes both ways; `cut` destroys every open socket and refuses new ones (a
 * database that went away); `blackhole` accepts connections and forwards nothing (a database or
 * network that hangs: TCP up, no answer).
 */
export type ProxyMode = 'pass' | 'cut' | 'blackhole';

export interface TcpProxy {
  readonly port: number;
  mode(): ProxyMode;
  setMode(mode: ProxyMode): void;
  /** Connections forwarded so far (in `pass` mode). */
  forwarded(): number;
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 (a free port) in front of `target`, for tests that take the
 * database away from the gateway and give it back.
 */
export async function startTcpProxy(target: { host: string; port: number }, initial: ProxyMode = 'pass'): Promise<TcpProxy> {
  let mode: ProxyMode = initial;
  let forwarded = 0;
  const open = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    // Resets of sockets this proxy destroys are expected.
    socket.on('error', () => socket.destroy());
  };
  const server = net.createServer((client) => {
    track(client);
    if (mode === 'cut') {
      client.resetAndDestroy();
      return;
    }
    if (mode === 'blackhole') {
      // Read and drop whatever comes: the peer waits for an answer that never comes.
      client.on('data', () => undefined);
      return;
    }
    forwarded += 1;
    const upstream = net.connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the proxy has no port');
  return {
    port: address.port,
    mode: () => mode,
    setMode(next) {
      mode = next;
      if (next === 'cut') {
        for (const socket of open) socket.resetAndDestroy();
      } else if (next === 'blackhole') {
        // Open connections go silent: nothing more is forwarded either way.
        for (const socket of open) {
          socket.unpipe();
          socket.removeAllListeners('data');
          socket.on('data', () => undefined);
        }
      }
    },
    forwarded: () => forwarded,
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
