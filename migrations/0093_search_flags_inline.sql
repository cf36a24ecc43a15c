-- The flags of a search row (src/search/postgres.ts) stay in the row. Every row of an app
-- table is padded past the TOAST threshold so the word sets and the document move out of
-- line; with `toast_tuple_target = 128` PostgreSQL then also moved every other value longer
-- than a TOAST pointer out of line, among them a company's flags (~35 bytes): each test of
-- "not archived" in global search's name tiers fetched them from the TOAST table (~4 buffer
-- reads a row: 12,000 instead of 1,700 for the 2,552 companies named "acme"). Stored PLAIN
-- (never compressed or moved; at most a few dozen bytes) from the next write of each row on
-- (a `sync-search` rewrites every row; rows stored before keep their flags out of line).
do $$
declare
  t text;
begin
  for t in select 'search_' || replace(app, '-', '_') from search_table loop
    if to_regclass(t) is not null then
      execute format('alter table %I alter column flags set storage plain', t);
    end if;
  end loop;
end
$$;
