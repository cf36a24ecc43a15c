-- Advisers subscribed to an OMIS order (`order_ordersubscriber`, as the original).
create table order_ordersubscriber (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz,
  modified_on timestamptz,
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  order_id uuid not null references order_order (id) on delete cascade,
  adviser_id uuid not null references company_advisor (id) on delete cascade,
  unique (order_id, adviser_id)
);
create index on order_ordersubscriber (adviser_id);
