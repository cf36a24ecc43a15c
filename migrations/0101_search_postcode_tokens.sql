-- The tokens the original's postcode analyzer (postcode_analyzer_v2) indexes for a UK
-- postcode: the postcode normalised to "area+district sector+unit", its area, district
-- and sector (e.g. "W1A 1AA" → w1a 1aa, w, w1, w1a, w1a 1), so a search for an area or
-- district matches it whole and "W1" does not find "W11 2BQ".
create function search_postcode_tokens(postcode text) returns jsonb
language sql immutable parallel safe as $$
  with p as (
    select regexp_replace(lower(replace(coalesce(postcode, ''), ' ', '')),
      '^([a-z]{1,2})([0-9][a-z]|[0-9]{1,2})([0-9])([a-z]{2})$', '\1\2 \3\4') as v
  )
  select coalesce(jsonb_agg(distinct t order by t), '[]'::jsonb)
  from p, lateral (
    select p.v
    union all select unnest(regexp_match(p.v,
      '^([a-z]{1,2})(?:[0-9][a-z]|[0-9]{1,2}) [0-9][a-z]{2}'))
    union all select unnest(regexp_match(p.v,
      '^(([a-z]{1,2}[0-9]) [0-9][a-z]{2}|([a-z]{1,2}[0-9]{2}) [0-9][a-z]{2}|([a-z]{1,2}[0-9])[a-z]? [0-9][a-z]{2})'))
    union all select unnest(regexp_match(p.v,
      '^([a-z]{1,2}(?:[0-9][a-z]|[0-9]{1,2})) [0-9][a-z]{2}'))
    union all select unnest(regexp_match(p.v,
      '^([a-z]{1,2}(?:[0-9][a-z]|[0-9]{1,2}) [0-9])[a-z]{2}'))
  ) as tokens(t)
  where t is not null and t <> ''
$$;
