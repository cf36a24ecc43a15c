-- Indexes that hand lists and embedded lists their rows already in the order the API
-- renders them, so PostgreSQL reads a page straight off an index instead of sorting:
-- a company's contacts (embedded in every company document) by created_on, id; the
-- company list's `sortby=name` with its id tie-break. Each replaces the single-column
-- index it extends (a lookup by its leading column uses the wider one as well).
-- Plain (not CONCURRENTLY) as the runner applies a file in one transaction: on a large
-- table this holds writes to it for the build.

create index company_contact_company_id_created_on_id_idx
  on company_contact (company_id, created_on, id);
drop index company_contact_company_id_idx;

create index company_company_name_id_idx on company_company (name, id);
drop index company_company_name_idx;
