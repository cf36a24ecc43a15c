/**
 * Export win handlers: parse, check references, run the win's validators, write the win
 * with its children and the customer response, record the version, and queue the
 * customer's review links (after the commit); the public review by token; the company's
 * legacy-shaped list.
 */
import type { Context } from "hono";
import { writeMeta } from "../http/write_meta.ts";
import type { App, AppEnv } from "../http/context.ts";
import type { Db } from "../db/pool.ts";
import { ApiError, type FieldErrors, notFound, ValidationError } from "../http/errors.ts";
import { paginate, readPage } from "../http/pagination.ts";
import { parseSortby } from "../http/sortby.ts";
import { missingReferences, type Reference, referencesOf } from "../core/references.ts";
import { recordWrite } from "../core/tracking.ts";
import { callerId } from "../auth/caller.ts";
import { enqueueAfterCommit, type PendingJobs } from "../jobs/after_commit.ts";
import * as routes from "./routes.ts";
import type { CustomerResponseInput, WinInput } from "./routes.ts";
import * as q from "./queries.ts";
import { contributingAdvisers, winValidationErrors } from "./rules.ts";
import { sendLeadOfficerReceipt, sendReviewLink } from "./jobs.ts";

type Win = typeof routes.winSchema._output;

const SINGLE: Record<string, string> = {
  adviser: "company_advisor",
  lead_officer: "company_advisor",
  company: "company_company",
  customer_location: "export_win_winukregion",
  type: "export_win_wintype",
  country: "metadata_country",
  goods_vs_services: "export_win_expectedvaluerelation",
  sector: "metadata_sector",
  hvc: "export_win_hvc",
  hvo_programme: "export_win_hvoprogrammes",
  team_type: "export_win_teamtype",
  hq_team: "export_win_hqteamregionorpost",
  business_potential: "export_win_businesspotential",
  export_experience: "company_exportexperience",
  company_export: "company_companyexport",
};
const LISTS: Record<string, string> = {
  company_contacts: "company_contact",
  type_of_support: "export_win_supporttype",
  associated_programme: "export_win_associatedprogramme",
  team_members: "company_advisor",
};

/** DRF's order: field errors (missing references included) first, then the validators. */
async function checkInput(db: Db, input: WinInput) {
  const refs: Reference[] = referencesOf(input, SINGLE, LISTS);
  input.breakdowns?.forEach((b, i) =>
    refs.push({ path: ["breakdowns", i, "type"], table: "export_win_breakdowntype", id: b.type })
  );
  for (const field of ["advisers", "contributing_advisers"] as const) {
    input[field]?.forEach((a, i) => {
      refs.push({ path: [field, i, "adviser"], table: "company_advisor", id: a.adviser });
      refs.push({ path: [field, i, "team_type"], table: "export_win_teamtype", id: a.team_type });
      refs.push({
        path: [field, i, "hq_team"],
        table: "export_win_hqteamregionorpost",
        id: a.hq_team,
      });
    });
  }
  const errors: FieldErrors = await missingReferences(db, refs);
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const nonField = winValidationErrors(input);
  if (nonField.length) throw new ValidationError({ non_field_errors: nonField });
}

const CHILDREN = new Set([
  "breakdowns",
  "advisers",
  "contributing_advisers",
  "company_contacts",
  "type_of_support",
  "associated_programme",
  "team_members",
]);

function columns(input: WinInput): q.Columns {
  const result: q.Columns = {};
  for (const [field, value] of Object.entries(input)) {
    if (value === undefined || CHILDREN.has(field)) continue;
    result[field in SINGLE ? `${field}_id` : field] = value as string | number | boolean | null;
  }
  return result;
}

/** Breakdowns, contributing advisers and the many-to-many lists the body names. */
async function writeChildren(db: Db, id: string, input: WinInput, at: Date, by: string | null) {
  if (input.breakdowns !== undefined) {
    await q.replaceBreakdowns(db, id, input.breakdowns, at, by);
  }
  const advisers = contributingAdvisers(input);
  if (advisers !== undefined) await q.replaceWinAdvisers(db, id, advisers, at, by);
  for (const field of ["company_contacts", "type_of_support", "associated_programme"] as const) {
    const ids = input[field];
    if (ids !== undefined) await q.setMembers(db, id, field, ids);
  }
  if (input.team_members !== undefined) {
    await q.setMembers(db, id, "team_members", [...new Set(input.team_members)]);
  }
  await q.recalculateTotals(db, id);
}

function pendingJobs(c: Context<AppEnv>): PendingJobs {
  return { enqueue: (job, payload, options) => enqueueAfterCommit(c, job, payload, options) };
}

/** `confirmed=true|false|null` (any case, trimmed); anything else does not filter. */
function confirmedFilter(raw: string | undefined): boolean | null | undefined {
  const value = raw?.trim().toLowerCase();
  if (value === "null") return null;
  if (value === "true") return true;
  if (value === "false") return false;
  return undefined;
}

async function loadWin(db: Db, id: string, adviserId: string | null): Promise<Win> {
  const win = await q.findWin(db, id, adviserId);
  if (!win) throw notFound("Win");
  return win as Win;
}

/** The token's response for the public review; unknown or expired tokens are 404s. */
async function useToken(c: Context<AppEnv>, tokenId: string) {
  const token = await q.useToken(c.var.db, tokenId, c.var.deps.now());
  if (!token) throw notFound();
  return token;
}

async function publicResponse(db: Db, token: { customer_response_id: string; contact_id: string }) {
  const response = await q.findPublicResponse(db, token.customer_response_id, token.contact_id);
  if (!response) throw notFound();
  return response;
}

const RESPONSE_REFS: Record<string, string> = {
  our_support: "export_win_rating",
  access_to_contacts: "export_win_rating",
  access_to_information: "export_win_rating",
  improved_profile: "export_win_rating",
  gained_confidence: "export_win_rating",
  developed_relationships: "export_win_rating",
  overcame_problem: "export_win_rating",
  expected_portion_without_help: "export_win_withoutoursupport",
  last_export: "export_win_experience",
  marketing_source: "export_win_marketingsource",
};

function responseColumns(input: CustomerResponseInput): q.Columns {
  const result: q.Columns = {};
  for (const [field, value] of Object.entries(input)) {
    if (value === undefined) continue;
    result[field in RESPONSE_REFS ? `${field}_id` : field] = value as string | boolean | null;
  }
  return result;
}

export function registerExportWinRoutes(app: App) {
  app.openapi(routes.listWins, async (c) => {
    const query = c.req.valid("query");
    const page = readPage(c);
    const result = await q.listWins(c.var.db, {
      adviserId: callerId(c.var.caller)!,
      confirmed: confirmedFilter(query.confirmed),
      sort: parseSortby(query.sortby, q.winSortChoices, q.defaultWinSort),
      page,
    });
    return c.json({
      ...paginate(c, page, result.count, result.results as Win[]),
      confirmed: result.confirmed,
    }, 200);
  });

  app.openapi(routes.createWin, async (c) => {
    const input = c.req.valid("json");
    const db = c.var.db;
    await checkInput(db, input);
    const meta = writeMeta(c, "Win created");
    const { at, userId: by } = meta;
    const id = await q.insertWin(db, {
      ...columns(input),
      created_on: at,
      modified_on: at,
      created_by_id: by,
      modified_by_id: by,
    });
    await writeChildren(db, id, input, at, by);
    const responseId = await q.insertCustomerResponse(db, id, at, by);
    const jobs = pendingJobs(c);
    for (const contact of await q.winContacts(db, id)) {
      await sendReviewLink(db, jobs, c.var.deps, responseId, contact, at);
    }
    await recordWrite(db, q.winEntity, id, meta);
    return c.json(await loadWin(db, id, null), 201);
  });

  app.openapi(routes.getWin, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await loadWin(c.var.db, id, callerId(c.var.caller)!), 200);
  });

  app.openapi(routes.updateWin, async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    const db = c.var.db;
    const caller = callerId(c.var.caller)!;
    const state = await q.lockVisibleWin(db, id, caller);
    if (!state) throw notFound("Win");
    await checkInput(db, input);
    if (state.contributing_adviser_ids.includes(caller)) {
      throw new ApiError(403, { detail: "A win cannot be changed by contributing advisers." });
    }
    // The submitting adviser never changes.
    delete input.adviser;
    const meta = writeMeta(c, "Win updated");
    const { at, userId: by } = meta;
    await q.updateWin(db, id, { ...columns(input), modified_on: at, modified_by_id: by });
    await writeChildren(db, id, input, at, by);
    await recordWrite(db, q.winEntity, id, meta);
    return c.json(await loadWin(db, id, null), 200);
  });

  app.openapi(routes.resendWin, async (c) => {
    const { id } = c.req.valid("param");
    const db = c.var.db;
    const state = await q.lockVisibleWin(db, id, callerId(c.var.caller)!);
    if (!state) throw notFound("Win");
    // A customer who already answered gets no new link.
    if (state.agree_with_win !== null) throw notFound();
    const [contact] = await q.winContacts(db, id);
    if (!contact) throw notFound();
    await sendReviewLink(
      db,
      pendingJobs(c),
      c.var.deps,
      state.customer_response_id,
      contact,
      c.var.deps.now(),
    );
    return c.json({ message: "Email has successfully been re-sent" }, 200);
  });

  app.openapi(routes.getReview, async (c) => {
    const token = await useToken(c, c.req.valid("param").token_pk);
    return c.json(await publicResponse(c.var.db, token) as never, 200);
  });

  app.openapi(routes.updateReview, async (c) => {
    const { token_pk } = c.req.valid("param");
    const input = c.req.valid("json");
    const db = c.var.db;
    const token = await useToken(c, token_pk);
    const errors = await missingReferences(db, referencesOf(input, RESPONSE_REFS));
    if (Object.keys(errors).length) throw new ValidationError(errors);
    const at = c.var.deps.now();
    await q.updateCustomerResponse(db, token.customer_response_id, {
      ...responseColumns(input),
      responded_on: at,
      modified_on: at,
    });
    // One use: the link expires once answered.
    await q.expireToken(db, token_pk, at);
    await recordWrite(db, q.winEntity, (await q.winOfResponse(db, token.customer_response_id))!, {
      ...writeMeta(c),
      at,
    });
    await sendLeadOfficerReceipt(db, pendingJobs(c), c.var.deps, token.customer_response_id, at);
    return c.json(await publicResponse(db, token) as never, 200);
  });

  for (const route of [routes.putReview, routes.deleteReview]) {
    app.openapi(route, () => {
      throw notFound();
    });
  }

  app.openapi(routes.companyWins, async (c) => {
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    const db = c.var.db;
    if (!await q.companyExists(db, id)) throw notFound();
    const page = readPage(c);
    const result = await q.listCompanyWins(db, {
      companyId: id,
      confirmed: confirmedFilter(query.confirmed),
      sort: parseSortby(query.sortby, q.companyWinSortChoices, q.defaultWinSort),
      page,
    });
    return c.json(paginate(c, page, result.count, result.results as never[]), 200);
  });
}
