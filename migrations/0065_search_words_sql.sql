-- The PostgreSQL search backend derives a document's word sets in SQL (src/search/postgres.ts),
-- so a batch is written by one INSERT … SELECT straight from its set-based builder.
--
-- search_words: the lower-cased letter/digit words of a text, as src/search/words.ts splits
-- them (the words one document contributes are capped: at most 4,000, each cut to 60
-- characters, the first ones kept). A text under the caps (nearly all) is one regexp split;
-- array_to_tsvector drops the repeats.
create function search_words(t text) returns text[]
language plpgsql immutable parallel safe as $$
declare
  words text[] := array_remove(regexp_split_to_array(lower(coalesce(t, '')), '[^[:alnum:]]+'), '');
begin
  if cardinality(words) <= 4000 and t !~ '[[:alnum:]]{61}' then
    return words;
  end if;
  return array(
    select w from (
      select left(u.w, 60) as w, min(u.n) as n
      from unnest(words) with ordinality as u(w, n) group by 1
    ) x order by n limit 4000);
end
$$;

-- search_count_keys: every subset of a document's flag tokens ('a,b' → '', 'a', 'b', 'a,b'),
-- the rows of search_count the document is counted in (as countKeys in pg_layout.ts).
create function search_count_keys(flags text) returns setof text
language sql immutable parallel safe as $$
  select coalesce((
    select string_agg(u.f, ',' order by u.i)
    from unnest(x.a) with ordinality as u(f, i)
    where m & (1 << (u.i::int - 1)) <> 0), '')
  from (select coalesce(string_to_array(nullif(flags, ''), ','), '{}'::text[]) as a) x,
    generate_series(0, (1 << cardinality(x.a)) - 1) as m
$$;
