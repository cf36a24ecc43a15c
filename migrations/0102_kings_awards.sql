-- King's Awards for Enterprise received by companies (the original's
-- company_activity.KingsAwardRecipient): one per company, category and year awarded.
create table company_activity_kingsawardrecipient (
  id uuid primary key default gen_random_uuid(),
  company_id uuid not null references company_company (id) on delete cascade,
  year_awarded integer not null check (year_awarded >= 1966),
  category varchar(255) not null check (category in (
    'International Trade (Export)',
    'Innovation (Technology)',
    'Export and Technology (Combined)',
    'Sustainable Development (Environmental Achievement)',
    'Promoting Opportunity (Through Social Mobility)'
  )),
  citation text not null default '',
  year_expired integer not null check (year_expired >= 1966),
  archived boolean not null default false,
  archived_on timestamptz,
  archived_reason text,
  archived_by_id uuid references company_advisor (id) on delete set null,
  created_on timestamptz default now(),
  modified_on timestamptz default now(),
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  unique (company_id, category, year_awarded)
);
create index company_activity_kingsaward_company_year_idx
  on company_activity_kingsawardrecipient (company_id, year_awarded);
create index company_activity_kingsaward_category_year_idx
  on company_activity_kingsawardrecipient (category, year_awarded);
