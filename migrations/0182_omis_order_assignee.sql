-- Advisers assigned to an OMIS order (`order_orderassignee`, as the original): estimated
-- and actual time in minutes, one lead; team and country copied from the adviser when added.
create table order_orderassignee (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz,
  modified_on timestamptz,
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  order_id uuid not null references order_order (id) on delete cascade,
  adviser_id uuid not null references company_advisor (id) on delete restrict,
  team_id uuid references metadata_team (id) on delete set null,
  country_id uuid references metadata_country (id) on delete set null,
  estimated_time integer not null default 0 check (estimated_time >= 0),
  actual_time integer check (actual_time >= 0),
  is_lead boolean not null default false,
  unique (order_id, adviser_id)
);
create index on order_orderassignee (adviser_id);
