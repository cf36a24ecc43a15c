-- Company referrals (datahub/company_referral): one adviser refers a company to another;
-- completing a referral records the interaction it led to.
create table company_referral_companyreferral (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz,
  modified_on timestamptz,
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  company_id uuid not null references company_company (id) on delete cascade,
  contact_id uuid references company_contact (id) on delete cascade,
  recipient_id uuid not null references company_advisor (id) on delete cascade,
  status varchar(255) not null default 'outstanding',
  interaction_id uuid unique references interaction_interaction (id),
  completed_by_id uuid references company_advisor (id) on delete cascade,
  completed_on timestamptz,
  subject varchar(255) not null,
  notes text not null
);
create index on company_referral_companyreferral (company_id);
create index on company_referral_companyreferral (created_by_id);
create index on company_referral_companyreferral (recipient_id);
create index on company_referral_companyreferral (created_on, id);
