// A TCP proxy on loopback between Gatehouse processes and PostgreSQL, for outage tests: it
// forwards bytes both ways until told to fail, then either refuses connections (the listener is
// closed, as while PostgreSQL restarts) or swallows them (accepted, never answered, as a network
// partition looks), and drops every open connection. Restoring listens on the same port again.
// The shared PostgreSQL server itself is never touched.
import net from "node:net";

export type Outage = "refuse" | "blackhole";

export type TcpProxy = {
  /** The proxy's port on 127.0.0.1 (stable across outages). */
  port: number;
  /** Connections accepted and forwarded so far. */
  forwarded(): number;
  /** Drops every open connection; new ones are refused or swallowed until restore(). */
  fail(mode: Outage): Promise<void>;
  /** Forwards again. */
  restore(): Promise<void>;
  close(): Promise<void>;
};

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let mode: "up" | Outage = "up";
  let count = 0;

  const server = net.createServer((client) => {
    open.add(client);
    client.on("close", () => open.delete(client));
    client.on("error", () => {});
    if (mode !== "up") return; // swallowed: accepted, never answered (dropped on restore)
    count++;
    const upstream = net.connect(target.port, target.host);
    open.add(upstream);
    upstream.on("close", () => {
      open.delete(upstream);
      client.destroy();
    });
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  const dropAll = () => {
    for (const s of open) s.destroy();
    open.clear();
  };
  const stopListening = () => new Promise<void>((r) => (server.listening ? server.close(() => r()) : r()));

  const ensureListening = async () => {
    if (server.listening) return;
    // The port was ours a moment ago; retry briefly if the kernel still holds it.
    for (let i = 0; ; i++) {
      try {
        await listen(port);
        return;
      } catch (err) {
        if (i >= 20) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };

  return {
    port,
    forwarded: () => count,
    async fail(m) {
      mode = m;
      if (m === "refuse") {
        const closed = stopListening(); // close() waits for open sockets: drop them now
        dropAll();
        await closed;
      } else {
        dropAll();
        await ensureListening();
      }
    },
    async restore() {
      dropAll(); // swallowed connections end now, as a partition healing would reset them
      mode = "up";
      await ensureListening();
    },
    async close() {
      mode = "refuse";
      const closed = stopListening();
      dropAll();
      await closed;
    },
  };
}
