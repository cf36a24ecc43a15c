/** Adviser routes: thin glue between the routes, the filters and the queries. */
import { DRF_MESSAGES, isUuid } from "../http/drf.ts";
import type { App, Handler } from "../http/context.ts";
import { getAdviserRoute, listAdvisersRoute } from "./routes.ts";
import { ADVISER_SORT, getAdviser, listAdvisers, teamRoleExists } from "./queries.ts";
import { paginate, readPage } from "../http/pagination.ts";
import { parseSortby } from "../http/sortby.ts";
import { fieldError, notFound } from "../http/errors.ts";

/** django-filter's BooleanWidget: true/false/1/0 (any case); anything else is no filter. */
function booleanFilter(value: string | undefined): boolean | undefined {
  return ({ true: true, "1": true, false: false, "0": false } as Record<string, boolean>)[
    (value ?? "").toLowerCase()
  ];
}

export const adviserList: Handler<typeof listAdvisersRoute> = async (c) => {
  const query = c.req.valid("query");
  const db = c.var.db;
  const role = query.dit_team__role || undefined;
  if (role !== undefined && !(isUuid(role) && await teamRoleExists(db, role))) {
    throw fieldError(
      "dit_team__role",
      DRF_MESSAGES.invalidChoice,
    );
  }
  const page = readPage(c);
  const { count, rows } = await listAdvisers(db, {
    filters: {
      isActive: booleanFilter(query.is_active),
      teamRoleId: role,
      permission: query.permissions__has || undefined,
      autocomplete: query.autocomplete,
    },
    sort: parseSortby(query.sortby, ADVISER_SORT),
    page,
  });
  return c.json(paginate(c, page, count, rows), 200);
};

export const adviserDetail: Handler<typeof getAdviserRoute> = async (c) => {
  const adviser = await getAdviser(c.var.db, c.req.valid("param").id);
  if (!adviser) throw notFound("Advisor");
  return c.json(adviser, 200);
};

export function registerAdviserRoutes(app: App) {
  app.openapi(listAdvisersRoute, adviserList);
  app.openapi(getAdviserRoute, adviserDetail);
}
