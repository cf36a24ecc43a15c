-- E-mails to send through GOV.UK Notify, written in the transaction that decided to send
-- them and sent by a job after the commit. A row is sent at most once: the job locks it
-- and skips it once `sent_on` is set, so a retried job never e-mails twice.
create table notification_email (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz not null,
  -- The Notify service whose key sends it (the original's NotifyServiceName).
  service varchar(255) not null,
  recipient varchar(255) not null,
  template_id varchar(255) not null,
  personalisation jsonb not null,
  -- The reminders it is about: `email_notification_id` is written back to them.
  reminder_table varchar(255),
  reminder_ids uuid[] not null default '{}',
  sent_on timestamptz,
  notification_id uuid
);
create index on notification_email (created_on) where sent_on is null;
