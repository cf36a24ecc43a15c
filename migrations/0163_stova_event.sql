-- Stova (formerly Aventri) events (datahub/company_activity StovaEvent), ingested from the
-- data-flow bucket's ExportAventriEvents files; each is mirrored by a Data Hub event.
create table company_activity_stovaevent (
  id uuid primary key default gen_random_uuid(),
  stova_event_id integer not null unique,
  name text not null,
  description text not null default '',
  code varchar(255) not null default '',
  created_by varchar(255) not null default '',
  modified_by varchar(255) not null default '',
  client_contact varchar(255) not null default '',
  contact_info text default '',
  country varchar(255),
  city varchar(255),
  state varchar(255),
  timezone varchar(255) default '',
  url text,
  max_reg integer,
  created_date timestamptz not null,
  modified_date timestamptz not null,
  start_date timestamptz,
  live_date timestamptz,
  close_date timestamptz,
  end_date timestamptz,
  location_state varchar(255) not null default '',
  location_country varchar(255),
  location_address1 varchar(255) not null,
  location_address2 varchar(255) not null default '',
  location_address3 varchar(255) not null default '',
  location_city varchar(255) not null,
  location_name varchar(255),
  location_postcode varchar(255) not null default '',
  approval_required boolean not null,
  price_type varchar(255) not null,
  folder_id integer,
  default_language varchar(255) not null,
  standard_currency varchar(255) not null
);

-- Event.stova_event (related name datahub_event): deleting the Stova event deletes its event.
alter table event_event
  add foreign key (stova_event_id) references company_activity_stovaevent (id) on delete cascade;
create index on event_event (stova_event_id);
