-- Advisers (the user model, `company_advisor` as in the original), their groups and
-- direct permissions, and locally minted access tokens (stored as SHA-256 hashes).

create table company_advisor (
  id uuid primary key default gen_random_uuid(),
  password varchar(128) not null default '',
  last_login timestamptz,
  is_superuser boolean not null default false,
  email varchar(255) not null unique,
  first_name varchar(255) not null default '',
  last_name varchar(255) not null default '',
  telephone_number varchar(255) not null default '',
  contact_email varchar(255) not null default '',
  dit_team_id uuid references metadata_team (id) on delete set null,
  is_staff boolean not null default false,
  is_active boolean not null default true,
  date_joined timestamptz not null default now(),
  sso_email_user_id varchar(254) unique,
  sso_user_id uuid unique
);
create index on company_advisor (dit_team_id);
create index on company_advisor (first_name, last_name);
create index company_advisor_name_upper on company_advisor (is_active, upper(first_name || ' ' || last_name));

create table company_advisor_groups (
  advisor_id uuid not null references company_advisor (id) on delete cascade,
  group_id integer not null references auth_group (id) on delete cascade,
  primary key (advisor_id, group_id)
);

create table company_advisor_user_permissions (
  advisor_id uuid not null references company_advisor (id) on delete cascade,
  permission_id integer not null references auth_permission (id) on delete cascade,
  primary key (advisor_id, permission_id)
);

create table oauth_access_token (
  token_sha256 text primary key,
  advisor_id uuid not null references company_advisor (id) on delete cascade,
  expires_on timestamptz not null,
  created_on timestamptz not null default now()
);
create index on oauth_access_token (advisor_id);
create index on oauth_access_token (expires_on);
