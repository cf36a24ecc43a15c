-- Requests counted by a rate throttle (src/http/throttle.ts), as DRF's throttles keep a
-- history per cache key: one row a request, cleared once older than its throttle's window.
create table http_throttle_hit (
  key text not null,
  at timestamptz not null
);
create index on http_throttle_hit (key, at);
