-- Objects ingested from the Data Flow bucket (the original's `ingest_ingestedobject`): an
-- object is ingested once, and the newest one's creation time under a prefix tells which
-- records of the next object changed since.
create table ingest_ingestedobject (
  id uuid primary key default gen_random_uuid(),
  created timestamptz not null default now(),
  object_key text not null,
  object_created timestamptz not null
);
create index on ingest_ingestedobject (object_key);
create index on ingest_ingestedobject (object_created);
