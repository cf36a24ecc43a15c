-- The OMIS dataset's cursor (created_on, id), as the other datasets' (0171).
create index on order_order (created_on, id);
