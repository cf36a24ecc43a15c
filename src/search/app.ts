/**
 * The search-app declaration: everything the shared engine needs to know about one
 * searchable entity, declared once in the domain's `search.ts` and listed in
 * its manifest (src/<domain>/domain.ts). The engine knows no domain; it reads these declarations.
 *
 * Filters compile to a small condition tree (`Condition`) that both backends translate
 * (OpenSearch DSL, SQL fragments), so a filter means the same thing on either backend.
 * The semantics are the original's `_build_must_queries`: filters are ANDed, list values
 * and composite fields are ORed, a `null` list item means "missing", `_exists` tests
 * presence, `_after`/`_start` are `>=` and `_before`/`_end` are `<=`.
 */
import { UUID_RE } from "../http/drf.ts";
import { z } from "zod";
import type { Caller } from "../auth/caller.ts";
import type { HawkScope } from "../config.ts";
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";
import type { Context } from "hono";
import type { AppEnv } from "../http/context.ts";
import type { AppDeps } from "../deps.ts";
import { type Mapping, resolveField } from "./mapping.ts";
import { termWords } from "./words.ts";

/** A search document as stored and returned (`id` is the row's primary key). */
export type SearchDocument = { id: string } & Record<string, unknown>;

/** A filter condition over indexed field names (e.g. `dit_team.id`, `name.trigram`). */
export type Condition =
  | { match: string; value: string | number | boolean }
  | { exists: string; present: boolean }
  | { range: string; gte?: string | number; lte?: string | number }
  | { or: Condition[] }
  | { and: Condition[] }
  | { not: Condition }
  | { none: true };

export interface FilterContext {
  db: Db;
  /** The process's dependencies (a filter that asks another service, e.g. dnb-service). */
  deps?: AppDeps;
  /** Every validated value of the request, for a filter that depends on another key. */
  values?: Record<string, unknown>;
}

/** One entry of an app's filter table: how to validate a request key, what it means. */
export interface FilterSpec {
  /** Indexed fields the filter reads (checked against the mapping at declaration). */
  fields: string[];
  /** Validates the request value; its output is what `condition` receives. */
  schema: z.ZodType;
  /** The condition, or null when the key only modifies another filter. */
  condition(value: unknown, context: FilterContext): Condition | null | Promise<Condition | null>;
}

export interface SortTerm {
  /** Indexed field (after remapping, e.g. `name.keyword`). */
  field: string;
  order: "asc" | "desc";
}

export type CsvRow = Record<string, unknown>;

/** What export rows may need beyond the database. */
export interface ExportContext {
  /** DATAHUB_FRONTEND_BASE_URL: links to records (`<base>/companies/<id>`). */
  frontendBaseUrl: string;
}

export interface ExportDeclaration {
  /** Route path, e.g. `/v4/search/company/export`. */
  path: string;
  /** Needed on top of one of the view permissions. */
  permission: string;
  /** Row key → column title, in column order (the original's `field_titles`). */
  columns: Record<string, string>;
  /**
   * The rows for these ids (at most 5,000), ordered by `sort` (when given) then id.
   * Keys are those of `columns`.
   */
  rows(db: Db, ids: string[], sort: SortTerm | null, context: ExportContext): Promise<CsvRow[]>;
}

/**
 * A machine-to-machine variant of the entity search (e.g. `/v4/public/search/company`):
 * Hawk with `scope` instead of a login, a subset of the filters, and only `fields` of
 * each document returned (the original's `fields_to_include`, no personal data).
 */
export interface PublicSearchDeclaration {
  path: string;
  scope: HawkScope;
  /** Keys of the app's `filters` this route accepts. */
  filters: string[];
  /** Top-level document keys returned. */
  fields: string[];
}

export interface SearchApp {
  /** App name: the change-feed entity, `_document_type` and `/v3/search` entity. */
  name: string;
  /** Entity search route, e.g. `/v4/search/adviser`. */
  path: string;
  /** Verbose plural for CSV file names, e.g. "Advisers". */
  plural: string;
  /** Table whose primary keys enumerate the documents (full rebuilds). */
  table: string;
  /** Included in `GET /v3/search`. */
  global: boolean;
  /** Any one of these lets a caller search the app. */
  viewPermissions: string[];
  mapping: Mapping;
  /** The original's SEARCH_FIELDS (free-text fields, with `.trigram` sub-fields). */
  searchFields: string[];
  /**
   * Document paths whose words rank highest in PostgreSQL free text (weight A; other
   * search fields get B). Default `["name"]`.
   */
  primaryTextFields?: string[];
  /** Request key → filter. */
  filters: Record<string, FilterSpec>;
  /** `sortby` choice → indexed field (the original's SORT_BY_FIELDS with remappings). */
  sortby?: Record<string, string>;
  /** Used when the request has no `sortby` (otherwise score, then id). */
  defaultSort?: string;
  /** Document keys never returned (the original's `fields_to_exclude`). */
  excludeFromResults?: string[];
  /**
   * A result as returned (the document without its excluded keys): the OpenAPI schema of
   * the app's search results, checked against every response in the tests.
   */
  result?: z.ZodObject;
  /** Builds the documents of these ids; ids without a row are simply absent. */
  build(db: Db, ids: string[]): Promise<SearchDocument[]>;
  /**
   * The same documents as a query selecting one `doc` column (see {@link queryBuilder}):
   * the PostgreSQL backend then writes a batch with one `INSERT … SELECT` from it.
   */
  documentsQuery?(db: Db, ids: string[]): Fragment;
  /** Row-level restriction for a permitted caller (`{none: true}` hides all); none by default. */
  scope?(caller: Caller): Condition | null;
  /** Rows per bulk write during full rebuilds (default 2,000). */
  bulkBatchSize?: number;
  /** CSV export(s); a list when the app has several (interactions: all and policy feedback). */
  export?: ExportDeclaration | ExportDeclaration[];
  publicSearch?: PublicSearchDeclaration;
  /**
   * Statuses (with a description) the entity search may also answer with a DRF `detail`
   * body, e.g. 502 when a filter asks another service.
   */
  otherErrors?: Record<number, string>;
  /** Body keys of the entity search that are not filters, and what they do. */
  options?: SearchOptions;
}

/**
 * Entity search body keys that are not filters (investment's `show_summary`): their
 * schemas (exports accept them too) and a step that may add keys to the search's
 * response (declared in `response`). A key that only modifies a filter is a filter whose
 * condition is null (see `FilterSpec`).
 */
export interface SearchOptions {
  schema: Record<string, z.ZodType>;
  enhance?(
    c: Context<AppEnv>,
    query: EntityQuery,
    body: Record<string, unknown>,
  ): Promise<Record<string, unknown>>;
  response?: Record<string, z.ZodType>;
}

/**
 * `build` and `documentsQuery` of a set-based builder: a query selecting `doc`, one row per
 * document of the ids that have a row.
 */
export function queryBuilder(query: (db: Db, ids: string[]) => Fragment) {
  return {
    documentsQuery: query,
    build: async (db: Db, ids: string[]): Promise<SearchDocument[]> =>
      (await db<{ doc: SearchDocument }[]>`${query(db, ids)}`).map((r) => r.doc),
  };
}

/**
 * Checks a declaration (every field name exists in its mapping) and returns it, so a
 * typo fails when the module loads rather than on a request.
 */
export function defineSearchApp(app: SearchApp): SearchApp {
  const check = (field: string) => {
    if (field === "id" && !app.mapping.id) throw new Error(`${app.name}: mapping needs "id"`);
    resolveField(app.mapping, field);
  };
  check("id");
  app.searchFields.forEach(check);
  for (const spec of Object.values(app.filters)) spec.fields.forEach(check);
  Object.values(app.sortby ?? {}).forEach(check);
  if (app.defaultSort) parseSortby(app, app.defaultSort);
  for (const key of app.publicSearch?.filters ?? []) {
    if (!Object.hasOwn(app.filters, key)) throw new Error(`${app.name}: no filter "${key}"`);
  }
  app.publicSearch?.fields.forEach(check);
  return app;
}

// ---------------------------------------------------------------- value schemas

const UUID_MESSAGE = "Must be a valid UUID.";

/** A UUID, lower-cased as the original's StringUUIDField returns it. */
export const uuid = () =>
  z.string({ error: "Must be a valid UUID." }).regex(
    UUID_RE,
    UUID_MESSAGE,
  ).transform((v) => {
    const hex = v.replaceAll("-", "").toLowerCase();
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
      hex.slice(20)
    }`;
  });

/** DRF BooleanField: true/false and their usual spellings. */
export const bool = () =>
  z.unknown().transform((v, ctx) => {
    if (v === true || v === false) return v;
    const s = String(v).toLowerCase();
    if (["true", "1", "yes", "on", "t", "y"].includes(s)) return true;
    if (["false", "0", "no", "off", "f", "n"].includes(s)) return false;
    ctx.addIssue({ code: "custom", message: "Must be a valid boolean." });
    return z.NEVER;
  });

/**
 * Bounds of free text in a search (terms and text filters). The cost of matching text
 * grows with its length and its number of words; an unbounded one held a connection for
 * minutes. Names are at most 255 characters, so a longer needle only finds notes.
 */
export const MAX_TEXT_LENGTH = 1000;
export const MAX_TEXT_WORDS = 100;

/** A non-null string (blank allowed, as the original's CharField filters), bounded. */
export const str = () =>
  z.string({ error: "Not a valid string." })
    .max(MAX_TEXT_LENGTH, {
      message: `Ensure this field has no more than ${MAX_TEXT_LENGTH} characters.`,
    })
    .refine((v) => termWords(v).length <= MAX_TEXT_WORDS, {
      message: `Ensure this field has no more than ${MAX_TEXT_WORDS} words.`,
    });

/** A date or datetime (ISO 8601), as the original's RelaxedDateTimeField accepts. */
export const dateTime = () =>
  z.string().refine(
    (v) =>
      /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) &&
      !v.startsWith("0000") &&
      !Number.isNaN(Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v.replace(" ", "T"))),
    {
      message:
        "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
    },
  );

export const number = () =>
  z.unknown().transform((v, ctx) => {
    const n = typeof v === "number" ? v : typeof v === "string" && v.trim() ? Number(v) : NaN;
    if (Number.isFinite(n)) return n;
    ctx.addIssue({ code: "custom", message: "A valid number is required." });
    return z.NEVER;
  });

/**
 * The original's SingleOrListField: one value or a list of them, always a list after
 * validation. Errors keep the input's shape (a list gets errors per index).
 */
export function singleOrList<T extends z.ZodType>(child: T) {
  return z.unknown().transform((value, ctx) => {
    const items = Array.isArray(value) ? value : [value];
    const out: z.output<T>[] = [];
    items.forEach((item, i) => {
      const result = child.safeParse(item);
      if (result.success) out.push(result.data);
      else {
        for (const issue of result.error.issues) {
          ctx.addIssue({
            code: "custom",
            message: issue.message,
            path: Array.isArray(value) ? [i, ...issue.path] : issue.path,
          });
        }
      }
    });
    return out;
  });
}

// ---------------------------------------------------------------- filter constructors

type Scalar = string | number | boolean;

/** `null` means "the field's parent object is missing" (e.g. `headquarter_type: [null]`). */
function matchOne(field: string, value: Scalar | null): Condition {
  if (value === null) {
    const parent = field.includes(".") ? field.slice(0, field.lastIndexOf(".")) : field;
    return { exists: parent, present: false };
  }
  return { match: field, value };
}

function anyOf(conditions: Condition[]): Condition {
  return conditions.length === 1 ? conditions[0] : { or: conditions };
}

/**
 * Matches the value (or any of a list of values) on any of `fields`: exact on keywords,
 * every word on text, every trigram on `.trigram` (partial names). Pass several fields
 * for the original's COMPOSITE_FILTERS.
 */
export function match(fields: string | string[], schema: z.ZodType): FilterSpec {
  const list = Array.isArray(fields) ? fields : [fields];
  return {
    fields: list,
    schema,
    condition: (value) => {
      const values = (Array.isArray(value) ? value : [value]) as (Scalar | null)[];
      return anyOf(list.flatMap((f) => values.map((v) => matchOne(f, v))));
    },
  };
}

/** One or more UUIDs on `fields` (ORed): the common `company → company.id` filter. */
export const ids = (fields: string | string[], options: { nullable?: boolean } = {}) =>
  match(fields, singleOrList(options.nullable ? uuid().nullable() : uuid()));

/** None of the values (one or a list) on `field`: the original's raw-body `must_not` filters. */
export function excludes(field: string, schema: z.ZodType): FilterSpec {
  const spec = match(field, schema);
  return {
    ...spec,
    condition: async (value, context) => {
      const condition = await spec.condition(value, context);
      return condition && { not: condition };
    },
  };
}

/** A partial-name filter: words on the field or trigrams on its `.trigram`. */
export const partialText = (...fields: string[]) =>
  match(fields.flatMap((f) => [f, `${f}.trigram`]), str());

/** `*_after`/`*_start` (`>=`) or `*_before`/`*_end` (`<=`) on a date or number field. */
export function range(
  field: string,
  bound: "gte" | "lte",
  kind: "date" | "number" = "date",
): FilterSpec {
  return {
    fields: [field],
    schema: kind === "date" ? dateTime() : number(),
    condition: (value) => ({ range: field, [bound]: value as string | number }),
  };
}

/** `*_exists`: the field is present (true) or missing (false). */
export const exists = (field: string): FilterSpec => ({
  fields: [field],
  schema: bool(),
  condition: (value) => ({ exists: field, present: value as boolean }),
});

/**
 * Tree descent (`sector_descends`): documents whose `<field>.id` or one of its
 * `<field>.ancestors.id` is a requested id. As the original, requested ids that are
 * ancestors of other requested ids are dropped first, so the most specific ones win.
 */
export function descends(
  fields: string[],
  tree: { table: string; parentColumn: string },
): FilterSpec {
  return {
    fields: fields.flatMap((f) => [`${f}.id`, `${f}.ancestors.id`]),
    schema: singleOrList(uuid()),
    condition: async (value, { db }) => {
      const requested = value as string[];
      const rows = requested.length
        ? await db<{ id: string }[]>`
          with recursive up as (
            select ${db(tree.parentColumn)} as id from ${db(tree.table)}
            where id = any(${requested}::uuid[]) and ${db(tree.parentColumn)} is not null
            union
            select t.${db(tree.parentColumn)} from ${db(tree.table)} t join up on t.id = up.id
            where t.${db(tree.parentColumn)} is not null
          )
          select id::text from up`
        : [];
      const ancestors = new Set(rows.map((r) => r.id));
      const kept = requested.filter((id) => !ancestors.has(id));
      if (!kept.length) return { none: true };
      return anyOf(
        fields.flatMap((f) =>
          kept.flatMap((id) => [matchOne(`${f}.id`, id), matchOne(`${f}.ancestors.id`, id)])
        ),
      );
    },
  };
}

// ---------------------------------------------------------------- requests

export const MAX_RESULTS = 10_000;
export const DEFAULT_LIMIT = 100;

const integer = (min: number, max?: number) =>
  z.unknown().transform((v, ctx) => {
    const n = typeof v === "number"
      ? v
      : typeof v === "string" && /^\s*-?\d+\s*$/.test(v)
      ? Number(v)
      : NaN;
    if (!Number.isInteger(n)) {
      ctx.addIssue({ code: "custom", message: "A valid integer is required." });
      return z.NEVER;
    }
    if (n < min) {
      ctx.addIssue({
        code: "custom",
        message: `Ensure this value is greater than or equal to ${min}.`,
      });
      return z.NEVER;
    }
    if (max !== undefined && n > max) {
      ctx.addIssue({
        code: "custom",
        message: `Ensure this value is less than or equal to ${max}.`,
      });
      return z.NEVER;
    }
    return n;
  });

/** `offset` 0–9,999 and `limit` ≥ 1, as the original's search serializers. */
export const pageSchema = {
  offset: integer(0, MAX_RESULTS - 1).optional(),
  limit: integer(1).optional(),
};

/** Clips `limit` so that offset + limit never passes 10,000 (the original clips, not errors). */
export function clipPage(offset = 0, limit = DEFAULT_LIMIT) {
  return { offset, limit: Math.max(Math.min(limit, MAX_RESULTS - offset), 0) };
}

/** Parses `field[:asc|desc]` against the app's choices; a 400 message when invalid. */
export const parseSortby = (app: SearchApp, value: string): SortTerm =>
  parseSortChoice(app.sortby ?? {}, value);

/** Parses `field[:asc|desc]` against `choices` (request name → field), as the original's SearchOrdering. */
export function parseSortChoice(choices: Record<string, string>, value: string): SortTerm {
  const [name, direction, ...rest] = value.split(":");
  const field = choices[name];
  if (!field || !Object.hasOwn(choices, name)) {
    throw new SortbyError(`"${name}" is not a valid choice for the sort field.`);
  }
  const order = direction === undefined ? "asc" : direction;
  if ((order !== "asc" && order !== "desc") || rest.length) {
    throw new SortbyError(`"${[direction, ...rest].join(":")}" is not a valid sort direction.`);
  }
  return { field, order };
}

export class SortbyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SortbyError";
  }
}

/**
 * The request body schema of an app's entity search (filters from its filter table, or
 * only the `only` keys of it, as a public variant accepts).
 */
export function entitySearchSchema(app: SearchApp, only?: string[]) {
  const filters = Object.fromEntries(
    Object.entries(app.filters)
      .filter(([key]) => !only || only.includes(key))
      .map(([key, spec]) => [key, spec.schema.optional()]),
  );
  const options = only ? {} : app.options?.schema ?? {};
  return z.object({
    original_query: str().optional(),
    sortby: z.string().optional(),
    ...pageSchema,
    ...filters,
    ...options,
  });
}

/** A validated entity search, ready for a backend. */
export interface EntityQuery {
  app: SearchApp;
  term: string;
  filters: Condition[];
  scope: Condition | null;
  sort: SortTerm | null;
  offset: number;
  limit: number;
}

/** Compiles validated filter values (request key → value) into ANDed conditions. */
export async function compileFilters(
  app: SearchApp,
  values: Record<string, unknown>,
  context: FilterContext,
): Promise<Condition[]> {
  const conditions: Condition[] = [];
  for (const [key, spec] of Object.entries(app.filters)) {
    if (values[key] === undefined) continue;
    const condition = await spec.condition(values[key], { ...context, values });
    if (condition) conditions.push(condition);
  }
  return conditions;
}
