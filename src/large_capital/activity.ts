/**
 * Large capital investor profiles and opportunities as Activity Stream items
 * (`/v3/activity-stream/investment/large-capital-investor-profiles` and
 * `…/large-capital-opportunity`): each an `Announce` at its last change, in the original's
 * serializer shapes. Optional keys appear only when the value is set (truthy, as the
 * original's `if getattr(…)`); `dit:requiredChecksConductedBy` is a one-item list there.
 */
import type { Db } from "../db/pool.ts";
import type { Fragment } from "../db/fragments.ts";
import { type ActivityFeed, type FeedContext, GENERATOR } from "../activity_stream/feed.ts";
import {
  adviserItemOf,
  companyItemOf,
  namedItem,
  namedItems,
  optional,
} from "../activity_stream/items.ts";
import { type EntitySpec, opportunitySpec, profileSpec } from "./queries.ts";

/** `first_second` → `dit:firstSecond`, as the original's format_key. */
const ditKey = (field: string) => {
  const [first, ...rest] = field.split("_");
  return `dit:${first}${rest.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("")}`;
};

/** The optional keys of `fields` (M2M sets, `{name}` references, plain columns), merged. */
function optionalKeys(
  sql: Db,
  spec: EntitySpec,
  fields: { m2m: string[]; named: string[]; plain: [string, Fragment][] },
): Fragment {
  const parts: Fragment[] = [
    ...fields.named.map((f) =>
      optional(sql, ditKey(f), namedItem(sql, spec.foreignKeys[f], sql`t.${sql(`${f}_id`)}`))
    ),
    ...fields.m2m.map((f) => {
      const m = spec.m2m[f];
      const order = m.ref.startsWith("metadata_") ? "name" : "order";
      return optional(
        sql,
        ditKey(f),
        namedItems(sql, { ...m, source: spec.source, order }, sql`t.id`),
      );
    }),
    ...fields.plain.map(([f, value]) => optional(sql, ditKey(f), value, { truthy: true })),
  ];
  return parts.reduce((acc, part) => sql`${acc} || ${part}`);
}

/** Creator and modifier with their teams and roles, as `_get_attributed_to`. */
const staff = (sql: Db, type: string) =>
  sql`(select coalesce(jsonb_agg(a.item order by a.n), '[]'::jsonb) from (values
      (1, case when t.created_by_id is null then null else ${
    adviserItemOf(sql, sql`t.created_by_id`, { role: { type, role: "creator" } })
  } end),
      (2, case when t.modified_by_id is null then null else ${
    adviserItemOf(sql, sql`t.modified_by_id`, { role: { type, role: "modifier" } })
  } end)) a(n, item) where a.item is not null)`;

const checkedBy = (sql: Db) =>
  sql`case when t.required_checks_conducted_by_id is null then '{}'::jsonb
    else jsonb_build_object('dit:requiredChecksConductedBy', jsonb_build_array(${
    adviserItemOf(sql, sql`t.required_checks_conducted_by_id`, { team: true })
  })) end`;

const announce = (sql: Db, type: string, object: Fragment) =>
  sql`jsonb_build_object(
    'id', ${`dit:${type}:`} || t.id || ':Announce',
    'type', 'Announce',
    'published', api_datetime(t.modified_on),
    'generator', ${sql.json(GENERATOR)}::jsonb,
    'object', ${object})`;

function profileItem(sql: Db, context: FeedContext) {
  const type = "DataHubLargeCapitalInvestorProfile";
  const object = sql`jsonb_build_object(
      'id', ${`dit:${type}:`} || t.id,
      'type', jsonb_build_array('dit:LargeCapitalInvestorProfile'),
      'startTime', api_datetime(t.created_on),
      'attributedTo', jsonb_build_array(${companyItemOf(sql, sql`t.investor_company_id`)})
        || ${staff(sql, type)},
      'url', ${context.frontendBaseUrl + "/investments/profiles/"} || t.id)
    || ${checkedBy(sql)}
    || ${
    optional(
      sql,
      "dit:countryOfOrigin",
      sql`(select jsonb_build_object('name', cc.name) from company_company c
        join metadata_country cc on cc.id = c.address_country_id
        where c.id = t.investor_company_id)`,
    )
  }
    || ${
    optionalKeys(sql, profileSpec, {
      named: [
        "investor_type",
        "required_checks_conducted",
        "minimum_return_rate",
        "minimum_equity_percentage",
      ],
      m2m: [
        "deal_ticket_sizes",
        "investment_types",
        "time_horizons",
        "construction_risks",
        "desired_deal_roles",
        "restrictions",
        "asset_classes_of_interest",
        "uk_region_locations",
        "other_countries_being_considered",
      ],
      plain: [
        ["investable_capital", sql`t.investable_capital`],
        ["global_assets_under_management", sql`t.global_assets_under_management`],
        ["investor_description", sql`t.investor_description`],
        [
          "required_checks_conducted_on",
          sql`to_char(t.required_checks_conducted_on, 'YYYY-MM-DD')`,
        ],
        ["notes_on_locations", sql`t.notes_on_locations`],
      ],
    })
  }`;
  return announce(sql, type, object);
}

function opportunityItem(sql: Db, context: FeedContext) {
  const type = "DataHubLargeCapitalOpportunity";
  const promoters = sql`(select jsonb_agg(${companyItemOf(sql, sql`x.company_id`)}
      order by x.company_id)
    from opportunity_largecapitalopportunity_promoters x
    where x.largecapitalopportunity_id = t.id)`;
  const object = sql`jsonb_build_object(
      'id', ${`dit:${type}:`} || t.id,
      'type', jsonb_build_array('dit:LargeCapitalOpportunity'),
      'startTime', api_datetime(t.created_on),
      'name', t.name,
      'description', t.description,
      'attributedTo', jsonb_build_array(${
    adviserItemOf(sql, sql`t.lead_dit_relationship_manager_id`)
  })
        || ${staff(sql, type)},
      'url', ${context.frontendBaseUrl + "/investments/opportunities/"} || t.id)
    || ${optional(sql, "dit:promoters", promoters)}
    || ${checkedBy(sql)}
    || ${
    optionalKeys(sql, opportunitySpec, {
      named: ["required_checks_conducted", "opportunity_value_type"],
      m2m: [
        "asset_classes",
        "investment_types",
        "construction_risks",
        "time_horizons",
        "sources_of_funding",
        "reasons_for_abandonment",
        "uk_region_locations",
      ],
      plain: [
        ["total_investment_sought", sql`t.total_investment_sought`],
        ["current_investment_secured", sql`t.current_investment_secured`],
        ["opportunity_value", sql`t.opportunity_value`],
        [
          "required_checks_conducted_on",
          sql`to_char(t.required_checks_conducted_on, 'YYYY-MM-DD')`,
        ],
        ["dit_support_provided", sql`t.dit_support_provided`],
        ["status_id", sql`t.status_id`],
        ["required_checks_conducted_id", sql`t.required_checks_conducted_id`],
        ["estimated_return_rate_id", sql`t.estimated_return_rate_id`],
      ],
    })
  }`;
  return announce(sql, type, object);
}

export const largeCapitalFeeds: ActivityFeed[] = [
  {
    path: "investment/large-capital-investor-profiles",
    summary: "Large Capital Investor Profile Activities",
    table: profileSpec.table,
    item: profileItem,
  },
  {
    path: "investment/large-capital-opportunity",
    summary: "Large Capital Opportunity Activities Added",
    table: opportunitySpec.table,
    item: opportunityItem,
  },
];
