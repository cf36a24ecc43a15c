-- api_datetime was declared immutable while its body calls stable functions (to_char,
-- extract on timestamptz). PostgreSQL never inlines a SQL function declared less volatile
-- than its body, so every rendered timestamp ran through the SQL-function executor: 14
-- calls per company with two contacts. Declared stable (what it is), it is inlined into
-- the calling query. Nothing indexes on it, so immutable bought nothing.
alter function api_datetime(timestamptz) stable;
