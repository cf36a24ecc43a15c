-- The exchange rate's created_on/modified_on are Django auto_now(_add) fields: the
-- original stamps them when the row is saved, and /v4/metadata/exchange-rate shows
-- created_on. The reference data loader leaves such columns to the database, so they
-- need a default; rows already loaded without one get the time of this migration.
alter table metadata_exchangerate
  alter column created_on set default now(),
  alter column modified_on set default now();

update metadata_exchangerate
set created_on = coalesce(created_on, now()), modified_on = coalesce(modified_on, now())
where created_on is null or modified_on is null;
