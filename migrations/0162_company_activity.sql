-- The company activity timeline (datahub/company_activity): one row per activity of a
-- company, whatever its source. The original upserts it from each source's save(); here
-- triggers do, so every write path of a source keeps it, in the same transaction.
create table company_activity_companyactivity (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz default now(),
  modified_on timestamptz default now(),
  company_id uuid not null references company_company (id) on delete cascade,
  activity_source varchar(255) not null,
  date timestamptz not null,
  interaction_id uuid unique references interaction_interaction (id) on delete cascade,
  referral_id uuid unique references company_referral_companyreferral (id) on delete cascade,
  -- Sources not built yet (investment projects, orders, great.gov.uk enquiries, EYB leads).
  investment_id uuid unique,
  order_id uuid unique,
  great_export_enquiry_id uuid unique,
  eyb_lead_id uuid unique
);
create index on company_activity_companyactivity (company_id, date);

-- Interaction.save(): an interaction with a company is an activity dated by the interaction.
create function company_activity_of_interaction() returns trigger language plpgsql as $$
begin
  if new.company_id is not null then
    insert into company_activity_companyactivity (company_id, activity_source, date, interaction_id)
    values (new.company_id, 'interaction', new.date, new.id)
    on conflict (interaction_id) do update
      set company_id = excluded.company_id, date = excluded.date, modified_on = now();
  end if;
  return new;
end $$;
create trigger company_activity_of_interaction
  after insert or update of company_id, date on interaction_interaction
  for each row execute function company_activity_of_interaction();

-- CompanyReferral.save(): a referral is an activity dated by its creation.
create function company_activity_of_referral() returns trigger language plpgsql as $$
begin
  insert into company_activity_companyactivity (company_id, activity_source, date, referral_id)
  values (new.company_id, 'referral', coalesce(new.created_on, now()), new.id)
  on conflict (referral_id) do update
    set company_id = excluded.company_id, date = excluded.date, modified_on = now();
  return new;
end $$;
create trigger company_activity_of_referral
  after insert or update of company_id, created_on on company_referral_companyreferral
  for each row execute function company_activity_of_referral();

-- Activities of existing interactions.
insert into company_activity_companyactivity (company_id, activity_source, date, interaction_id)
select company_id, 'interaction', date, id from interaction_interaction
where company_id is not null;
