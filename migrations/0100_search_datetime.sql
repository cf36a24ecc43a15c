-- Datetimes as the original's search documents hold them (Python's isoformat of a UTC
-- datetime): `+00:00`, microseconds only when set (e.g. 2026-12-02T04:04:02.350000+00:00).
-- Documents indexed before this keep `Z` until `sync-search` rebuilds them.
create function search_datetime(ts timestamptz) returns text
language sql stable parallel safe as $$
  select left(api_datetime(ts), -1) || '+00:00'
$$;
