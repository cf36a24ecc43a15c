/** Response shapes several test files pin. */

/** The keys of an adviser as the adviser list and nested adviser fields render it. */
export const ADVISER_KEYS = [
  "contact_email",
  "dit_team",
  "email",
  "first_name",
  "id",
  "is_active",
  "last_login",
  "last_name",
  "name",
  "telephone_number",
];
