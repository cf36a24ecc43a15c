-- Versions of what processes cache in memory (rendered documents, reference data lists,
-- authenticated advisers). A cache entry is valid while the versions of the keys it was
-- built from are unchanged: a process reads a few rows of this table (one index lookup)
-- instead of rebuilding the document. Keys are `<cache>` (a whole cache, e.g.
-- `metadata`) or `<cache>:<id>` (one document, e.g. `company:<uuid>`). Versions come from
-- one sequence, so a key never returns to a value a process may still hold.
create sequence cache_version_seq;
create table cache_version (
  key text primary key,
  version bigint not null
);

-- Bumps the given keys, in key order (concurrent writers lock them in the same order).
create function bump_cache_versions(keys text[]) returns void language sql as $$
  insert into cache_version (key, version)
  select k, nextval('cache_version_seq') from (select distinct k from unnest(keys) k
    where k is not null order by k) d
  on conflict (key) do update set version = excluded.version
$$;

-- Row trigger of a table that documents of cache tg_argv[0] are built from, keyed by
-- the row's column tg_argv[1] (before and after the change). Installed from the domains'
-- manifests (`cacheSources`, src/core/cache_version.ts).
create function cache_version_row() returns trigger language plpgsql as $$
declare
  old_key text;
  new_key text;
begin
  if tg_op <> 'INSERT' then
    execute format('select ($1).%I::text', tg_argv[1]) into old_key using old;
  end if;
  if tg_op <> 'DELETE' then
    execute format('select ($1).%I::text', tg_argv[1]) into new_key using new;
  end if;
  perform bump_cache_versions(array[tg_argv[0] || ':' || old_key, tg_argv[0] || ':' || new_key]);
  return null;
end
$$;

-- Statement trigger of a table a whole cache (tg_argv[0]) is built from.
create function cache_version_statement() returns trigger language plpgsql as $$
begin
  perform bump_cache_versions(array[tg_argv[0]]);
  return null;
end
$$;

-- Every change recorded for search (including the entities whose documents embed the
-- written one, as the manifests' `embeddings` declare) also invalidates its document.
create function cache_version_changes() returns trigger language plpgsql as $$
begin
  perform bump_cache_versions(array(select entity || ':' || entity_id from changed));
  return null;
end
$$;
create trigger cache_version after insert on change_feed
  referencing new table as changed for each statement execute function cache_version_changes();
