/** Contact handlers (v3 and v4): parse, check, write through queries.ts, record, respond. */
import { writeMeta } from "../http/write_meta.ts";
import type { App } from "../http/context.ts";
import type { Db } from "../db/pool.ts";
import { type Caller, hasPermission } from "../auth/caller.ts";
import {
  ApiError,
  type FieldErrors,
  mergeErrors,
  notFound,
  ValidationError,
} from "../http/errors.ts";
import { paginate, paginateByNumber, readPage, readPageNumber } from "../http/pagination.ts";
import { parseSortby } from "../http/sortby.ts";
import { missingReferences, referencesOf } from "../core/references.ts";
import { registerArchive } from "../core/archive.ts";
import { registerAudit } from "../core/audit.ts";
import { recordWrite } from "../core/tracking.ts";
import { companyName } from "../company/queries.ts";
import * as routes from "./routes.ts";
import type { ContactInput } from "./routes.ts";
import * as q from "./queries.ts";
import { checkContactValidators, messages, telephoneError } from "./rules.ts";

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices.";
const V4_PAGE_SIZE = 300;
const invalidPage = () => new ApiError(404, { detail: "Invalid page." });

const REF_TABLES = {
  title: "metadata_title",
  company: "company_company",
  address_country: "metadata_country",
  address_area: "metadata_administrativearea",
} as const;

const view = (caller: Caller): q.ContactView => ({
  documents: hasPermission(caller, "company.view_contact_document"),
});

async function loadContact(db: Db, id: string, caller: Caller) {
  const contact = await q.findContact(db, id, view(caller));
  if (!contact) throw notFound("Contact");
  return contact;
}

/** Field checks, then the serializer's validators; returns the lower-cased email. */
async function validate(
  db: Db,
  input: ContactInput,
  stored: q.ContactRow | null,
  v4: boolean,
) {
  const errors: FieldErrors = await missingReferences(db, referencesOf(input, REF_TABLES));
  const phone = telephoneError(input.full_telephone_number);
  if (phone) errors.full_telephone_number = [phone];
  if (input.email !== undefined && !errors.company) {
    const email = input.email.toLowerCase();
    const companyId = input.company ?? (input.company === null ? null : stored?.company_id);
    if (stored?.email !== email && companyId && await q.emailTakenAt(db, email, companyId)) {
      mergeErrors(errors, { email: [messages.emailTaken(await companyName(db, companyId) ?? "")] });
    }
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);

  const storedValues = (stored ?? {}) as unknown as Record<string, unknown>;
  const combined = (field: string): unknown => {
    if (field in input) return input[field as keyof ContactInput];
    return storedValues[`${field}_id`] ?? storedValues[field] ?? null;
  };
  checkContactValidators(combined, { archived: stored?.archived ?? false, v4 });
}

function toColumns(input: ContactInput): q.ContactColumns {
  const columns: q.ContactColumns = {};
  for (const [field, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const column = field in REF_TABLES ? `${field}_id` : field;
    columns[column] = field === "email" ? String(value).toLowerCase() : value as string | boolean;
  }
  return columns;
}

export function registerContactRoutes(app: App) {
  for (const version of ["v3", "v4"] as const) {
    const r = routes[version];
    const v4 = version === "v4";

    app.openapi(r.list, async (c) => {
      const query = c.req.valid("query");
      const db = c.var.db;
      const companyId = query.company_id;
      if (
        companyId !== undefined && companyId !== "" &&
        (!UUID_RE.test(companyId) || await companyName(db, companyId) === null)
      ) {
        throw new ValidationError({ company_id: [INVALID_CHOICE] });
      }
      const archived =
        ({ true: true, True: true, "1": true, false: false, False: false, "0": false } as Record<
          string,
          boolean
        >)[query.archived ?? ""];
      const numbered = v4 ? readPageNumber(c, V4_PAGE_SIZE) : null;
      if (numbered && Number.isNaN(numbered.page)) throw invalidPage();
      const page = numbered ?? readPage(c);
      const result = await q.listContacts(db, {
        filters: { companyId: companyId || undefined, email: query.email, archived },
        sort: parseSortby(query.sortby, q.contactSortChoices, ["-created_on"]),
        page,
        view: view(c.var.caller),
      });
      if (!numbered) return c.json(paginate(c, page, result.count, result.results), 200);
      if (numbered.page > 1 && !result.results.length) throw invalidPage();
      return c.json(paginateByNumber(c, numbered, result.count, result.results), 200);
    });

    app.openapi(r.create, async (c) => {
      const input = c.req.valid("json");
      const db = c.var.db;
      await validate(db, input, null, v4);
      const meta = writeMeta(c);
      const { at, userId: by } = meta;
      const id = await q.insertContact(db, {
        ...toColumns(input),
        adviser_id: by,
        created_by_id: by,
        modified_by_id: by,
        created_on: at,
        modified_on: at,
      });
      await recordWrite(db, q.contactEntity, id, meta);
      return c.json(await loadContact(db, id, c.var.caller), 201);
    });

    app.openapi(r.detail, async (c) => {
      return c.json(await loadContact(c.var.db, c.req.valid("param").id, c.var.caller), 200);
    });

    app.openapi(r.update, async (c) => {
      const { id } = c.req.valid("param");
      const input = c.req.valid("json");
      const db = c.var.db;
      const stored = await q.lockContact(db, id);
      if (!stored) throw notFound("Contact");
      await validate(db, input, stored, v4);
      const meta = writeMeta(c);
      const { at, userId: by } = meta;
      await q.updateContact(db, id, {
        ...toColumns(input),
        modified_by_id: by,
        modified_on: at,
      });
      await recordWrite(db, q.contactEntity, id, meta);
      return c.json(await loadContact(db, id, c.var.caller), 200);
    });
  }

  registerArchive(app, routes.contactArchive, {
    entity: q.contactEntity,
    model: "Contact",
    load: loadContact,
  });
  registerAudit(app, routes.contactAudit, { entity: q.contactEntity, model: "Contact" });
}
