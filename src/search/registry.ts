/**
 * The registry of search apps: the one place an entity's search is plugged in (one
 * line each). Routes, global search, the change-feed sync and the CLI read this list.
 */
import type { SearchApp } from "./app.ts";
import { adviserSearchApp } from "../adviser/search.ts";
import { createSearchDomain } from "./routes.ts";

export const searchApps: SearchApp[] = [
  adviserSearchApp,
];

/** The search routes of the registered apps (listed in src/domains.ts). */
export const searchDomain = createSearchDomain(searchApps);
