/**
 * Enqueueing from inside a transaction: the job is queued only once the data it refers
 * to is committed, and not at all on rollback, so a job never loads rolled-back or
 * not-yet-visible rows. Handlers use {@link enqueueAfterCommit}; code outside HTTP (jobs,
 * commands) wraps its writes in {@link transactionWithJobs}.
 */
import type { Context } from "hono";
import type { AppEnv } from "../http/context.ts";
import type { AppDeps } from "../deps.ts";
import type { TransactionSql } from "../db/pool.ts";
import type { JobDefinition } from "./definition.ts";
import { type EnqueueOptions, serializePayload } from "./queue.ts";

/**
 * Queues `job` after the request's transaction commits. The payload is checked now, so
 * a bad payload fails the request instead of vanishing after the commit.
 */
export function enqueueAfterCommit<P>(
  c: Context<AppEnv>,
  job: JobDefinition<P>,
  payload: P,
  options?: EnqueueOptions,
): void {
  serializePayload(job, payload);
  c.var.afterCommit(() => c.var.deps.jobs.enqueue(job, payload, options));
}

/** Collects enqueues made inside {@link transactionWithJobs}. */
export interface PendingJobs {
  enqueue<P>(job: JobDefinition<P>, payload: P, options?: EnqueueOptions): void;
}

/**
 * Runs `work` in one transaction and queues the jobs it asked for once it commits. If
 * `work` throws, the transaction rolls back, nothing is queued, and the error propagates.
 */
export async function transactionWithJobs<T>(
  deps: Pick<AppDeps, "sql" | "jobs">,
  work: (tx: TransactionSql, jobs: PendingJobs) => Promise<T>,
): Promise<T> {
  const pending: (() => Promise<unknown>)[] = [];
  const jobs: PendingJobs = {
    enqueue(job, payload, options) {
      serializePayload(job, payload);
      pending.push(() => deps.jobs.enqueue(job, payload, options));
    },
  };
  const result = await deps.sql.begin((tx) => work(tx, jobs)) as T;
  for (const enqueue of pending) await enqueue();
  return result;
}
