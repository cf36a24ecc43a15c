-- Tasks and project reminders now name real investment projects (0120): the foreign
-- keys 0140 and 0141 left out, CASCADE as the original's.
alter table task_task add constraint task_task_investment_project_fk
  foreign key (investment_project_id) references investment_investmentproject (id)
  on delete cascade;
alter table reminder_norecentinvestmentinteractionreminder
  add constraint reminder_norecentinvestmentinteractionreminder_project_fk
  foreign key (project_id) references investment_investmentproject (id) on delete cascade;
alter table reminder_upcomingestimatedlanddatereminder
  add constraint reminder_upcomingestimatedlanddatereminder_project_fk
  foreign key (project_id) references investment_investmentproject (id) on delete cascade;
create index on reminder_norecentinvestmentinteractionreminder (project_id);
create index on reminder_upcomingestimatedlanddatereminder (project_id);
