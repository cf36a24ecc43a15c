-- Company objectives (`company_objective`, as the original). A company with objectives
-- cannot be deleted (PROTECT).
create table company_objective (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz,
  modified_on timestamptz,
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  archived boolean not null default false,
  archived_on timestamptz,
  archived_reason text,
  archived_by_id uuid references company_advisor (id) on delete set null,
  company_id uuid not null references company_company (id) on delete restrict,
  subject varchar(255) not null,
  detail text not null default '',
  target_date date not null,
  has_blocker boolean not null,
  blocker_description text not null default '',
  progress integer not null check (progress >= 0)
);
create index on company_objective (company_id, target_date);
