/**
 * The composition root's derivations: from the list of domain manifests (src/domains.ts)
 * to what the entry points wire — the app's route sets, the search apps, the worker's
 * jobs and schedules, the CLI's commands and the contributions handed to shared code.
 * It imports only shared machinery: the manifests arrive as an argument.
 */
import type { Domain } from "./manifest.ts";
import type { SearchApp } from "./search/app.ts";
import type { AnyJob } from "./jobs/definition.ts";
import type { Schedule } from "./jobs/scheduler.ts";
import type { Command } from "./cli/command.ts";
import type { Contributions } from "./core/contributions.ts";
import { createSearchDomain } from "./search/domain.ts";
import { jobsDomain } from "./jobs/domain.ts";
import { createWorkerCommand, queueCommand } from "./jobs/commands.ts";
import { migrateCommand } from "./db/commands.ts";
import type { Dataset } from "./dataset/dataset.ts";
import { createDatasetDomain } from "./dataset/domain.ts";
import type { ActivityFeed } from "./activity_stream/feed.ts";
import { createActivityStreamDomain } from "./activity_stream/domain.ts";
import { type CacheSource, cacheSourcesStep } from "./core/cache_version.ts";
import { adviserCacheSources } from "./auth/adviser_cache.ts";

export interface Registry {
  /** The domains' manifests, then the shared machinery's (jobs, search). */
  domains: Domain[];
  searchApps: SearchApp[];
  /** Every job a worker can run (queued ones and every schedule's). */
  jobs: AnyJob[];
  schedules: Schedule[];
  /** Every CLI command but `serve`, which the CLI wiring adds (it builds the HTTP app). */
  commands: Record<string, Command>;
  contributions: Contributions;
  /** Every dataset the domains declare. */
  datasets: Dataset[];
  /** Every activity-stream feed the domains declare. */
  activityFeeds: ActivityFeed[];
  /** Every table cached things are built from (the triggers installed after migrations). */
  cacheSources: CacheSource[];
}

export function composeRegistry(manifests: Domain[]): Registry {
  const searchApps = manifests.flatMap((d) => d.searchApps ?? []);
  const datasets = manifests.flatMap((d) => d.datasets ?? []);
  unique("dataset", datasets.map((d) => d.name));
  const activityFeeds = manifests.flatMap((d) => d.activityFeeds ?? []);
  unique("activity feed", activityFeeds.map((f) => f.path));
  const domains = [
    ...manifests,
    jobsDomain,
    createSearchDomain(searchApps),
    createDatasetDomain(datasets),
    createActivityStreamDomain(activityFeeds),
  ];
  unique("domain", domains.map((d) => d.name));
  unique("search app", searchApps.map((a) => a.name));
  const schedules = domains.flatMap((d) => d.schedules ?? []);
  unique("schedule", schedules.map((s) => s.name));
  const jobs = uniqueJobs([
    ...domains.flatMap((d) => d.jobs ?? []),
    ...schedules.map((s) => s.job),
  ]);
  const commands: Record<string, Command> = {
    worker: createWorkerCommand({ jobs, schedules }),
    queue: queueCommand,
    migrate: migrateCommand,
  };
  for (const domain of domains) {
    for (const [name, command] of Object.entries(domain.commands ?? {})) {
      if (commands[name]) throw new Error(`two commands are named "${name}"`);
      commands[name] = command;
    }
  }
  const cacheSources = [...adviserCacheSources, ...domains.flatMap((d) => d.cacheSources ?? [])];
  const contributions: Contributions = {
    embeddings: domains.flatMap((d) => d.embeddings ?? []),
    adviserActivity: domains.flatMap((d) => d.adviserActivity ?? []),
    companiesInUse: domains.flatMap((d) => d.companiesInUse ?? []),
    afterMigrate: [
      ...domains.flatMap((d) => d.afterMigrate ?? []),
      cacheSourcesStep(cacheSources),
    ],
  };
  return {
    domains,
    searchApps,
    jobs,
    schedules,
    commands,
    contributions,
    datasets,
    activityFeeds,
    cacheSources,
  };
}

function unique(kind: string, names: string[]) {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new Error(`two ${kind}s are named "${name}"`);
    seen.add(name);
  }
}

/** A job may back several schedules; two different jobs may not share a name. */
function uniqueJobs(list: AnyJob[]): AnyJob[] {
  const byName = new Map<string, AnyJob>();
  for (const job of list) {
    const known = byName.get(job.name);
    if (known && known !== job) throw new Error(`two jobs are named "${job.name}"`);
    byName.set(job.name, job);
  }
  return [...byName.values()];
}
