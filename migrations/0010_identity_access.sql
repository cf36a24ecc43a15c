-- Identity and access, part two: the Django-style permission catalogue, feature flags
-- (global, per-user and per-user groups) and the Hawk nonce store used when there is
-- no Redis.

-- The permission catalogue: `app_label.codename` as the original's models define them.
-- Standard actions first (interaction, investment project, propositions and documents
-- use the original's non-standard `default_permissions`), then `Meta.permissions`.
-- The reference loader also inserts group permissions by natural key; both sides use
-- `on conflict do nothing`, so the order they run in does not matter.
insert into auth_permission (app_label, model, codename)
select m.app_label, m.model, a.action || '_' || m.model
from (values
  ('company', 'advisor', array['add', 'change', 'delete', 'view']),
  ('company', 'company', array['add', 'change', 'delete', 'view']),
  ('company', 'contact', array['add', 'change', 'delete', 'view']),
  ('company', 'companyexportcountry', array['add', 'change', 'delete', 'view']),
  ('company', 'companyexportcountryhistory', array['add', 'change', 'delete', 'view']),
  ('company', 'onelistcoreteammember', array['add', 'change', 'delete', 'view']),
  ('company', 'companyexport', array['add', 'change', 'delete', 'view']),
  ('company', 'objective', array['add', 'change', 'delete', 'view']),
  ('company_activity', 'companyactivity', array['add', 'change', 'delete', 'view']),
  ('company_activity', 'greatexportenquiry', array['add', 'change', 'delete', 'view']),
  ('company_activity', 'kingsawardrecipient', array['add', 'change', 'delete', 'view']),
  ('company_activity', 'stovaattendee', array['add', 'change', 'delete', 'view']),
  ('company_activity', 'stovaevent', array['add', 'change', 'delete', 'view']),
  ('company_list', 'companylist', array['add', 'change', 'delete', 'view']),
  ('company_list', 'companylistitem', array['add', 'change', 'delete', 'view']),
  ('company_list', 'pipelineitem', array['add', 'change', 'delete', 'view']),
  ('company_referral', 'companyreferral', array['add', 'change', 'delete', 'view']),
  ('documents', 'document', array['add', 'change', 'delete', 'view']),
  ('documents', 'genericdocument', array['add', 'change', 'delete', 'view']),
  ('documents', 'uploadabledocument', array['add', 'change', 'delete', 'view']),
  ('documents', 'sharepointdocument', array['add', 'change', 'delete', 'view']),
  ('event', 'event', array['add', 'change', 'delete', 'view']),
  ('export_win', 'win', array['add', 'change', 'delete', 'view']),
  ('export_win', 'breakdown', array['add', 'change', 'delete', 'view']),
  ('export_win', 'customerresponse', array['add', 'change', 'delete', 'view']),
  ('export_win', 'winadviser', array['add', 'change', 'delete', 'view']),
  ('feature_flag', 'featureflag', array['add', 'change', 'delete', 'view']),
  ('feature_flag', 'userfeatureflag', array['add', 'change', 'delete', 'view']),
  ('feature_flag', 'userfeatureflaggroup', array['add', 'change', 'delete', 'view']),
  ('hcsat', 'customersatisfactiontoolfeedback', array['add', 'change', 'delete', 'view']),
  ('interaction', 'interaction', array['add_all', 'change_all', 'delete', 'view_all']),
  ('interaction', 'interactionexportcountry', array['add', 'change', 'delete', 'view']),
  ('investment', 'investmentproject', array['add', 'change_all', 'delete', 'view_all']),
  ('investment', 'investmentprojectcode', array['add', 'change', 'delete', 'view']),
  ('investment', 'investmentactivity', array['add', 'change', 'delete', 'view']),
  ('investment', 'investmentprojectstagelog', array['add', 'change', 'delete', 'view']),
  ('investment_lead', 'eyblead', array['add', 'change', 'delete', 'view']),
  ('investor_profile', 'largecapitalinvestorprofile', array['add', 'change', 'delete', 'view']),
  ('opportunity', 'largecapitalopportunity', array['add', 'change', 'delete', 'view']),
  ('proposition', 'proposition', array['add_all', 'change_all', 'delete_all', 'view_all']),
  ('proposition', 'propositiondocument', array['add_all', 'change_all', 'delete_all', 'view_all']),
  ('evidence', 'evidencedocument', array['add_all', 'change_all', 'delete_all', 'view_all']),
  ('order', 'order', array['add', 'change', 'delete', 'view']),
  ('order', 'orderassignee', array['add', 'change', 'delete', 'view']),
  ('order', 'ordersubscriber', array['add', 'change', 'delete', 'view']),
  ('omis_quote', 'quote', array['add', 'change', 'delete', 'view']),
  ('omis_invoice', 'invoice', array['add', 'change', 'delete', 'view']),
  ('omis_payment', 'payment', array['add', 'change', 'delete', 'view']),
  ('omis_payment', 'paymentgatewaysession', array['add', 'change', 'delete', 'view']),
  ('omis_payment', 'refund', array['add', 'change', 'delete', 'view']),
  ('report', 'spireport', array['view']),
  ('reminder', 'newexportinteractionreminder', array['add', 'change', 'delete', 'view']),
  ('reminder', 'norecentexportinteractionreminder', array['add', 'change', 'delete', 'view']),
  ('task', 'task', array['add', 'change', 'delete', 'view'])
) as m(app_label, model, actions)
cross join lateral unnest(m.actions) as a(action)
on conflict (app_label, codename) do nothing;

insert into auth_permission (app_label, model, codename)
values
  ('company', 'company', 'view_company_document'),
  ('company', 'company', 'view_company_timeline'),
  ('company', 'company', 'export_company'),
  ('company', 'company', 'change_regional_account_manager'),
  ('company', 'company', 'change_one_list_tier_and_global_account_manager'),
  ('company', 'company', 'change_one_list_core_team_member'),
  ('company', 'company', 'view_export_win'),
  ('company', 'contact', 'view_contact_document'),
  ('company', 'contact', 'export_contact'),
  ('interaction', 'interaction', 'view_associated_investmentproject_interaction'),
  ('interaction', 'interaction', 'add_associated_investmentproject_interaction'),
  ('interaction', 'interaction', 'change_associated_investmentproject_interaction'),
  ('interaction', 'interaction', 'export_interaction'),
  ('investment', 'investmentproject', 'view_associated_investmentproject'),
  ('investment', 'investmentproject', 'change_associated_investmentproject'),
  ('investment', 'investmentproject', 'export_investmentproject'),
  ('investment', 'investmentproject', 'view_investmentproject_document'),
  ('investment', 'investmentproject', 'change_to_any_stage_investmentproject'),
  ('proposition', 'proposition', 'view_associated_proposition'),
  ('proposition', 'proposition', 'add_associated_proposition'),
  ('proposition', 'proposition', 'change_associated_proposition'),
  ('proposition', 'propositiondocument', 'add_associated_propositiondocument'),
  ('proposition', 'propositiondocument', 'change_associated_propositiondocument'),
  ('proposition', 'propositiondocument', 'delete_associated_propositiondocument'),
  ('proposition', 'propositiondocument', 'view_associated_propositiondocument'),
  ('evidence', 'evidencedocument', 'add_associated_evidencedocument'),
  ('evidence', 'evidencedocument', 'change_associated_evidencedocument'),
  ('evidence', 'evidencedocument', 'delete_associated_evidencedocument'),
  ('evidence', 'evidencedocument', 'view_associated_evidencedocument'),
  ('investor_profile', 'largecapitalinvestorprofile', 'export_largecapitalinvestorprofile'),
  ('opportunity', 'largecapitalopportunity', 'export_largecapitalopportunity'),
  ('order', 'order', 'export_order')
on conflict (app_label, codename) do nothing;

-- Feature flags (datahub/feature_flag/models.py). Global flags switch behaviour for
-- everyone; user flags reach an adviser directly or through an active group.
create table feature_flag_featureflag (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz default now(),
  modified_on timestamptz default now(),
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  code varchar(255) not null unique,
  description text not null default '',
  is_active boolean not null default false
);

create table feature_flag_userfeatureflag (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz default now(),
  modified_on timestamptz default now(),
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  code varchar(255) not null unique,
  description text not null default '',
  is_active boolean not null default false
);

create table feature_flag_userfeatureflaggroup (
  id integer generated by default as identity primary key,
  created_on timestamptz default now(),
  modified_on timestamptz default now(),
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  code varchar(255) not null unique,
  description text not null default '',
  is_active boolean not null default false
);

create table feature_flag_userfeatureflaggroup_features (
  userfeatureflaggroup_id integer not null
    references feature_flag_userfeatureflaggroup (id) on delete cascade,
  userfeatureflag_id uuid not null references feature_flag_userfeatureflag (id) on delete cascade,
  primary key (userfeatureflaggroup_id, userfeatureflag_id)
);
create index on feature_flag_userfeatureflaggroup_features (userfeatureflag_id);

create table company_advisor_features (
  advisor_id uuid not null references company_advisor (id) on delete cascade,
  userfeatureflag_id uuid not null references feature_flag_userfeatureflag (id) on delete cascade,
  primary key (advisor_id, userfeatureflag_id)
);
create index on company_advisor_features (userfeatureflag_id);

create table company_advisor_feature_groups (
  advisor_id uuid not null references company_advisor (id) on delete cascade,
  userfeatureflaggroup_id integer not null
    references feature_flag_userfeatureflaggroup (id) on delete cascade,
  primary key (advisor_id, userfeatureflaggroup_id)
);
create index on company_advisor_feature_groups (userfeatureflaggroup_id);

-- The one user flag a fresh build of the original has (feature_flag migration 0003).
insert into feature_flag_userfeatureflag (code) values ('personalised-dashboard')
on conflict (code) do nothing;

-- Hawk nonces seen in the last 60 s, when there is no Redis. A row whose expiry has
-- passed is free to be claimed again.
create table hawk_nonce (
  key text primary key,
  expires_on timestamptz not null
);
create index on hawk_nonce (expires_on);

-- The user event log (datahub/user_event_log): here written for real SSO introspections.
create table user_event_log_userevent (
  id bigint generated by default as identity primary key,
  timestamp timestamptz not null default now(),
  adviser_id uuid not null references company_advisor (id) on delete cascade,
  type varchar(255) not null,
  api_url_path varchar(5000) not null,
  data jsonb
);
create index on user_event_log_userevent (timestamp);
create index on user_event_log_userevent (adviser_id);
create index on user_event_log_userevent (api_url_path);
create index on user_event_log_userevent (api_url_path, timestamp);
create index on user_event_log_userevent (type, adviser_id);
create index on user_event_log_userevent (timestamp, type, adviser_id);
