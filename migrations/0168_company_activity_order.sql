-- OMIS orders in the company activity timeline, as Order.save() does in the original: an
-- order is an activity of its company dated by the order's creation. order_order comes
-- with a later migration (0180), so the trigger, the foreign key and the activities of
-- existing orders (the original's relate_company_activity_to_orders) are put in place by
-- the company activity domain's step after migrations (src/company_activity/queries.ts,
-- attachOrderActivities), once, when order_order exists and has no such trigger.
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
