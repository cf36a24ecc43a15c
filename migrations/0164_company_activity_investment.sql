-- Investment projects and EYB leads in the company activity timeline, as their save()s
-- do in the original: a project with an investor company is an activity dated by its
-- creation; a lead with a company is one dated by its triage (else its creation). As
-- there, an activity stays when the company is later removed.
alter table company_activity_companyactivity
  add foreign key (investment_id) references investment_investmentproject (id) on delete cascade,
  add foreign key (eyb_lead_id) references investment_lead_eyblead (id) on delete cascade;

create function company_activity_of_investment() returns trigger language plpgsql as $$
begin
  if new.investor_company_id is not null then
    insert into company_activity_companyactivity (company_id, activity_source, date, investment_id)
    values (new.investor_company_id, 'investment', coalesce(new.created_on, now()), new.id)
    on conflict (investment_id) do update
      set company_id = excluded.company_id, date = excluded.date, modified_on = now();
  end if;
  return new;
end $$;
create trigger company_activity_of_investment
  after insert or update of investor_company_id, created_on on investment_investmentproject
  for each row execute function company_activity_of_investment();

create function company_activity_of_eyb_lead() returns trigger language plpgsql as $$
begin
  if new.company_id is not null then
    insert into company_activity_companyactivity (company_id, activity_source, date, eyb_lead_id)
    values (new.company_id, 'eyb_lead', coalesce(new.triage_created, new.created_on, now()),
      new.id)
    on conflict (eyb_lead_id) do update
      set company_id = excluded.company_id, date = excluded.date, modified_on = now();
  end if;
  return new;
end $$;
create trigger company_activity_of_eyb_lead
  after insert or update of company_id, triage_created, created_on on investment_lead_eyblead
  for each row execute function company_activity_of_eyb_lead();

-- Activities of existing projects and leads (the original's sync tasks).
insert into company_activity_companyactivity (company_id, activity_source, date, investment_id)
select investor_company_id, 'investment', coalesce(created_on, now()), id
from investment_investmentproject where investor_company_id is not null;
insert into company_activity_companyactivity (company_id, activity_source, date, eyb_lead_id)
select company_id, 'eyb_lead', coalesce(triage_created, created_on, now()), id
from investment_lead_eyblead where company_id is not null;
