-- Extensions and helpers every later migration may use.
create extension if not exists pg_trgm;

-- Datetimes as DRF renders them: UTC, `Z`, microseconds only when set
-- (e.g. 2019-05-01T12:34:56Z, 2019-05-01T12:34:56.123456Z).
create function api_datetime(ts timestamptz) returns text
language sql immutable parallel safe as $$
  select case when ts is null then null else
    to_char(ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
    || case when extract(microseconds from ts)::bigint % 1000000 = 0 then ''
            else '.' || to_char(ts at time zone 'UTC', 'US') end
    || 'Z' end
$$;

-- Dates as YYYY-MM-DD (timestamps keep their UTC date, as the original's date fields).
create function api_date(ts timestamptz) returns text
language sql immutable parallel safe as $$
  select to_char(ts at time zone 'UTC', 'YYYY-MM-DD')
$$;
