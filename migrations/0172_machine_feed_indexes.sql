-- The feeds and datasets of events, company referrals, tasks and export wins read their
-- tables from a keyset position: feeds by (modified_on, id), datasets by (created_on, id)
-- (HVCs by their legacy id), so every page is one range scan however deep the cursor.
create index on event_event (modified_on, id);
create index on company_referral_companyreferral (modified_on, id);
create index on task_task (created_on, id);
create index on export_win_win (created_on, id);
create index on export_win_breakdown (created_on, id);
create index on export_win_winadviser (created_on, id);
create index on export_win_hvc (legacy_id);
