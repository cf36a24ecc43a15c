-- Export wins (`export_win_*`, as the original): the win with its breakdowns, contributing
-- advisers and many-to-many lists, the customer's response (one per win) and the expiring
-- tokens e-mailed to customer contacts so they can review the win without signing in.
-- Every reference is PROTECT (restrict) except the win's own children (cascade).
create table export_win_win (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz,
  modified_on timestamptz,
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  adviser_id uuid references company_advisor (id) on delete restrict,
  adviser_name varchar(128) not null default '',
  adviser_email_address varchar(254) not null default '',
  company_id uuid references company_company (id) on delete restrict,
  customer_name varchar(128) not null default '',
  customer_job_title varchar(128) not null default '',
  customer_email_address varchar(254) not null default '',
  customer_location_id uuid references export_win_winukregion (id) on delete restrict,
  customer_location_data_hub_id uuid references metadata_ukregion (id) on delete restrict,
  business_type varchar(128) not null default '',
  description text not null default '',
  name_of_customer varchar(128) not null default '',
  name_of_customer_confidential boolean,
  name_of_export varchar(128) not null default '',
  type_id uuid references export_win_wintype (id) on delete restrict,
  date date not null,
  country_id uuid not null references metadata_country (id) on delete restrict,
  total_expected_export_value bigint not null default 0,
  goods_vs_services_id uuid references export_win_expectedvaluerelation (id) on delete restrict,
  total_expected_non_export_value bigint not null default 0,
  total_expected_odi_value bigint not null default 0,
  sector_id uuid references metadata_sector (id) on delete restrict,
  is_prosperity_fund_related boolean not null default false,
  hvc_id uuid references export_win_hvc (id) on delete restrict,
  hvo_programme_id uuid references export_win_hvoprogrammes (id) on delete restrict,
  has_hvo_specialist_involvement boolean not null default false,
  is_e_exported boolean not null default false,
  is_personally_confirmed boolean not null default false,
  is_line_manager_confirmed boolean not null default false,
  lead_officer_id uuid references company_advisor (id) on delete restrict,
  lead_officer_name varchar(128) not null default '',
  lead_officer_email_address varchar(254) not null default '',
  other_official_email_address varchar(254) not null default '',
  line_manager_id uuid references company_advisor (id) on delete restrict,
  line_manager_name varchar(128) not null default '',
  team_type_id uuid references export_win_teamtype (id) on delete restrict,
  hq_team_id uuid references export_win_hqteamregionorpost (id) on delete restrict,
  business_potential_id uuid references export_win_businesspotential (id) on delete restrict,
  export_experience_id uuid references company_exportexperience (id) on delete restrict,
  export_wins_export_experience_id uuid
    references export_win_experiencecategories (id) on delete restrict,
  location varchar(128) not null default '',
  complete boolean not null default false,
  audit text not null default '',
  match_id integer check (match_id >= 0),
  company_name varchar(128) not null default '',
  cdms_reference varchar(128) not null default '',
  company_export_id uuid references company_companyexport (id) on delete restrict,
  is_deleted boolean not null default false,
  migrated_on timestamptz,
  is_anonymous_win boolean not null default false
);
create index on export_win_win (company_id, created_on);
create index on export_win_win (adviser_id);
create index on export_win_win (lead_officer_id);

create table export_win_win_company_contacts (
  id bigserial primary key,
  win_id uuid not null references export_win_win (id) on delete cascade,
  contact_id uuid not null references company_contact (id) on delete cascade,
  unique (win_id, contact_id)
);
create table export_win_win_type_of_support (
  id bigserial primary key,
  win_id uuid not null references export_win_win (id) on delete cascade,
  supporttype_id uuid not null references export_win_supporttype (id) on delete cascade,
  unique (win_id, supporttype_id)
);
create table export_win_win_associated_programme (
  id bigserial primary key,
  win_id uuid not null references export_win_win (id) on delete cascade,
  associatedprogramme_id uuid not null
    references export_win_associatedprogramme (id) on delete cascade,
  unique (win_id, associatedprogramme_id)
);
create table export_win_win_team_members (
  id bigserial primary key,
  win_id uuid not null references export_win_win (id) on delete cascade,
  advisor_id uuid not null references company_advisor (id) on delete cascade,
  unique (win_id, advisor_id)
);
create index on export_win_win_team_members (advisor_id);

create table export_win_breakdown (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz,
  modified_on timestamptz,
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  legacy_id integer unique,
  win_id uuid not null references export_win_win (id) on delete cascade,
  type_id uuid not null references export_win_breakdowntype (id) on delete restrict,
  year integer not null,
  value bigint not null
);
create index on export_win_breakdown (win_id);

create table export_win_winadviser (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz,
  modified_on timestamptz,
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  legacy_id integer unique,
  adviser_id uuid references company_advisor (id) on delete restrict,
  win_id uuid not null references export_win_win (id) on delete cascade,
  team_type_id uuid not null references export_win_teamtype (id) on delete restrict,
  hq_team_id uuid not null references export_win_hqteamregionorpost (id) on delete restrict,
  location varchar(128) not null default '',
  name varchar(128) not null default ''
);
create index on export_win_winadviser (win_id);
create index on export_win_winadviser (adviser_id);

create table export_win_customerresponse (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz,
  modified_on timestamptz,
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  win_id uuid not null unique references export_win_win (id) on delete cascade,
  responded_on timestamptz,
  agree_with_win boolean,
  our_support_id uuid references export_win_rating (id) on delete restrict,
  access_to_contacts_id uuid references export_win_rating (id) on delete restrict,
  access_to_information_id uuid references export_win_rating (id) on delete restrict,
  improved_profile_id uuid references export_win_rating (id) on delete restrict,
  gained_confidence_id uuid references export_win_rating (id) on delete restrict,
  developed_relationships_id uuid references export_win_rating (id) on delete restrict,
  overcame_problem_id uuid references export_win_rating (id) on delete restrict,
  involved_state_enterprise boolean default false,
  interventions_were_prerequisite boolean default false,
  support_improved_speed boolean default false,
  expected_portion_without_help_id uuid
    references export_win_withoutoursupport (id) on delete restrict,
  last_export_id uuid references export_win_experience (id) on delete restrict,
  has_enabled_expansion_into_new_market boolean default false,
  has_enabled_expansion_into_existing_market boolean default false,
  has_increased_exports_as_percent_of_turnover boolean default false,
  company_was_at_risk_of_not_exporting boolean default false,
  has_explicit_export_plans boolean default false,
  case_study_willing boolean default false,
  marketing_source_id uuid references export_win_marketingsource (id) on delete restrict,
  other_marketing_source varchar(256) not null default '',
  comments text not null default '',
  name varchar(256) not null default '',
  lead_officer_email_notification_id uuid,
  lead_officer_email_delivery_status varchar(255) not null default 'unknown',
  lead_officer_email_sent_on timestamptz
);
create index on export_win_customerresponse (agree_with_win);

create table export_win_customerresponsetoken (
  id uuid primary key default gen_random_uuid(),
  expires_on timestamptz not null,
  customer_response_id uuid not null
    references export_win_customerresponse (id) on delete cascade,
  email_notification_id uuid,
  email_delivery_status varchar(255) not null default 'unknown',
  company_contact_id uuid references company_contact (id) on delete cascade,
  times_used integer not null default 0 check (times_used >= 0),
  created_on timestamptz,
  adviser_id uuid references company_advisor (id) on delete restrict,
  legacy_id integer unique,
  legacy_recipient varchar(256) not null default ''
);
create index on export_win_customerresponsetoken (customer_response_id);
create index on export_win_customerresponsetoken (created_on);
