-- The PostgreSQL search backend's typed storage (src/search/postgres.ts). Each search app
-- gets its own table, derived from its declaration (sort columns, filter tokens, free-text
-- words) and created by the backend; `search_table` records which declaration each table
-- was built from, so a changed declaration rebuilds its table. The shared tables here:
-- `search_count` keeps exact totals of the unfiltered views and of each combination of an
-- app's boolean filters (maintained by every write, so a default page never counts
-- millions of rows); `search_word` is the vocabulary global search expands misspelt words
-- from (pg_trgm); `search_quarantine` holds documents that could not be indexed, so one
-- bad document never stops the others (listed by `sync-search --quarantined`).
create table search_table (
  app text primary key,
  signature text not null,
  created_on timestamptz not null default now()
);
create table search_count (
  app text not null,
  key text not null,
  n bigint not null,
  primary key (app, key)
);
create table search_word (word text primary key);
create index search_word_trigram on search_word using gin (word gin_trgm_ops);
create table search_quarantine (
  entity text not null,
  entity_id uuid not null,
  error text not null,
  document_bytes integer,
  quarantined_on timestamptz not null default now(),
  primary key (entity, entity_id)
);
-- Replaced by the per-app tables.
drop table search_document;
