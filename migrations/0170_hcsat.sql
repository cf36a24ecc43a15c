-- HCSAT: the front end's anonymous "was this page useful?" feedback (the original's
-- hcsat.CustomerSatisfactionToolFeedback). The text details are NOT NULL with '' as
-- Django leaves them; (created_on, id) serves the dataset's cursor.
create table hcsat_customersatisfactiontoolfeedback (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz not null,
  modified_on timestamptz not null,
  url varchar(255) not null,
  was_useful boolean not null,
  did_not_find_what_i_wanted boolean,
  difficult_navigation boolean,
  lacks_feature boolean,
  unable_to_load boolean,
  inaccurate_information boolean,
  other_issues boolean,
  other_issues_detail text not null default '',
  improvement_suggestion text not null default ''
);
create index on hcsat_customersatisfactiontoolfeedback (created_on, id);
create index on hcsat_customersatisfactiontoolfeedback (modified_on);
