-- OMIS orders in the company activity timeline, as Order.save() does in the original: an
-- order is an activity of its company dated by the order's creation; existing orders get
-- theirs here (the original's relate_company_activity_to_orders).
create function company_activity_of_order() returns trigger language plpgsql as $$
begin
  if new.company_id is not null then
    insert into company_activity_companyactivity (company_id, activity_source, date, order_id)
    values (new.company_id, 'order', coalesce(new.created_on, now()), new.id)
    on conflict (order_id) do update
      set company_id = excluded.company_id, date = excluded.date, modified_on = now();
  end if;
  return new;
end $$;

alter table company_activity_companyactivity
  add foreign key (order_id) references order_order (id) on delete cascade;

create trigger company_activity_of_order
  after insert or update of company_id, created_on on order_order
  for each row execute function company_activity_of_order();

insert into company_activity_companyactivity (company_id, activity_source, date, order_id)
select company_id, 'order', coalesce(created_on, now()), id from order_order
where company_id is not null
on conflict (order_id) do nothing;
