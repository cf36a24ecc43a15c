-- Contacts (`company_contact`, as the original): people at companies.
create table company_contact (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz,
  modified_on timestamptz,
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  archived boolean not null default false,
  archived_on timestamptz,
  archived_reason text,
  archived_by_id uuid references company_advisor (id) on delete set null,
  title_id uuid references metadata_title (id) on delete set null,
  first_name varchar(255) not null,
  last_name varchar(255) not null,
  job_title varchar(255),
  company_id uuid references company_company (id) on delete cascade,
  adviser_id uuid references company_advisor (id) on delete set null,
  "primary" boolean not null,
  full_telephone_number varchar(255) not null default '',
  email varchar(254) not null,
  address_same_as_company boolean not null default false,
  address_1 varchar(255),
  address_2 varchar(255),
  address_town varchar(255),
  address_county varchar(255),
  address_country_id uuid references metadata_country (id) on delete set null,
  address_area_id uuid references metadata_administrativearea (id) on delete set null,
  address_postcode varchar(255),
  notes text,
  archived_documents_url_path varchar(255) not null default '',
  valid_email boolean,
  transferred_to_id uuid references company_contact (id) on delete set null,
  transfer_reason varchar(255),
  transferred_on timestamptz,
  transferred_by_id uuid references company_advisor (id) on delete set null,
  consent_data jsonb,
  consent_data_last_modified timestamptz,
  source varchar(255) not null default 'data_hub'
);
create index on company_contact (created_on, id);
create index on company_contact (company_id);
create index on company_contact (adviser_id);
create index company_contact_upper_email_244368 on company_contact (upper(email));
