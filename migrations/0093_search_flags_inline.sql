-- The flags and sort keys of a search row (src/search/postgres.ts) stay in the row. Every row
-- of an app table is padded past the TOAST threshold so the word sets and the document move
-- out of line; with `toast_tuple_target = 128` PostgreSQL then also moved every other value
-- longer than a TOAST pointer out of line: a company's flags (~35 bytes), fetched from the
-- TOAST table by each test of "not archived" in global search's name tiers (12,000 buffers
-- instead of 1,700 for the 2,552 companies named "acme"), and text sort keys such as an
-- interaction's date, fetched for every match a sort reads. Stored PLAIN (never compressed
-- or moved; a few dozen bytes) from the next write of each row on: `sync-search` rewrites
-- every row (rows stored before keep them out of line until then).
do $$
declare
  t record;
begin
  for t in
    select c.oid::regclass as name, a.attname as col
    from search_table s
    join pg_class c on c.oid = to_regclass('search_' || replace(s.app, '-', '_'))
    join pg_attribute a on a.attrelid = c.oid
    where a.attnum > 0 and not a.attisdropped and (a.attname = 'flags' or a.attname ~ '^s[0-9]+$')
  loop
    execute format('alter table %s alter column %I set storage plain', t.name, t.col);
  end loop;
end
$$;
