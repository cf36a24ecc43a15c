-- The datasets' cursors read each table in its ordering from a keyset position, so every
-- page is one range scan of an index on exactly that ordering, however deep the cursor.
create index on company_companyexport (created_on, id);
create index on company_companyexportcountry (created_on, id);
create index on company_companyexportcountryhistory (history_date, history_id);
create index on company_advisor (date_joined, id);
create index on user_event_log_userevent (timestamp, id);
create index on company_list_pipelineitem (created_on, id);
create index on company_objective (created_on, id);
create index on interaction_interactionexportcountry (created_on, id);
