-- The tokens of search_postcode_tokens (migration 0101), computed in PL/pgSQL: the SQL
-- version cannot be inlined (it aggregates), so each call ran through the SQL-function
-- executor, two calls per UK company and more than the rest of a company's search
-- document (10-80 times slower than this one, measured on the bench data). A value that
-- is not a full postcode (no space after normalising) skips the patterns, which all need
-- one. A new name, since migrations run in number order and 0101 creates the old one;
-- company documents use this one (same tokens, checked on 50,000 generated postcodes).
create function uk_postcode_tokens(postcode text) returns jsonb
language plpgsql immutable parallel safe as $$
declare
  v text := regexp_replace(lower(replace(coalesce(postcode, ''), ' ', '')),
    '^([a-z]{1,2})([0-9][a-z]|[0-9]{1,2})([0-9])([a-z]{2})$', '\1\2 \3\4');
  tokens text[];
begin
  if v = '' then
    return '[]'::jsonb;
  end if;
  if position(' ' in v) = 0 then
    return jsonb_build_array(v);
  end if;
  tokens := array[v]
    || regexp_match(v, '^([a-z]{1,2})(?:[0-9][a-z]|[0-9]{1,2}) [0-9][a-z]{2}')
    || regexp_match(v,
      '^(([a-z]{1,2}[0-9]) [0-9][a-z]{2}|([a-z]{1,2}[0-9]{2}) [0-9][a-z]{2}|([a-z]{1,2}[0-9])[a-z]? [0-9][a-z]{2})')
    || regexp_match(v, '^([a-z]{1,2}(?:[0-9][a-z]|[0-9]{1,2})) [0-9][a-z]{2}')
    || regexp_match(v, '^([a-z]{1,2}(?:[0-9][a-z]|[0-9]{1,2}) [0-9])[a-z]{2}');
  return (select coalesce(jsonb_agg(distinct t order by t), '[]'::jsonb)
    from unnest(tokens) as u(t) where t is not null and t <> '');
end
$$;
