-- Word counts within a flag (src/search/postgres.ts): for each word, how many documents
-- holding it also hold a boolean flag's `true` token (`#3=true`: archived, say). Together
-- with the word's own count (flag '') they give the exact total of a one-word search
-- within a flag (`archived: false`; global search's "not archived") without visiting the
-- documents holding both, which on a cold cache took seconds at a million documents.
alter table search_word_count add column flag text collate "C" not null default '';
alter table search_word_count drop constraint search_word_count_pkey;
alter table search_word_count add primary key (app, flag, word);

-- Apps already counted get their flag counts now (the batches of a later write keep them).
do $$
declare
  app_row record;
  token text;
  tbl text;
begin
  for app_row in select app from search_table where words_counted loop
    tbl := 'search_' || replace(app_row.app, '-', '_');
    continue when to_regclass(tbl) is null;
    for token in execute format(
      'select distinct x from %I, unnest(string_to_array(nullif(flags, ''''), '','')) x
       where x like ''%%=true''', tbl)
    loop
      insert into search_word_count (app, flag, word, n)
      select app_row.app, token, word, ndoc
      from ts_stat(format('select words from %I where %L = any(string_to_array(flags, '',''))',
        tbl, token))
      where word !~ '^#';
    end loop;
  end loop;
end
$$;
