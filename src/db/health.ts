/**
 * Whether PostgreSQL answers, as a pool's users need to know during an outage: requests
 * must get a quick 503, not wait on the driver. postgres.js (3.4) can leave a query
 * waiting on a connection that was dropped (it reconnects an unsent query without end
 * while the server is away), so its errors alone cannot be relied on.
 *
 * A gate probes the database on its own short-lived connection (`select 1`, bounded by
 * the connect timeout) when a user suspects it (a connection error, a request waiting
 * long), at most once a second while all is well. A failed probe marks the database
 * down: {@link DatabaseGate.outage} settles, so requests waiting on it answer at once,
 * and requests made while it is down answer 503 without touching the pool and probe it
 * again, at most every 250 ms, until it answers (no timer runs in the background).
 */
import postgres from "postgres";
type Sql = postgres.Sql;

const PROBE_INTERVAL_MS = 250;
const SUSPECT_INTERVAL_MS = 1000;

export class DatabaseGate {
  #down = false;
  #outage = new AbortController();
  #probing: Promise<void> | null = null;
  #lastProbe = -Infinity;

  constructor(readonly url: string, readonly timeoutMs: number) {}

  /** Known to be down: the last probe failed and none has answered since. */
  get down(): boolean {
    return this.#down;
  }

  /**
   * Aborts when the database is found down (aborted while it is). A signal, not a
   * promise: listeners are removed when a request ends, where reactions to a promise
   * that never settles would pile up for as long as the database stays up.
   */
  get outage(): AbortSignal {
    return this.#outage.signal;
  }

  /**
   * Something went wrong that an outage would explain, or a request found the database
   * down: probe, unless a probe is running or ran less than an interval ago.
   */
  suspect(): void {
    const interval = this.#down ? PROBE_INTERVAL_MS : SUSPECT_INTERVAL_MS;
    if (this.#probing || performance.now() - this.#lastProbe < interval) return;
    this.#lastProbe = performance.now();
    this.#probing = answers(this.url, this.timeoutMs).then((up) => {
      this.#probing = null;
      if (up) {
        if (this.#down) {
          this.#down = false;
          this.#outage = new AbortController();
        }
        return;
      }
      this.#down = true;
      this.#outage.abort();
    });
  }
}

/** Whether `select 1` answers on a new connection within `timeoutMs`. */
async function answers(url: string, timeoutMs: number): Promise<boolean> {
  const probe = postgres(url, {
    max: 1,
    connect_timeout: timeoutMs / 1000,
    onnotice: () => {},
    connection: { application_name: "datahub-api-probe" },
  });
  const timeout = Promise.withResolvers<boolean>();
  const timer = setTimeout(() => timeout.resolve(false), timeoutMs);
  try {
    return await Promise.race([probe`select 1`.then(() => true, () => false), timeout.promise]);
  } finally {
    clearTimeout(timer);
    probe.end({ timeout: 0 }).catch(() => {});
  }
}

const gates = new WeakMap<Sql, DatabaseGate>();

/** Gives `sql` its gate (done by `connect`). */
export function registerGate(sql: Sql, gate: DatabaseGate): void {
  gates.set(sql, gate);
}

/** The gate of the pool `sql`, when it was opened by `connect`. */
export function databaseGate(sql: Sql): DatabaseGate | undefined {
  return gates.get(sql);
}
