-- The PostgreSQL search backend (SEARCH_BACKEND=postgres): one denormalised document per
-- searchable row, as the OpenSearch backend would index it. `doc` is returned as is (the
-- document is the API contract); `search` (weighted words) and `search_text` (lower-cased
-- free-text values, trigram-indexed) serve free text; `name` serves the exact-name boost.
-- `indexed_on` lets a full rebuild drop documents whose rows disappeared.
create table search_document (
  entity text not null,
  id uuid not null,
  doc jsonb not null,
  name text not null default '',
  search_text text not null default '',
  search tsvector not null default ''::tsvector,
  indexed_on timestamptz not null default now(),
  primary key (entity, id)
);
create index search_document_doc on search_document using gin (doc jsonb_path_ops);
create index search_document_search on search_document using gin (search);
create index search_document_search_text on search_document using gin (search_text gin_trgm_ops);
create index search_document_name on search_document (entity, lower(name));
create index search_document_indexed_on on search_document (entity, indexed_on);
