/** Company handlers: parse, check, write through queries.ts, record the write, respond. */
import { writeMeta } from "../http/write_meta.ts";
import type { Context } from "hono";
import type { App, AppEnv } from "../http/context.ts";
import type { Db } from "../db/pool.ts";
import { type Caller, callerId, hasPermission } from "../auth/caller.ts";
import {
  ApiError,
  type FieldErrors,
  mergeErrors,
  nonFieldError,
  notFound,
  notImplemented,
  permissionDenied,
  ValidationError,
} from "../http/errors.ts";
import { paginate, readPage } from "../http/pagination.ts";
import { parseSortby } from "../http/sortby.ts";
import { missingReferences, type Reference, referencesOf } from "../core/references.ts";
import { registerArchive } from "../core/archive.ts";
import { registerAudit } from "../core/audit.ts";
import { recordWrite } from "../core/tracking.ts";
import * as routes from "./routes.ts";
import type { AddressInput, CompanyInput } from "./routes.ts";
import * as q from "./queries.ts";
import {
  ADDRESS_COLUMNS,
  blankAddress,
  checkCompanyValidators,
  DNB_READ_ONLY,
  fieldErrors,
  messages,
  PUBLIC_COMPANY_FIELDS,
  TIER_D_ITA,
  withScheme,
} from "./rules.ts";

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices.";

/** Reference fields of the company body → the table each points at. */
const REF_TABLES = {
  business_type: "metadata_businesstype",
  employee_range: "metadata_employeerange",
  headquarter_type: "metadata_headquartertype",
  global_headquarters: "company_company",
  sector: "metadata_sector",
  turnover_range: "metadata_turnoverrange",
  uk_region: "metadata_ukregion",
  export_experience_category: "company_exportexperiencecategory",
} as const;
const SCALARS = [
  "name",
  "trading_names",
  "company_number",
  "vat_number",
  "description",
  "export_segment",
  "export_sub_segment",
  "strategy",
] as const;

/** No permission-gated parts: the public view shows none of them. */
const PUBLIC_VIEW: q.CompanyView = {
  documents: false,
  exportCountries: false,
  contactDocuments: false,
};

export function companyView(caller: Caller): q.CompanyView {
  return {
    documents: hasPermission(caller, "company.view_company_document"),
    exportCountries: hasPermission(caller, "company.view_companyexportcountry"),
    contactDocuments: hasPermission(caller, "company.view_contact_document"),
  };
}

async function loadCompany(db: Db, id: string, caller: Caller) {
  const company = await q.findCompany(db, id, companyView(caller));
  if (!company) throw notFound("Company");
  return company;
}

function references(input: CompanyInput): Reference[] {
  const refs = referencesOf(input, REF_TABLES);
  for (const prefix of ["address", "registered_address"] as const) {
    const address = input[prefix];
    if (address?.area) {
      refs.push({ path: [prefix, "area"], table: "metadata_administrativearea", id: address.area });
    }
    if (address?.country) {
      refs.push({ path: [prefix, "country"], table: "metadata_country", id: address.country });
    }
  }
  return refs;
}

function addressColumns(
  prefix: "address" | "registered_address",
  sent: AddressInput,
  create: boolean,
) {
  const parts = create ? { ...blankAddress(), ...sent } : sent;
  const columns: q.CompanyColumns = {};
  for (const [part, suffix] of Object.entries(ADDRESS_COLUMNS)) {
    const value = parts[part as keyof AddressInput];
    if (value !== undefined) columns[`${prefix}_${suffix}`] = value;
  }
  return columns;
}

function toColumns(input: CompanyInput, create: boolean): q.CompanyColumns {
  const columns: q.CompanyColumns = {};
  for (const field of SCALARS) {
    if (input[field] !== undefined) columns[field] = input[field] as string | string[] | null;
  }
  if (input.website !== undefined) columns.website = withScheme(input.website) ?? null;
  for (const field of Object.keys(REF_TABLES) as (keyof typeof REF_TABLES)[]) {
    if (input[field] !== undefined) columns[`${field}_id`] = input[field];
  }
  if (input.address) Object.assign(columns, addressColumns("address", input.address, create));
  if (input.registered_address !== undefined) {
    const sent = input.registered_address ?? blankAddress();
    Object.assign(columns, addressColumns("registered_address", sent, create));
  }
  return columns;
}

/** Runs every check of the serializer against the sent data and the stored row. */
async function validate(db: Db, input: CompanyInput, stored: q.CompanyRow | null) {
  const errors: FieldErrors = await missingReferences(db, references(input));
  const globalHqType = input.global_headquarters
    ? await q.headquarterTypeOf(db, input.global_headquarters)
    : undefined;
  const hasSubsidiaries = stored ? await q.hasSubsidiaries(db, stored.id) : false;
  mergeErrors(errors, fieldErrors(input, stored, { globalHqType, hasSubsidiaries }));
  if (Object.keys(errors).length) throw new ValidationError(errors);

  const storedValues = (stored ?? {}) as Record<string, unknown>;
  const combined = (field: string): unknown => {
    if (field === "address_country") {
      if (input.address && "country" in input.address) return input.address.country;
      return storedValues.address_country_id ?? null;
    }
    if (field in input) return input[field as keyof CompanyInput];
    return storedValues[`${field}_id`] ?? storedValues[field] ?? null;
  };
  checkCompanyValidators(input, stored as Record<string, unknown> | null, combined);
}

export function registerCompanyRoutes(app: App) {
  app.openapi(routes.listCompanies, async (c) => {
    const query = c.req.valid("query");
    const db = c.var.db;
    const hq = query.global_headquarters_id;
    if (hq !== undefined && hq !== "" && (!UUID_RE.test(hq) || !await q.companyName(db, hq))) {
      throw new ValidationError({ global_headquarters_id: [INVALID_CHOICE] });
    }
    const page = readPage(c);
    const result = await q.listCompanies(db, {
      filters: {
        globalHeadquartersId: hq || undefined,
        globalUltimateDunsNumber: query.global_ultimate_duns_number,
        autocomplete: query.autocomplete !== undefined
          ? { term: query.autocomplete, adviserId: callerId(c.var.caller)! }
          : undefined,
      },
      sort: parseSortby(query.sortby, q.companySortChoices),
      page,
      view: companyView(c.var.caller),
    });
    return c.json(paginate(c, page, result.count, result.results), 200);
  });

  app.openapi(routes.createCompany, async (c) => {
    const input = c.req.valid("json");
    const db = c.var.db;
    await validate(db, input, null);
    const meta = writeMeta(c);
    const { at, userId: by } = meta;
    const id = await q.insertCompany(db, {
      ...toColumns(input, true),
      created_on: at,
      modified_on: at,
      created_by_id: by,
      modified_by_id: by,
      pending_dnb_investigation: true,
    });
    await recordWrite(db, q.companyEntity, id, meta);
    return c.json(await loadCompany(db, id, c.var.caller), 201);
  });

  app.openapi(routes.getCompany, async (c) => {
    return c.json(await loadCompany(c.var.db, c.req.valid("param").id, c.var.caller), 200);
  });

  app.openapi(routes.updateCompany, async (c) => {
    const { id } = c.req.valid("param");
    const input: CompanyInput = { ...c.req.valid("json") };
    const db = c.var.db;
    const stored = await q.lockCompany(db, id);
    if (!stored) throw notFound("Company");
    if (stored.duns_number) { for (const field of DNB_READ_ONLY) delete input[field]; }
    await validate(db, input, stored);
    const meta = writeMeta(c);
    const { at, userId: by } = meta;
    await q.updateCompany(db, id, {
      ...toColumns(input, false),
      modified_on: at,
      modified_by_id: by,
    });
    await recordWrite(db, q.companyEntity, id, meta);
    return c.json(await loadCompany(db, id, c.var.caller), 200);
  });

  registerArchive(app, routes.companyArchive, {
    entity: q.companyEntity,
    model: "Company",
    load: loadCompany,
    beforeUnarchive: async (db, id) => {
      const stored = await q.lockCompany(db, id);
      if (stored?.transferred_to_id) {
        const reason = stored.transfer_reason === "duplicate"
          ? "Duplicate record"
          : stored.transfer_reason;
        throw nonFieldError(
          "This record is no longer in use and its data has been transferred to another " +
            `record for the following reason: ${reason}.`,
        );
      }
    },
  });
  registerAudit(app, routes.companyAudit, { entity: q.companyEntity, model: "Company" });

  /** Loads and locks the company of a One List action; writes and records the change. */
  const oneListAction = async (
    c: Context<AppEnv>,
    id: string,
    act: (stored: q.CompanyRow) => Promise<{ owner: string | null; tier: string | null }>,
  ) => {
    const db = c.var.db;
    const stored = await q.lockCompany(db, id);
    if (!stored) throw notFound("Company");
    const { owner, tier } = await act(stored);
    const meta = writeMeta(c);
    const { at, userId: by } = meta;
    await q.updateCompany(db, id, {
      one_list_account_owner_id: owner,
      one_list_tier_id: tier,
      modified_on: at,
      modified_by_id: by,
    });
    await recordWrite(db, q.companyEntity, id, meta);
    return c.body(null, 204);
  };

  /** May a regional account manager be set on this company? */
  const checkRegionalAccountManager = async (db: Db, stored: q.CompanyRow) => {
    if (stored.global_headquarters_id) {
      const hq = await q.lockCompany(db, stored.global_headquarters_id);
      if (hq?.one_list_tier_id) throw nonFieldError(messages.leadAdviserOnSubsidiary);
    }
    if (stored.one_list_tier_id && stored.one_list_tier_id !== TIER_D_ITA) {
      throw nonFieldError(messages.leadAdviserOtherTier);
    }
  };

  app.openapi(routes.assignRegionalAccountManager, async (c) => {
    const { id } = c.req.valid("param");
    const { regional_account_manager: manager } = c.req.valid("json");
    return await oneListAction(c, id, async (stored) => {
      const missing = await missingReferences(c.var.db, [
        { path: ["regional_account_manager"], table: "company_advisor", id: manager },
      ]);
      if (Object.keys(missing).length) throw new ValidationError(missing);
      await checkRegionalAccountManager(c.var.db, stored);
      return { owner: manager, tier: TIER_D_ITA };
    });
  });

  app.openapi(routes.selfAssignAccountManager, async (c) => {
    const { id } = c.req.valid("param");
    return await oneListAction(c, id, async (stored) => {
      await checkRegionalAccountManager(c.var.db, stored);
      return { owner: callerId(c.var.caller), tier: TIER_D_ITA };
    });
  });

  app.openapi(routes.removeAccountManager, (c) => {
    const { id } = c.req.valid("param");
    return oneListAction(c, id, (stored) => {
      if (stored.one_list_tier_id && stored.one_list_tier_id !== TIER_D_ITA) {
        throw nonFieldError(messages.leadAdviserRemoveOtherTier);
      }
      return Promise.resolve({ owner: null, tier: null });
    });
  });

  /** IsAccountManagerOnCompany, or holding all of `permissions` (checked once loaded). */
  const requireManagerOr = (caller: Caller, stored: q.CompanyRow, ...permissions: string[][]) => {
    const manager = hasPermission(caller, "company.change_company") &&
      stored.one_list_account_owner_id === callerId(caller);
    if (manager) return;
    if (permissions.some((set) => set.every((p) => hasPermission(caller, p)))) return;
    throw permissionDenied();
  };

  app.openapi(routes.assignOneListTier, async (c) => {
    const { id } = c.req.valid("param");
    const stored = await q.lockCompany(c.var.db, id);
    if (!stored) throw notFound("Company");
    requireManagerOr(c.var.caller, stored, [
      "company.change_company",
      "company.change_one_list_tier_and_global_account_manager",
    ]);
    const body = c.req.valid("json");
    return await oneListAction(c, id, async () => {
      const errors = await missingReferences(c.var.db, [
        { path: ["one_list_tier"], table: "company_onelisttier", id: body.one_list_tier },
        {
          path: ["global_account_manager"],
          table: "company_advisor",
          id: body.global_account_manager,
        },
      ]);
      if (!errors.one_list_tier && body.one_list_tier === TIER_D_ITA) {
        errors.one_list_tier = [messages.tierOnlyByIta];
      }
      if (Object.keys(errors).length) throw new ValidationError(errors);
      if (stored.global_headquarters_id) throw nonFieldError(messages.subsidiaryOnOneList);
      if (stored.one_list_tier_id === TIER_D_ITA) {
        throw nonFieldError(messages.tierChangedOnlyByIta);
      }
      return { owner: body.global_account_manager, tier: body.one_list_tier };
    });
  });

  app.openapi(routes.removeFromOneList, (c) => {
    const { id } = c.req.valid("param");
    return oneListAction(c, id, (stored) => {
      if (stored.one_list_tier_id === TIER_D_ITA) throw nonFieldError(messages.cannotRemoveLeadIta);
      return Promise.resolve({ owner: null, tier: null });
    });
  });

  app.openapi(routes.oneListGroupCoreTeam, async (c) => {
    const { id } = c.req.valid("param");
    const db = c.var.db;
    if (!await q.companyName(db, id)) throw notFound("Company");
    return c.json(await q.groupCoreTeam(db, id), 200);
  });

  app.openapi(routes.updateOneListCoreTeam, async (c) => {
    const { id } = c.req.valid("param");
    const db = c.var.db;
    const stored = await q.lockCompany(db, id);
    if (!stored) throw notFound("Company");
    requireManagerOr(c.var.caller, stored, [
      "company.change_company",
      "company.change_one_list_core_team_member",
    ], ["company.change_company", "company.change_one_list_tier_and_global_account_manager"]);
    const members = c.req.valid("json").core_team_members ?? [];
    const itemErrors = await Promise.all(
      members.map(async (m) =>
        await missingReferences(db, [{
          path: ["adviser"],
          table: "company_advisor",
          id: m.adviser,
        }])
      ),
    );
    if (!itemErrors.some((e) => Object.keys(e).length)) {
      const counts = new Map<string, number>();
      for (const m of members) counts.set(m.adviser, (counts.get(m.adviser) ?? 0) + 1);
      members.forEach((m, i) => {
        if (counts.get(m.adviser)! > 1) itemErrors[i] = { adviser: [messages.duplicateAdviser] };
      });
    }
    if (itemErrors.some((e) => Object.keys(e).length)) {
      // A list serializer reports one object per item, `{}` for the valid ones.
      throw new ApiError(400, { core_team_members: itemErrors });
    }
    await q.replaceCoreTeam(db, id, members.map((m) => m.adviser));
    await recordWrite(
      db,
      q.companyEntity,
      id,
      writeMeta(c, "Updated one list core team members"),
    );
    return c.body(null, 204);
  });

  app.openapi(routes.updateExportDetail, async (c) => {
    const { id } = c.req.valid("param");
    const db = c.var.db;
    const stored = await q.lockCompany(db, id);
    if (!stored) throw notFound("Company");
    const items = c.req.valid("json").export_countries ?? [];
    const itemErrors = await Promise.all(
      items.map((item) =>
        missingReferences(db, [{ path: ["country"], table: "metadata_country", id: item.country }])
      ),
    );
    if (itemErrors.some((e) => Object.keys(e).length)) {
      throw new ApiError(400, { export_countries: itemErrors });
    }
    if (new Set(items.map((i) => i.country)).size < items.length) {
      throw nonFieldError(messages.duplicateExportCountry);
    }
    const meta = writeMeta(c);
    const { at, userId: by } = meta;
    await q.replaceExportCountries(db, id, items, { by, at });
    await recordWrite(db, q.companyEntity, id, meta);
    return c.body(null, 204);
  });

  app.openapi(routes.kingsAwards, () => {
    throw notImplemented();
  });
  app.openapi(routes.publicCompany, async (c) => {
    const company = await q.findCompany(c.var.db, c.req.valid("param").id, PUBLIC_VIEW);
    if (!company) throw notFound("Company");
    const record = company as Record<string, unknown>;
    return c.json(Object.fromEntries(PUBLIC_COMPANY_FIELDS.map((f) => [f, record[f]])), 200);
  });
}
