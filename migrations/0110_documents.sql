-- Stored documents (`documents_document`, as the original): where a file lives (bucket
-- id and path), its upload and antivirus state, and the scan's verdict. Every document
-- kind (generic uploadable documents, investment evidence and proposition documents)
-- points at one row here; src/documents/ owns the state machine.
create table documents_document (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz,
  modified_on timestamptz,
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  archived boolean not null default false,
  archived_on timestamptz,
  archived_reason text,
  archived_by_id uuid references company_advisor (id) on delete set null,
  bucket_id varchar(255) not null default 'default',
  use_default_credentials boolean not null default false,
  path varchar(255) not null,
  uploaded_on timestamptz,
  scan_initiated_on timestamptz,
  scanned_on timestamptz,
  av_clean boolean,
  av_reason text not null default '',
  status varchar(255) not null default 'not_virus_scanned' check (status in (
    'not_virus_scanned', 'virus_scanning_scheduled', 'virus_scanning_in_progress',
    'virus_scanning_failed', 'virus_scanned', 'deletion_pending'
  )),
  unique (bucket_id, path)
);
create index on documents_document (av_clean);

-- Generic documents (`/v4/document/`): a SharePoint link or an uploaded file, related to
-- another object by `app_label.model` and id, as the original's content-type relations.
create table documents_sharepointdocument (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz,
  modified_on timestamptz,
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  archived boolean not null default false,
  archived_on timestamptz,
  archived_reason text,
  archived_by_id uuid references company_advisor (id) on delete set null,
  title varchar(255) not null default '',
  url varchar(255) not null
);

-- Deleting the stored document (the delete job) deletes its uploadable document.
create table documents_uploadabledocument (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz,
  modified_on timestamptz,
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  original_filename varchar(255) not null,
  title varchar(255) not null default '',
  document_id uuid not null unique references documents_document (id) on delete cascade
);

create table documents_genericdocument (
  id uuid primary key default gen_random_uuid(),
  created_on timestamptz,
  modified_on timestamptz,
  created_by_id uuid references company_advisor (id) on delete set null,
  modified_by_id uuid references company_advisor (id) on delete set null,
  archived boolean not null default false,
  archived_on timestamptz,
  archived_reason text,
  archived_by_id uuid references company_advisor (id) on delete set null,
  document_type varchar(100) not null
    check (document_type in ('documents.sharepointdocument', 'documents.uploadabledocument')),
  document_object_id uuid not null,
  related_object_type varchar(100) not null,
  related_object_id uuid not null
);
create index on documents_genericdocument (related_object_id, created_on);
create index on documents_genericdocument
  (document_type, document_object_id, related_object_type, related_object_id);
