-- The change feed (a transactional outbox): every write to a searchable entity records
-- here, in the same transaction, which entity changed. The search sync consumes rows in
-- id order and deletes them once indexed, so nothing is lost if a process dies after
-- commit.
create table change_feed (
  id bigint generated always as identity primary key,
  entity text not null,
  entity_id uuid not null,
  operation text not null check (operation in ('upsert', 'delete')),
  recorded_on timestamptz not null default now()
);
create index on change_feed (entity, entity_id);
