-- The investment datasets' and feeds' cursor orderings, one index each, so every page is a
-- range scan however deep the cursor: projects by (created_on, id) (the existing index is
-- descending), Expand Your Business leads by (modified_on, created_on, id), and the large
-- capital feeds by (modified_on, id).
create index on investment_investmentproject (created_on, id);
create index on investment_lead_eyblead (modified_on, created_on, id);
create index on investor_profile_largecapitalinvestorprofile (modified_on, id);
create index on opportunity_largecapitalopportunity (modified_on, id);
