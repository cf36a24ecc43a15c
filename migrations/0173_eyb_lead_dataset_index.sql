-- The Expand Your Business dataset reads leads in (modified_on, created_on, id) order from a
-- keyset position: one range scan of this index a page.
create index on investment_lead_eyblead (modified_on, created_on, id);
