-- Reminders and their subscriptions (`reminder_*`, as the original): one settings row per
-- adviser and reminder type, created on first read; one table of reminders per type.
-- Reminders are dismissed, never deleted (`status`). `project_id` has no foreign key yet:
-- investment projects arrive in their own migration, which adds it.

create table reminder_norecentexportinteractionsubscription (
  id uuid primary key default gen_random_uuid(),
  adviser_id uuid not null unique references company_advisor (id) on delete cascade,
  email_reminders_enabled boolean not null default false,
  reminder_days smallint[] not null default '{}'
    check (cardinality(reminder_days) <= 5 and 0 <= all (reminder_days))
);

create table reminder_newexportinteractionsubscription (
  id uuid primary key default gen_random_uuid(),
  adviser_id uuid not null unique references company_advisor (id) on delete cascade,
  email_reminders_enabled boolean not null default false,
  reminder_days smallint[] not null default '{}'
    check (cardinality(reminder_days) <= 5 and 0 <= all (reminder_days))
);

create table reminder_norecentinvestmentinteractionsubscription (
  id uuid primary key default gen_random_uuid(),
  adviser_id uuid not null unique references company_advisor (id) on delete cascade,
  email_reminders_enabled boolean not null default false,
  reminder_days smallint[] not null default '{}'
    check (cardinality(reminder_days) <= 5 and 0 <= all (reminder_days))
);

create table reminder_upcomingestimatedlanddatesubscription (
  id uuid primary key default gen_random_uuid(),
  adviser_id uuid not null unique references company_advisor (id) on delete cascade,
  email_reminders_enabled boolean not null default false,
  reminder_days smallint[] not null default '{}'
    check (cardinality(reminder_days) <= 5 and 0 <= all (reminder_days))
);

create table reminder_upcomingtaskremindersubscription (
  id uuid primary key default gen_random_uuid(),
  adviser_id uuid not null unique references company_advisor (id) on delete cascade,
  email_reminders_enabled boolean not null default false,
  reminder_days smallint[] not null default '{}'
    check (cardinality(reminder_days) <= 5 and 0 <= all (reminder_days))
);

create table reminder_taskoverduesubscription (
  id uuid primary key default gen_random_uuid(),
  adviser_id uuid not null unique references company_advisor (id) on delete cascade,
  email_reminders_enabled boolean not null default false,
  reminder_days smallint[] not null default '{}'
    check (cardinality(reminder_days) <= 5 and 0 <= all (reminder_days))
);

create table reminder_taskassignedtomefromotherssubscription (
  id uuid primary key default gen_random_uuid(),
  adviser_id uuid not null unique references company_advisor (id) on delete cascade,
  email_reminders_enabled boolean not null default false
);

create table reminder_taskamendedbyotherssubscription (
  id uuid primary key default gen_random_uuid(),
  adviser_id uuid not null unique references company_advisor (id) on delete cascade,
  email_reminders_enabled boolean not null default false
);

create table reminder_taskcompletedsubscription (
  id uuid primary key default gen_random_uuid(),
  adviser_id uuid not null unique references company_advisor (id) on delete cascade,
  email_reminders_enabled boolean not null default false
);

create table reminder_taskdeletedbyotherssubscription (
  id uuid primary key default gen_random_uuid(),
  adviser_id uuid not null unique references company_advisor (id) on delete cascade,
  email_reminders_enabled boolean not null default false
);

create table reminder_newexportinteractionreminder (
  id uuid primary key default gen_random_uuid(),
  adviser_id uuid not null references company_advisor (id) on delete cascade,
  created_on timestamptz not null,
  modified_on timestamptz,
  event varchar(255) not null,
  status varchar(255) not null default 'live',
  email_notification_id uuid,
  email_delivery_status varchar(255) not null default 'unknown',
  company_id uuid not null references company_company (id) on delete cascade,
  interaction_id uuid not null references interaction_interaction (id) on delete cascade
);
create index on reminder_newexportinteractionreminder (adviser_id, created_on);

create table reminder_norecentexportinteractionreminder (
  id uuid primary key default gen_random_uuid(),
  adviser_id uuid not null references company_advisor (id) on delete cascade,
  created_on timestamptz not null,
  modified_on timestamptz,
  event varchar(255) not null,
  status varchar(255) not null default 'live',
  email_notification_id uuid,
  email_delivery_status varchar(255) not null default 'unknown',
  company_id uuid not null references company_company (id) on delete cascade,
  interaction_id uuid references interaction_interaction (id) on delete cascade
);
create index on reminder_norecentexportinteractionreminder (adviser_id, created_on);

create table reminder_norecentinvestmentinteractionreminder (
  id uuid primary key default gen_random_uuid(),
  adviser_id uuid not null references company_advisor (id) on delete cascade,
  created_on timestamptz not null,
  modified_on timestamptz,
  event varchar(255) not null,
  status varchar(255) not null default 'live',
  email_notification_id uuid,
  email_delivery_status varchar(255) not null default 'unknown',
  project_id uuid not null
);
create index on reminder_norecentinvestmentinteractionreminder (adviser_id, created_on);

create table reminder_upcomingestimatedlanddatereminder (
  id uuid primary key default gen_random_uuid(),
  adviser_id uuid not null references company_advisor (id) on delete cascade,
  created_on timestamptz not null,
  modified_on timestamptz,
  event varchar(255) not null,
  status varchar(255) not null default 'live',
  email_notification_id uuid,
  email_delivery_status varchar(255) not null default 'unknown',
  project_id uuid not null
);
create index on reminder_upcomingestimatedlanddatereminder (adviser_id, created_on);

create table reminder_upcomingtaskreminder (
  id uuid primary key default gen_random_uuid(),
  adviser_id uuid not null references company_advisor (id) on delete cascade,
  created_on timestamptz not null,
  modified_on timestamptz,
  event varchar(255) not null,
  status varchar(255) not null default 'live',
  email_notification_id uuid,
  email_delivery_status varchar(255) not null default 'unknown',
  task_id uuid not null references task_task (id) on delete cascade
);
create index on reminder_upcomingtaskreminder (adviser_id, created_on);

create table reminder_taskassignedtomefromothersreminder (
  id uuid primary key default gen_random_uuid(),
  adviser_id uuid not null references company_advisor (id) on delete cascade,
  created_on timestamptz not null,
  modified_on timestamptz,
  event varchar(255) not null,
  status varchar(255) not null default 'live',
  email_notification_id uuid,
  email_delivery_status varchar(255) not null default 'unknown',
  task_id uuid not null references task_task (id) on delete cascade
);
create index on reminder_taskassignedtomefromothersreminder (adviser_id, created_on);

create table reminder_taskamendedbyothersreminder (
  id uuid primary key default gen_random_uuid(),
  adviser_id uuid not null references company_advisor (id) on delete cascade,
  created_on timestamptz not null,
  modified_on timestamptz,
  event varchar(255) not null,
  status varchar(255) not null default 'live',
  email_notification_id uuid,
  email_delivery_status varchar(255) not null default 'unknown',
  task_id uuid not null references task_task (id) on delete cascade
);
create index on reminder_taskamendedbyothersreminder (adviser_id, created_on);

create table reminder_taskoverduereminder (
  id uuid primary key default gen_random_uuid(),
  adviser_id uuid not null references company_advisor (id) on delete cascade,
  created_on timestamptz not null,
  modified_on timestamptz,
  event varchar(255) not null,
  status varchar(255) not null default 'live',
  email_notification_id uuid,
  email_delivery_status varchar(255) not null default 'unknown',
  task_id uuid not null references task_task (id) on delete cascade
);
create index on reminder_taskoverduereminder (adviser_id, created_on);

create table reminder_taskcompletedreminder (
  id uuid primary key default gen_random_uuid(),
  adviser_id uuid not null references company_advisor (id) on delete cascade,
  created_on timestamptz not null,
  modified_on timestamptz,
  event varchar(255) not null,
  status varchar(255) not null default 'live',
  email_notification_id uuid,
  email_delivery_status varchar(255) not null default 'unknown',
  task_id uuid not null references task_task (id) on delete cascade
);
create index on reminder_taskcompletedreminder (adviser_id, created_on);

create table reminder_taskdeletedbyothersreminder (
  id uuid primary key default gen_random_uuid(),
  adviser_id uuid not null references company_advisor (id) on delete cascade,
  created_on timestamptz not null,
  modified_on timestamptz,
  event varchar(255) not null,
  status varchar(255) not null default 'live',
  email_notification_id uuid,
  email_delivery_status varchar(255) not null default 'unknown',
  task_id uuid not null references task_task (id) on delete cascade
);
create index on reminder_taskdeletedbyothersreminder (adviser_id, created_on);
