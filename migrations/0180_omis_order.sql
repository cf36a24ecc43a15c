-- OMIS orders (`order_order`, as the original's datahub.omis.order Order) and their
-- service types (M2M). Money is integer pence. Quote, invoice, assignee and subscriber
-- tables come with their routes.
create table order_order (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz,
  modified_on timestamptz,
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  reference varchar(100) not null,
  public_token varchar(100) not null unique,
  status varchar(100) not null default 'draft',
  company_id uuid not null references company_company (id) on delete restrict,
  contact_id uuid not null references company_contact (id) on delete restrict,
  primary_market_id uuid references metadata_country (id) on delete set null,
  sector_id uuid references metadata_sector (id) on delete set null,
  uk_region_id uuid references metadata_ukregion (id) on delete set null,
  description text not null default '',
  contacts_not_to_approach text not null default '',
  further_info text not null default '',
  existing_agents text not null default '',
  delivery_date date,
  po_number varchar(100) not null default '',
  discount_value integer not null default 0 check (discount_value >= 0),
  discount_label varchar(100) not null default '',
  vat_status varchar(100) not null default '',
  vat_number varchar(100) not null default '',
  vat_verified boolean,
  net_cost integer not null default 0 check (net_cost >= 0),
  subtotal_cost integer not null default 0 check (subtotal_cost >= 0),
  vat_cost integer not null default 0 check (vat_cost >= 0),
  total_cost integer not null default 0 check (total_cost >= 0),
  billing_company_name varchar(255) not null default '',
  billing_address_1 varchar(255) not null default '',
  billing_address_2 varchar(255) not null default '',
  billing_address_town varchar(255) not null default '',
  billing_address_county varchar(255) not null default '',
  billing_address_postcode varchar(100) not null default '',
  billing_address_country_id uuid references metadata_country (id) on delete set null,
  paid_on timestamptz,
  completed_on timestamptz,
  completed_by_id uuid references company_advisor (id) on delete set null,
  cancelled_on timestamptz,
  cancelled_by_id uuid references company_advisor (id) on delete set null,
  cancellation_reason_id uuid references order_cancellationreason (id) on delete set null,
  -- legacy fields, read-only
  product_info text not null default '',
  permission_to_approach_contacts text not null default '',
  archived_documents_url_path varchar(255) not null default '',
  billing_contact_name varchar(255) not null default '',
  billing_email varchar(255) not null default '',
  billing_phone varchar(150) not null default '',
  contact_email varchar(254) not null default '',
  contact_phone varchar(254) not null default ''
);
create index on order_order (company_id);
create index on order_order (contact_id);
create index on order_order (modified_on, id);

create table order_order_service_types (
  order_id uuid not null references order_order (id) on delete cascade,
  servicetype_id uuid not null references order_servicetype (id) on delete cascade,
  primary key (order_id, servicetype_id)
);
