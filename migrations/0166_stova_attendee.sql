-- Stova (formerly Aventri) attendees (datahub/company_activity StovaAttendee), ingested from
-- the data-flow bucket's ExportAventriAttendees files: each is linked to the company and
-- contact found or created for it, and to the ingested Stova event it attended.
create table company_activity_stovaattendee (
  id uuid primary key default gen_random_uuid(),
  stova_attendee_id integer not null unique,
  stova_event_id integer not null,
  created_by varchar(255),
  created_date timestamptz,
  modified_by varchar(255),
  modified_date timestamptz,
  email varchar(255) not null,
  first_name varchar(255) not null,
  last_name varchar(255) not null,
  attendee_questions varchar(255),
  company_name varchar(255) not null,
  category varchar(255),
  registration_status varchar(255),
  virtual_event_attendance varchar(255),
  language varchar(255),
  last_lobby_login timestamptz,
  created_on timestamptz not null default now(),
  company_id uuid references company_company (id) on delete set null,
  contact_id uuid references company_contact (id) on delete set null,
  ingested_stova_event_id uuid references company_activity_stovaevent (id) on delete restrict
);
create index on company_activity_stovaattendee (company_id);
create index on company_activity_stovaattendee (contact_id);
create index on company_activity_stovaattendee (ingested_stova_event_id);
