-- Per app, how many documents hold each word of their word sets (src/search/postgres.ts), kept
-- by every write with the other counts, so the exact total of a one-word search comes from the
-- counts of the words it matches (word-prefix matching: `smith` matches smith and smithson)
-- instead of visiting every match. `words_counted`: the counts are complete (a full rebuild's
-- batches do not keep them; its end counts them again). Tables indexed before this count their
-- matches as before until their next `sync-search`, which fills the counts.
create table search_word_count (
  app text not null,
  word text collate "C" not null,
  n bigint not null,
  primary key (app, word)
);
alter table search_table add column words_counted boolean not null default false;
