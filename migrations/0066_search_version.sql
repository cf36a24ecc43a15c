-- A new random value at every write of an app's search documents (src/search/postgres.ts):
-- a count taken while it held is still exact, so the backend keeps counts of common
-- searches in memory against it instead of reading every match per request. Random (not
-- a counter), so a value written by a transaction that rolled back never comes back.
alter table search_table add column version uuid not null default gen_random_uuid();
