-- Investment projects (`investment_investmentproject`, as the original) with their M2M
-- sets, team members, stage log, project codes (the serial behind `DHP-00000001`),
-- notes (investment activities, linked to the revision of the write that made them)
-- and propositions. Django's on_delete choices are written as SQL actions.
create table investment_investmentproject (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz,
  modified_on timestamptz,
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  archived boolean not null default false,
  archived_on timestamptz,
  archived_reason text,
  archived_by_id uuid references company_advisor (id) on delete set null,
  name varchar(255) not null,
  description text not null,
  comments text not null default '',
  anonymous_description text not null default '',
  allow_blank_estimated_land_date boolean not null default false,
  estimated_land_date date,
  investment_type_id uuid not null references metadata_investmenttype (id) on delete restrict,
  cdms_project_code varchar(255),
  quotable_as_public_case_study boolean,
  actual_land_date date,
  likelihood_to_land_id uuid references investment_likelihoodtoland (id) on delete set null,
  priority varchar(255),
  approved_commitment_to_invest boolean,
  approved_fdi boolean,
  approved_good_value boolean,
  approved_high_value boolean,
  approved_landed boolean,
  approved_non_fdi boolean,
  stage_id uuid not null default '8a320cc9-ae2e-443e-9d26-2f36452c2ced'
    references metadata_investmentprojectstage (id) on delete restrict,
  status varchar(255) not null default 'ongoing',
  reason_delayed text,
  reason_abandoned text,
  date_abandoned date,
  reason_lost text,
  date_lost date,
  country_lost_to_id uuid references metadata_country (id) on delete set null,
  country_investment_originates_from_id uuid references metadata_country (id) on delete set null,
  investor_company_id uuid references company_company (id) on delete cascade,
  investor_type_id uuid references investment_investortype (id) on delete set null,
  intermediate_company_id uuid references company_company (id) on delete set null,
  level_of_involvement_id uuid references investment_involvement (id) on delete set null,
  client_relationship_manager_id uuid references company_advisor (id) on delete set null,
  referral_source_adviser_id uuid references company_advisor (id) on delete set null,
  referral_source_activity_id uuid
    references metadata_referralsourceactivity (id) on delete set null,
  referral_source_activity_website_id uuid
    references metadata_referralsourcewebsite (id) on delete set null,
  referral_source_activity_marketing_id uuid
    references metadata_referralsourcemarketing (id) on delete set null,
  referral_source_activity_event varchar(255),
  fdi_type_id uuid references metadata_fditype (id) on delete set null,
  sector_id uuid references metadata_sector (id) on delete set null,
  other_business_activity varchar(255),
  fdi_value_id uuid references metadata_fdivalue (id) on delete set null,
  client_cannot_provide_total_investment boolean,
  total_investment numeric(19, 0),
  client_cannot_provide_foreign_investment boolean,
  foreign_equity_investment numeric(19, 0),
  government_assistance boolean,
  some_new_jobs boolean,
  number_new_jobs integer,
  will_new_jobs_last_two_years boolean,
  actual_average_salary integer,
  average_salary_id uuid references metadata_salaryrange (id) on delete set null,
  number_safeguarded_jobs integer,
  r_and_d_budget boolean,
  non_fdi_r_and_d_budget boolean,
  associated_non_fdi_r_and_d_project_id uuid
    references investment_investmentproject (id) on delete set null,
  new_tech_to_uk boolean,
  export_revenue boolean,
  gva_multiplier_id uuid references investment_gvamultiplier (id) on delete restrict,
  gross_value_added numeric(25, 0),
  client_requirements text,
  site_decided boolean,
  site_address_is_company_address boolean,
  address_1 varchar(255),
  address_2 varchar(255),
  address_town varchar(255),
  address_postcode varchar(255),
  client_considering_other_countries boolean,
  uk_company_decided boolean,
  uk_company_id uuid references company_company (id) on delete set null,
  allow_blank_possible_uk_regions boolean not null default false,
  archived_documents_url_path varchar(255) not null default '',
  project_manager_id uuid references company_advisor (id) on delete set null,
  project_manager_first_assigned_on timestamptz,
  project_manager_first_assigned_by_id uuid references company_advisor (id) on delete set null,
  project_manager_requested_on timestamptz,
  project_assurance_adviser_id uuid references company_advisor (id) on delete set null,
  project_manager_request_status_id uuid
    references investment_projectmanagerrequeststatus (id) on delete set null,
  project_arrived_in_triage_on date,
  proposal_deadline date
);
create index on investment_investmentproject (created_on desc, id);
create index on investment_investmentproject (modified_on, id);
create index on investment_investmentproject (investor_company_id);
create index on investment_investmentproject (intermediate_company_id);
create index on investment_investmentproject (uk_company_id);
create index on investment_investmentproject (created_by_id);
create index on investment_investmentproject (client_relationship_manager_id);
create index on investment_investmentproject (project_manager_id);
create index on investment_investmentproject (project_assurance_adviser_id);
create index on investment_investmentproject (stage_id);
create index on investment_investmentproject (sector_id);
create index on investment_investmentproject (associated_non_fdi_r_and_d_project_id);

create table investment_investmentproject_specific_programmes (
  id integer generated by default as identity primary key,
  investmentproject_id uuid not null
    references investment_investmentproject (id) on delete cascade,
  specificprogramme_id uuid not null references investment_specificprogramme (id) on delete cascade,
  unique (investmentproject_id, specificprogramme_id)
);
create table investment_investmentproject_client_contacts (
  id integer generated by default as identity primary key,
  investmentproject_id uuid not null
    references investment_investmentproject (id) on delete cascade,
  contact_id uuid not null references company_contact (id) on delete cascade,
  unique (investmentproject_id, contact_id)
);
create index on investment_investmentproject_client_contacts (contact_id);
create table investment_investmentproject_business_activities (
  id integer generated by default as identity primary key,
  investmentproject_id uuid not null
    references investment_investmentproject (id) on delete cascade,
  investmentbusinessactivity_id uuid not null
    references metadata_investmentbusinessactivity (id) on delete cascade,
  unique (investmentproject_id, investmentbusinessactivity_id)
);
create table investment_investmentproject_competitor_countries (
  id integer generated by default as identity primary key,
  investmentproject_id uuid not null
    references investment_investmentproject (id) on delete cascade,
  country_id uuid not null references metadata_country (id) on delete cascade,
  unique (investmentproject_id, country_id)
);
create table investment_investmentproject_uk_region_locations (
  id integer generated by default as identity primary key,
  investmentproject_id uuid not null
    references investment_investmentproject (id) on delete cascade,
  ukregion_id uuid not null references metadata_ukregion (id) on delete cascade,
  unique (investmentproject_id, ukregion_id)
);
create table investment_investmentproject_actual_uk_regions (
  id integer generated by default as identity primary key,
  investmentproject_id uuid not null
    references investment_investmentproject (id) on delete cascade,
  ukregion_id uuid not null references metadata_ukregion (id) on delete cascade,
  unique (investmentproject_id, ukregion_id)
);
create table investment_investmentproject_delivery_partners (
  id integer generated by default as identity primary key,
  investmentproject_id uuid not null
    references investment_investmentproject (id) on delete cascade,
  investmentdeliverypartner_id uuid not null
    references investment_investmentdeliverypartner (id) on delete cascade,
  unique (investmentproject_id, investmentdeliverypartner_id)
);
create table investment_investmentproject_strategic_drivers (
  id integer generated by default as identity primary key,
  investmentproject_id uuid not null
    references investment_investmentproject (id) on delete cascade,
  investmentstrategicdriver_id uuid not null
    references metadata_investmentstrategicdriver (id) on delete cascade,
  unique (investmentproject_id, investmentstrategicdriver_id)
);

create table investment_investmentprojectteammember (
  id integer generated by default as identity primary key,
  investment_project_id uuid not null
    references investment_investmentproject (id) on delete cascade,
  adviser_id uuid not null references company_advisor (id) on delete cascade,
  role varchar(255) not null,
  unique (investment_project_id, adviser_id)
);
create index on investment_investmentprojectteammember (adviser_id);

create table investment_investmentprojectstagelog (
  id integer generated by default as identity primary key,
  investment_project_id uuid not null
    references investment_investmentproject (id) on delete cascade,
  stage_id uuid not null references metadata_investmentprojectstage (id) on delete restrict,
  created_on timestamptz not null
);
create index on investment_investmentprojectstagelog (investment_project_id);

create table investment_investmentprojectcode (
  id integer generated by default as identity primary key,
  project_id uuid not null unique
    references investment_investmentproject (id) on delete cascade
);

create table investment_investmentactivity (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz,
  modified_on timestamptz,
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  revision_id integer unique references reversion_revision (id) on delete set null,
  text text not null,
  activity_type_id uuid not null
    references investment_investmentactivitytype (id) on delete restrict,
  investment_project_id uuid not null
    references investment_investmentproject (id) on delete cascade
);
create index on investment_investmentactivity (investment_project_id);

create table proposition_proposition (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz,
  modified_on timestamptz,
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  investment_project_id uuid not null
    references investment_investmentproject (id) on delete cascade,
  adviser_id uuid not null references company_advisor (id) on delete cascade,
  deadline date not null,
  status varchar(255) not null default 'ongoing',
  name varchar(255) not null,
  scope text not null,
  details text not null default ''
);
create index on proposition_proposition (investment_project_id);
create index on proposition_proposition (adviser_id);

-- Interactions may now name a real project (CASCADE, as the original).
alter table interaction_interaction add constraint interaction_interaction_investment_project_fk
  foreign key (investment_project_id) references investment_investmentproject (id)
  on delete cascade;
