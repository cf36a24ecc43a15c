-- The interaction's link to an export of the pipeline: 0050 left `company_export_id`
-- without a foreign key because company_companyexport did not exist on its branch (it is
-- created by 0042). CASCADE, as the original (deleting an export deletes its interactions;
-- the API archives exports instead of deleting them).
alter table interaction_interaction
  add constraint interaction_interaction_company_export_id_fkey
  foreign key (company_export_id) references company_companyexport (id) on delete cascade;
