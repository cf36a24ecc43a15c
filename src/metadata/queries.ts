/**
 * The SQL of the metadata lists: one statement per request that builds the whole JSON
 * array in the database (json_agg over json_build_object, keys in the serializer's
 * order), so a list is sent as PostgreSQL produced it with no per-row work in Deno.
 */
import type { Db } from "../db/pool.ts";
import { type Fragment, joinFragments, where } from "../db/fragments.ts";
import type { Field, MetadataEndpoint } from "./registry.ts";
import type { ActiveFilter } from "./filters.ts";

export interface MetadataList {
  /** The JSON array, as text. */
  json: string;
  /** Parameters of `choice` filters whose value names no existing row. */
  unknownChoices: string[];
}

/** Questions of a service with their answer options, in their default (`order`) order. */
function serviceQuestions(db: Db): Fragment {
  return db`coalesce((
    select json_agg(json_build_object(
      'disabled_on', api_datetime(q.disabled_on),
      'id', q.id,
      'name', q.name,
      'answer_options', coalesce((
        select json_agg(json_build_object(
          'disabled_on', api_datetime(a.disabled_on),
          'id', a.id,
          'name', a.name
        ) order by a.position)
        from interaction_serviceansweroption a
        where a.question_id = q.id
      ), '[]'::json)
    ) order by q.position)
    from interaction_servicequestion q
    where q.service_id = t.id
  ), '[]'::json)`;
}

/** The value expression of one output key, and the join it needs (if any). */
function fieldSql(db: Db, field: Field, index: number): { value: Fragment; join?: Fragment } {
  const alias = db(`r${index}`);
  switch (field.kind) {
    case "column":
      return {
        value: field.type === "datetime"
          ? db`api_datetime(t.${db(field.column)})`
          : db`t.${db(field.column)}`,
      };
    case "nested":
      return {
        value: db`case when t.${db(field.foreignKey)} is null then null
          else json_build_object('id', ${alias}.id, 'name', ${alias}.name) end`,
        join: db`left join ${db(field.table)} ${alias} on ${alias}.id = t.${db(field.foreignKey)}`,
      };
    case "lookup":
      return {
        value: db`${alias}.${db(field.column)}`,
        join: db`left join ${db(field.table)} ${alias} on ${alias}.id = t.${db(field.foreignKey)}`,
      };
    case "serviceQuestions":
      return { value: serviceQuestions(db) };
    case "null":
      return { value: db`null::text` };
  }
}

function filterSql(db: Db, active: ActiveFilter): Fragment {
  const column = db`t.${db(active.filter.column)}`;
  switch (active.kind) {
    case "boolean":
      return db`${column} = ${active.value}`;
    case "choice":
    case "uuid":
      return db`${column} = ${active.value}::uuid`;
    case "number": {
      // Django truncates a decimal towards zero before comparing it with an integer column.
      const value = db`trunc(${active.value}::numeric)`;
      const lookup = active.filter.lookup;
      return lookup === "lte"
        ? db`${column} <= ${value}`
        : lookup === "gte"
        ? db`${column} >= ${value}`
        : db`${column} = ${value}`;
    }
    case "overlap":
      return db`${column} && ${active.value}::varchar[]`;
    case "autocomplete":
      return active.value.length
        ? joinFragments(db, active.value.map((pattern) => db`${column} ~* ${pattern}`), "and")
        : db`true`;
  }
}

/** Fragments one after another, separated by spaces. */
const spaced = (db: Db, parts: Fragment[]): Fragment =>
  parts.reduce((all, part) => db`${all} ${part}`, db``);

/** The list of `endpoint` narrowed by `filters`, as one JSON text. */
export async function listMetadata(
  db: Db,
  endpoint: MetadataEndpoint,
  filters: ActiveFilter[],
): Promise<MetadataList> {
  const parts = endpoint.fields.map((field, i) => ({ key: field.key, ...fieldSql(db, field, i) }));
  const object = joinFragments(db, parts.map((p) => db`${p.key}::text, ${p.value}`));
  const joins = parts.flatMap((p) => (p.join ? [p.join] : []));
  const conditions = filters.map((f) => filterSql(db, f));
  if (endpoint.leavesOnly) {
    conditions.push(db`not exists (
      select 1 from ${db(endpoint.table)} child where child.parent_id = t.id)`);
  }
  const order = endpoint.orderBy === "order" ? db`t."order", t.position` : db`t.position`;
  // A choice filter must name an existing row (else 400): checked in the same statement.
  const choices = filters.flatMap((f) => (f.kind === "choice" ? [f] : []));
  const checks = choices.map((f, i) =>
    db`, exists (select 1 from ${db(f.filter.table)} where id = ${f.value}::uuid)
         as ${db(`choice_${i}`)}`
  );
  const [row] = await db<Record<string, string | boolean>[]>`
    select (
      select coalesce(json_agg(json_build_object(${object}) order by ${order}), '[]'::json)::text
      from ${db(endpoint.table)} t ${spaced(db, joins)}
      ${where(db, conditions)}
    ) as json ${spaced(db, checks)}`;
  return {
    json: row.json as string,
    unknownChoices: choices.filter((_, i) => row[`choice_${i}`] === false)
      .map((f) => f.filter.param),
  };
}
