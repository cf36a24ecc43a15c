-- api_date, as api_datetime in 0061: declared immutable over to_char (stable), PostgreSQL
-- never inlines it, so every interaction render called it as a function per row. Stable
-- lets the planner inline its one expression.
alter function api_date(timestamptz) stable;
