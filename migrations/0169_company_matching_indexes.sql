-- The lookups of the Data Flow ingestions, which match every incoming attendee or enquiry
-- against all companies: by name in any case (Stova attendees, Django's `name__iexact`)
-- and by Companies House number (great.gov.uk enquiries).
create index company_company_upper_name on company_company (upper(name));
create index company_company_company_number on company_company (company_number);
