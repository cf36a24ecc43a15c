/**
 * Cancelling the queries of a request whose client went away, without touching any
 * other request's.
 *
 * A CancelRequest names a backend, not a query: it stops whatever that backend runs
 * when it arrives. It is safe because the pool never gives a connection a second query
 * while one runs (src/db/pool.ts): a query still running as far as the driver knows
 * (its ReadyForQuery not yet read) has nothing behind it on its connection, so checked
 * right before the request is written, the backend runs that query or nothing. What can
 * still follow it is a later query of the same connection, after the driver has read
 * the end of this one; a transaction therefore waits for its cancels to be acted on
 * ({@link QueryTracker.settled}) before it ends and gives its connection back.
 *
 * postgres.js's own `query.cancel()` is used only for a pool query still waiting for a
 * connection (it is taken out of the queue): on a query handed to a busy connection it
 * makes the next query take the cancelled one's rows, and on a query waiting in a
 * transaction's own queue it leaves the transaction's later queries (its ROLLBACK too)
 * never sent. Such queries are left to run; in a transaction they fail as soon as the
 * running one is cancelled, and the statement timeout bounds the rest.
 */
import type { Db, Sql } from "./pool.ts";

/** How long a cancel waits for PostgreSQL to act on it (close the cancel connection). */
const CANCEL_WAIT_MS = 2000;

/** A query postgres.js has been asked to run (`executed`), as its fields show it. */
interface Started {
  executed?: boolean;
  /** The connection's current query: sent, its end not yet read. */
  active?: boolean;
  /** The backend of the connection it was handed to (null while it waits in the pool). */
  state?: { pid: number | null; secret: number | null } | null;
  cancel(): Promise<void> | void;
  reject(error: unknown): void;
}

/**
 * Asks PostgreSQL to cancel `query` (the protocol's CancelRequest, on a connection of
 * its own) if its backend still runs it once that connection is open; resolves when
 * PostgreSQL has acted on it (closed the connection) or after {@link CANCEL_WAIT_MS}.
 * Never rejects: PostgreSQL may be away (postgres.js's own cancel drops that promise,
 * an unhandled rejection that would end the process).
 */
async function cancelRunning(sql: Sql, query: Started): Promise<void> {
  const backend = query.state!;
  const { pid, secret } = backend;
  if (pid === null || secret === null) return;
  const { host, port } = sql.options;
  const late = Promise.withResolvers<"late">();
  const timer = setTimeout(() => late.resolve("late"), CANCEL_WAIT_MS);
  const opening = Deno.connect({ hostname: host[0], port: port[0] });
  try {
    const conn = await Promise.race([opening, late.promise]);
    if (conn === "late") {
      opening.then((conn) => conn.close(), () => {});
      return;
    }
    try {
      // Opening took an event-loop turn: the query may have ended meanwhile.
      if (!query.active || backend.pid !== pid) return;
      const message = new DataView(new ArrayBuffer(16));
      message.setInt32(0, 16);
      message.setInt32(4, 80877102);
      message.setInt32(8, pid);
      message.setInt32(12, secret);
      await conn.write(new Uint8Array(message.buffer));
      // PostgreSQL closes the connection once it has signalled the backend.
      const closed = (async () => {
        while (await conn.read(new Uint8Array(16)) !== null);
      })();
      closed.catch(() => {});
      await Promise.race([closed, late.promise]);
    } finally {
      conn.close();
    }
  } catch {
    // PostgreSQL away: nothing more to do.
  } finally {
    clearTimeout(timer);
  }
}

/**
 * postgres.js's codes for a connection that is gone, and the SQLSTATEs of a backend
 * told to go (57P) or of a lost connection (class 08).
 */
const GONE = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "ECONNRESET",
  "EPIPE",
  "57P01",
  "57P02",
  "57P03",
]);

/** Whether `error` says the query's connection is gone (not only that the query failed). */
export function connectionGone(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (GONE.has(code) || code.startsWith("08"));
}

/**
 * The queries a request made through its `db`: cancelled together when it is aborted,
 * and, in a transaction, refused once its connection is gone.
 *
 * postgres.js keeps a transaction's queries bound to the connection object it began on,
 * and the pool reopens that object for the next query waiting once the connection
 * drops. A query the request made after that (or the driver's ROLLBACK when the request
 * ends) was written on whatever that object had become: on a closed socket, which left
 * the driver's write buffer stale so that later queries there were never sent (a
 * request hung until its client gave up, around a PostgreSQL restart), or into another
 * request's transaction. So once a transaction query fails because its connection is
 * gone ({@link QueryTracker.lost}), further queries through `db` fail at once, and the
 * transaction is not ended (src/http/transaction.ts): PostgreSQL has rolled it back.
 */
export class QueryTracker {
  #queries = new Set<Started>();
  #cancels: Promise<void>[] = [];
  #cancelled = false;
  #inTransaction = false;
  #lost = false;

  /** A transaction query failed because its connection is gone. */
  get lost(): boolean {
    return this.#lost;
  }

  /** The transaction's connection closed (postgres.js failed its `begin`). */
  lose(): void {
    this.#lost = true;
  }

  constructor(readonly sql: Sql) {}

  /**
   * `db` as the request sees it: every query run through it is remembered (a fragment
   * is never run, so only run queries are acted on). `inTransaction` when `db` is the
   * request's transaction.
   */
  track<T extends Db>(db: T, inTransaction: boolean): T {
    const queries = this.#queries;
    this.#inTransaction = inTransaction;
    const lose = () => this.#lost = true;
    const lost = () => this.#lost;
    return new Proxy(db, {
      apply(target, thisArg, args) {
        if (inTransaction && lost()) {
          throw Object.assign(
            new Error("CONNECTION_CLOSED: the transaction's connection is gone"),
            {
              code: "CONNECTION_CLOSED",
            },
          );
        }
        const result = Reflect.apply(target as never, thisArg, args);
        if (
          result instanceof Promise && typeof (result as Partial<Started>).cancel === "function"
        ) {
          const query = result as unknown as Started;
          queries.add(query);
          if (inTransaction) {
            // Its own field, called as the driver fails it: before anything awaiting it runs.
            const reject = query.reject;
            query.reject = (error) => {
              if (connectionGone(error)) lose();
              reject(error);
            };
          }
        }
        return result;
      },
    });
  }

  /**
   * Cancels the running queries. Deferred by a task, so that no query is caught between
   * being run and being handed to the pool (postgres.js would then give it a
   * connection it never uses again).
   */
  cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    const done = Promise.withResolvers<void>();
    this.#cancels.push(done.promise);
    setTimeout(() => {
      const cancels: Promise<void>[] = [];
      for (const query of this.#queries) {
        if (!query.executed) continue;
        if (query.active && query.state) cancels.push(cancelRunning(this.sql, query));
        else if (!query.state && !this.#inTransaction) {
          cancels.push(Promise.resolve(query.cancel()).catch(() => {}));
        }
      }
      Promise.all(cancels).then(() => done.resolve());
    }, 0);
  }

  /** Resolves once every cancel asked for has been acted on (or given up). */
  settled(): Promise<void> {
    return Promise.all(this.#cancels).then(() => {});
  }
}
