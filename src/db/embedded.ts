/**
 * Embedded PostgreSQL: PGlite (with pg_trgm and btree_gin) behind pglite-socket, so the same
 * postgres.js code talks to it over loopback. Used when no DATABASE_URL is set. PGlite is
 * loaded only then: a server on PostgreSQL never pays its memory (~10 MB).
 */
import type { PGlite } from "@electric-sql/pglite";

export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

/** Raised when another process already holds the embedded database. */
export class EmbeddedDatabaseInUse extends Error {
  constructor(dataDir: string) {
    super(
      `the embedded database in ${dataDir} is in use by another process: stop it first, ` +
        "or point DATABASE_URL at a PostgreSQL server",
    );
    this.name = "EmbeddedDatabaseInUse";
  }
}

/**
 * An exclusive lock on `dataDir` for this process: PGlite is a single-user PostgreSQL,
 * and two processes writing one data directory would corrupt it.
 */
async function lockDataDir(dataDir: string): Promise<Deno.FsFile> {
  const file = await Deno.open(`${dataDir}.lock`, { create: true, write: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const gotLock = await Promise.race([
    file.lock(true).then(() => true),
    new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), 2000)),
  ]);
  clearTimeout(timer);
  if (!gotLock) {
    file.close();
    throw new EmbeddedDatabaseInUse(dataDir);
  }
  return file;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * Starts PGlite on `dataDir` (created if missing; `memory://` for a throwaway one) or
 * from a `loadDataDir` dump, and serves it on a free loopback port.
 */
export async function startEmbedded(
  dataDir: string,
  options: { loadDataDir?: Blob } = {},
): Promise<EmbeddedServer & { db: PGlite }> {
  const persistent = !dataDir.startsWith("memory://");
  if (persistent) await Deno.mkdir(dataDir, { recursive: true });
  const lock = persistent ? await lockDataDir(dataDir) : null;
  const [{ PGlite }, { pg_trgm }, { btree_gin }, { PGLiteSocketServer }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("@electric-sql/pglite/contrib/pg_trgm"),
    import("@electric-sql/pglite/contrib/btree_gin"),
    import("@electric-sql/pglite-socket"),
  ]);
  const db = await PGlite.create({
    dataDir,
    extensions: { pg_trgm, btree_gin },
    loadDataDir: options.loadDataDir,
  });
  const port = freePort();
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port, maxConnections: 4 });
  await server.start();
  return {
    db,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      await db.close();
      lock?.close();
    },
  };
}
