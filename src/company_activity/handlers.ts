/** Handlers of the company activity sources' own routes. */
import type { App, Handler } from "../http/context.ts";
import { ApiError, fieldError, notFound } from "../http/errors.ts";
import { paginate, readPage } from "../http/pagination.ts";
import * as routes from "./routes.ts";
import * as q from "./queries.ts";

const stovaEventDetail: Handler<typeof routes.stovaEventDetail> = async (c) => {
  const event = await q.findStovaEvent(c.var.db, c.req.valid("param").id);
  if (!event) throw notFound("StovaEvent");
  return c.json(event, 200);
};

/** The original's category aliases (`KingsAwardRecipient.Category.alias_mapping`). */
const CATEGORY_ALIASES: Record<string, string> = {
  "international-trade": "International Trade (Export)",
  "innovation": "Innovation (Technology)",
  "export-and-technology": "Export and Technology (Combined)",
  "sustainable-development": "Sustainable Development (Environmental Achievement)",
  "promoting-opportunity": "Promoting Opportunity (Through Social Mobility)",
};

/** The non-blank items of a comma list (django-filter's CSVWidget), or undefined for none. */
const csv = (value: string | undefined) => {
  const items = (value ?? "").split(",").map((v) => v.trim()).filter(Boolean);
  return items.length ? items : undefined;
};

/** Category aliases to categories; an unknown one is the original's 400 (a bare list). */
function categories(value: string | undefined): string[] | undefined {
  const aliases = csv(value);
  if (!aliases) return undefined;
  const invalid = aliases.filter((a) => !Object.hasOwn(CATEGORY_ALIASES, a.toLowerCase()));
  if (invalid.length) {
    throw new ApiError(400, [
      `Invalid category alias(es): ${invalid.join(", ")}. Valid aliases are: ${
        Object.keys(CATEGORY_ALIASES).join(", ")
      }.`,
    ]);
  }
  return aliases.map((a) => CATEGORY_ALIASES[a.toLowerCase()]);
}

function years(value: string | undefined): number[] | undefined {
  const items = csv(value);
  if (items?.some((y) => !/^\d{1,9}$/.test(y))) throw fieldError("year_awarded", "Enter a number.");
  return items?.map(Number);
}

const kingsAwardList: Handler<typeof routes.kingsAwardList> = async (c) => {
  const query = c.req.valid("query");
  const page = readPage(c);
  const result = await q.listKingsAwards(c.var.db, {
    years: years(query.year_awarded),
    categories: categories(query.category),
    sortby: query.sortby,
    page,
  });
  return c.json(paginate(c, page, result.count, result.results), 200);
};

export function registerCompanyActivityRoutes(app: App) {
  app.openapi(routes.stovaEventDetail, stovaEventDetail);
  app.openapi(routes.kingsAwardList, kingsAwardList);
}
