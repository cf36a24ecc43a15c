-- OMIS quotes, invoices, payments and GOV.UK Pay sessions (as the original's
-- omis-quote_quote, omis-invoice_invoice, omis-payment_payment and
-- omis-payment_paymentgatewaysession, named with underscores like the OMIS reference
-- tables), and the order's links to its current quote, invoice and hourly rate.
-- Money is integer pence.
create table omis_quote_quote (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz,
  modified_on timestamptz,
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  reference varchar(100) not null,
  content text not null,
  terms_and_conditions_id uuid references omis_quote_termsandconditions (id) on delete restrict,
  cancelled_on timestamptz,
  cancelled_by_id uuid references company_advisor (id) on delete set null,
  accepted_on timestamptz,
  accepted_by_id uuid references company_contact (id) on delete set null,
  expires_on date not null
);
create index on omis_quote_quote (reference);

create table omis_invoice_invoice (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz,
  modified_on timestamptz,
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  invoice_number varchar(100) not null unique,
  po_number varchar(100) not null default '',
  order_reference varchar(100) not null default '',
  billing_company_name varchar(255) not null default '',
  billing_address_1 varchar(255) not null default '',
  billing_address_2 varchar(255) not null default '',
  billing_address_town varchar(255) not null default '',
  billing_address_county varchar(255) not null default '',
  billing_address_postcode varchar(100) not null default '',
  billing_address_country_id uuid references metadata_country (id) on delete set null,
  invoice_company_name varchar(255) not null default '',
  invoice_address_1 varchar(255) not null default '',
  invoice_address_2 varchar(255) not null default '',
  invoice_address_town varchar(255) not null default '',
  invoice_address_county varchar(255) not null default '',
  invoice_address_postcode varchar(100) not null default '',
  invoice_address_country_id uuid references metadata_country (id) on delete set null,
  invoice_vat_number varchar(100) not null default '',
  payment_due_date date not null,
  contact_email varchar(255) not null default '',
  vat_status varchar(100) not null default '',
  vat_number varchar(100) not null default '',
  vat_verified boolean,
  net_cost integer not null default 0 check (net_cost >= 0),
  subtotal_cost integer not null default 0 check (subtotal_cost >= 0),
  vat_cost integer not null default 0 check (vat_cost >= 0),
  total_cost integer not null default 0 check (total_cost >= 0),
  billing_contact_name varchar(255) not null default ''
);
create index on omis_invoice_invoice (created_on);

alter table order_order
  add column quote_id uuid unique references omis_quote_quote (id) on delete set null,
  add column invoice_id uuid unique references omis_invoice_invoice (id) on delete set null,
  -- null reads as the default rate (7e1ca5c3-…), which is reference data loaded after
  -- migrations, so it cannot be a column default here
  add column hourly_rate_id uuid references omis_order_hourlyrate (id) on delete restrict;

create table omis_payment_payment (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz,
  modified_on timestamptz,
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  order_id uuid not null references order_order (id) on delete cascade,
  reference varchar(100) not null,
  transaction_reference varchar(255) not null default '',
  additional_reference varchar(255) not null default '',
  amount integer not null check (amount >= 0),
  method varchar(100) not null default 'bacs',
  received_on date not null,
  cardholder_name varchar(255) not null default '',
  card_brand varchar(100) not null default '',
  billing_email varchar(254) not null default '',
  billing_phone varchar(100) not null default '',
  billing_fax varchar(100) not null default '',
  billing_address_1 varchar(255) not null default '',
  billing_address_2 varchar(255) not null default '',
  billing_address_town varchar(255) not null default '',
  billing_address_county varchar(255) not null default '',
  billing_address_postcode varchar(100) not null default '',
  billing_address_country varchar(255) not null default '',
  cheque_number varchar(255) not null default '',
  giro_slip_number varchar(255) not null default '',
  sort_code varchar(100) not null default '',
  cheque_banked_on timestamptz,
  cheque_paid_in_by_id uuid references company_advisor (id) on delete set null
);
create index on omis_payment_payment (order_id, created_on);
create index on omis_payment_payment (created_on);

create table omis_payment_paymentgatewaysession (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz,
  modified_on timestamptz,
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  order_id uuid not null references order_order (id) on delete cascade,
  status varchar(100) not null default 'created',
  govuk_payment_id varchar(100) not null
);
create index on omis_payment_paymentgatewaysession (order_id, created_on);
create index on omis_payment_paymentgatewaysession (modified_on)
  where status in ('created', 'started', 'submitted');
