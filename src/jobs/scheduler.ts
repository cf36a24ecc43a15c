/**
 * Cron schedules (croner, UTC). Every worker runs a scheduler, as RQ workers ran
 * `with_scheduler`; each run is claimed once through `enqueueOnce` on the key
 * `schedule:<name>:<fire time>`, so however many workers are up, a run is queued once.
 * Unlike rq-scheduler, a scheduled run is an ordinary job with its job's retries, and
 * runs missed while no worker was up are not replayed: the first run after start-up is
 * the next fire time, and a late tick fires a schedule at most once.
 */
import { errorFields } from "../log.ts";
import { Cron } from "croner";
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import type { JobDefinition } from "./definition.ts";
import { type JobQueue, serializePayload } from "./queue.ts";

/** The original's gates: boolean ENABLE_* variables in src/config.ts. */
export type ScheduleFlag = {
  [K in keyof Config]: K extends `ENABLE_${string}` ? Config[K] extends boolean ? K : never
    : never;
}[keyof Config];

export interface Schedule<P = unknown> {
  name: string;
  /** Five-field cron, evaluated in UTC. */
  cron: string;
  job: JobDefinition<P>;
  payload: P;
  /** Runs only when this variable is true; always when unset. */
  enabledBy?: ScheduleFlag;
}

/** One line of the schedule table: `schedule("name", "0 1 * * *", job, { enabledBy })`. */
export function schedule<P>(
  name: string,
  cron: string,
  job: JobDefinition<P>,
  options: { payload?: P; enabledBy?: ScheduleFlag } = {},
): Schedule<P> {
  return { name, cron, job, payload: options.payload ?? ({} as P), enabledBy: options.enabledBy };
}

/** How long a claim on a run lasts: longer than any clock skew between workers. */
const CLAIM_TTL_MS = 24 * 3600_000;

interface Planned {
  schedule: Schedule;
  cron: Cron;
  next: Date | null;
}

export interface SchedulerOptions {
  schedules: Schedule[];
  queue: JobQueue;
  config: Config;
  log: Logger;
  now: () => Date;
}

export class Scheduler {
  #planned: Planned[];
  #options: SchedulerOptions;
  #timer?: ReturnType<typeof setInterval>;
  #ticking?: Promise<void>;

  constructor(options: SchedulerOptions) {
    this.#options = options;
    const now = options.now();
    this.#planned = options.schedules
      .filter((s) => !s.enabledBy || options.config[s.enabledBy])
      .map((s) => {
        serializePayload(s.job, s.payload);
        const cron = new Cron(s.cron, { timezone: "UTC" });
        return { schedule: s, cron, next: cron.nextRun(now) };
      });
  }

  /** Names and next fire times of the enabled schedules. */
  get plan(): { name: string; next: Date | null }[] {
    return this.#planned.map((p) => ({ name: p.schedule.name, next: p.next }));
  }

  /** Queues every schedule whose fire time has come (once per fire time across workers). */
  async tick(): Promise<void> {
    const { queue, log, now } = this.#options;
    const at = now();
    for (const planned of this.#planned) {
      const due = planned.next;
      if (!due || due > at) continue;
      planned.next = planned.cron.nextRun(at);
      const { name, job, payload } = planned.schedule;
      const id = await queue.enqueueOnce(`schedule:${name}:${due.toISOString()}`, job, payload, {
        ttlMs: CLAIM_TTL_MS,
      });
      log.info("schedule", {
        schedule: name,
        job: job.name,
        fire_time: due.toISOString(),
        outcome: id ? "queued" : "claimed elsewhere",
        ...(id ? { id } : {}),
      });
    }
  }

  /** Ticks every `intervalMs` until {@link stop}. */
  start(intervalMs = 1000): void {
    this.#timer = setInterval(() => {
      this.#ticking ??= this.tick()
        .catch((error) => this.#options.log.error("schedule tick failed", errorFields(error)))
        .finally(() => (this.#ticking = undefined));
    }, intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#ticking;
  }
}
