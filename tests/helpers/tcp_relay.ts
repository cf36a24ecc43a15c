/**
 * A TCP relay to a local port that can go down and come back, as a server restart looks
 * to its clients: `down()` drops every connection and refuses new ones, `up()` accepts
 * again. Lets a test take "PostgreSQL" away without touching the shared server.
 */
export async function tcpRelay(targetPort: number) {
  const port = (() => {
    const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const { port } = probe.addr as Deno.NetAddr;
    probe.close();
    return port;
  })();
  const conns = new Set<Deno.Conn>();
  let listener: Deno.Listener | null = null;
  const closeQuietly = (conn: Deno.Conn) => {
    try {
      conn.close();
    } catch {
      // already closed
    }
  };
  const serve = (l: Deno.Listener) =>
    (async () => {
      for await (const client of l) {
        let upstream: Deno.Conn;
        try {
          upstream = await Deno.connect({ hostname: "127.0.0.1", port: targetPort });
        } catch {
          closeQuietly(client);
          continue;
        }
        conns.add(client).add(upstream);
        const pipe = (from: Deno.Conn, to: Deno.Conn) =>
          from.readable.pipeTo(to.writable).catch(() => {}).finally(() => {
            closeQuietly(from);
            closeQuietly(to);
            conns.delete(from);
          });
        pipe(client, upstream);
        pipe(upstream, client);
      }
    })().catch(() => {});
  const up = () => {
    listener = Deno.listen({ hostname: "127.0.0.1", port });
    serve(listener);
  };
  const down = () => {
    listener?.close();
    listener = null;
    for (const conn of conns) closeQuietly(conn);
    conns.clear();
  };
  up();
  await Promise.resolve();
  return { port, up, down };
}
