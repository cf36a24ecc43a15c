/** SQL for the current user's own record (`/whoami/`). */
import type { Db } from "../db/pool.ts";

export interface WhoAmIRow {
  id: string;
  sso_user_id: string | null;
  name: string;
  last_login: string | null;
  first_name: string;
  last_name: string;
  email: string;
  contact_email: string;
  telephone_number: string;
  dit_team: {
    id: string;
    name: string;
    disabled_on: string | null;
    role: { id: string; name: string } | null;
    uk_region: { id: string; name: string } | null;
    country: { id: string; name: string } | null;
  } | null;
}

/** The adviser with their team as the original's TeamSerializer nests it. */
export async function whoAmI(db: Db, adviserId: string): Promise<WhoAmIRow | null> {
  const [row] = await db<WhoAmIRow[]>`
    select a.id, a.sso_user_id,
           concat_ws(' ', nullif(a.first_name, ''), nullif(a.last_name, '')) as name,
           api_datetime(a.last_login) as last_login, a.first_name, a.last_name, a.email,
           a.contact_email, a.telephone_number,
           case when t.id is null then null else json_build_object(
             'id', t.id,
             'name', t.name,
             'disabled_on', api_datetime(t.disabled_on),
             'role', case when r.id is null then null
                          else json_build_object('id', r.id, 'name', r.name) end,
             'uk_region', case when u.id is null then null
                               else json_build_object('id', u.id, 'name', u.name) end,
             'country', case when co.id is null then null
                             else json_build_object('id', co.id, 'name', co.name) end
           ) end as dit_team
    from company_advisor a
    left join metadata_team t on t.id = a.dit_team_id
    left join metadata_teamrole r on r.id = t.role_id
    left join metadata_ukregion u on u.id = t.uk_region_id
    left join metadata_country co on co.id = t.country_id
    where a.id = ${adviserId}`;
  return row ?? null;
}
