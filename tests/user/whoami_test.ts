import assert from "node:assert/strict";
import { call, createAdviser, testApp } from "../helpers/app.ts";

const CLI = new URL("../../cli.ts", import.meta.url).pathname;

async function cli(databaseUrl: string, ...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    env: { DATABASE_URL: databaseUrl, MIGRATE_ON_START: "false" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

const WHOAMI_KEYS = [
  "active_feature_groups",
  "active_features",
  "contact_email",
  "dit_team",
  "email",
  "first_name",
  "id",
  "last_login",
  "last_name",
  "name",
  "permissions",
  "sso_user_id",
  "telephone_number",
];

Deno.test("CLI create-adviser and add-access-token, then /whoami/", async (t) => {
  const ctx = await testApp();
  const { app, sql, db } = ctx;
  const [team] = await sql<{ id: string; name: string }[]>`
    select t.id, t.name from metadata_team t
    join metadata_teamrole_groups g on g.teamrole_id = t.role_id
    join auth_group ag on ag.id = g.group_id
    where ag.name = 'DIT_staff' and t.uk_region_id is not null
    limit 1`;
  let adviserId = "";

  await t.step("create-adviser prints one JSON object", async () => {
    const res = await cli(
      db.url,
      "create-adviser",
      "--email",
      "cli.user@example.test",
      "--first-name",
      "Cli",
      "--last-name",
      "User",
      "--team-id",
      team.id,
      "--group",
      "Regional account managers",
      "--permission",
      "company.view_advisor",
      "--sso-email-user-id",
      "cli.user-1234@id.test",
    );
    assert.equal(res.code, 0, res.stderr);
    const created = JSON.parse(res.stdout);
    assert.equal(res.stdout.trim().split("\n").length, 1);
    assert.match(created.id, /^[0-9a-f-]{36}$/);
    assert.equal(created.sso_email_user_id, "cli.user-1234@id.test");
    adviserId = created.id;
  });

  await t.step("create-adviser fails clearly", async () => {
    const duplicate = await cli(db.url, "create-adviser", "--email", "cli.user@example.test");
    assert.notEqual(duplicate.code, 0);
    assert.match(duplicate.stderr, /cli\.user@example\.test exists/);
    const group = await cli(
      db.url,
      "create-adviser",
      "--email",
      "x@example.test",
      "--group",
      "Nope",
    );
    assert.match(group.stderr, /Unknown group\(s\): Nope/);
    const permission = await cli(
      db.url,
      "create-adviser",
      "--email",
      "x@example.test",
      "--permission",
      "company.fly_advisor",
    );
    assert.match(permission.stderr, /Unknown permission\(s\): company\.fly_advisor/);
    const teamless = await cli(
      db.url,
      "create-adviser",
      "--email",
      "x@example.test",
      "--team-id",
      crypto.randomUUID(),
    );
    assert.match(teamless.stderr, /No team with id/);
    for (const r of [group, permission, teamless]) assert.notEqual(r.code, 0);
    const [{ n }] = await sql<{ n: number }[]>`
      select count(*)::int as n from company_advisor where email = 'x@example.test'`;
    assert.equal(n, 0);
  });

  let token = "";
  await t.step("add-access-token prints only a 43-character URL-safe token", async () => {
    const res = await cli(db.url, "add-access-token", "cli.user-1234@id.test");
    assert.equal(res.code, 0, res.stderr);
    token = res.stdout.trim();
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    const [row] = await sql<{ hours: number }[]>`
      select round(extract(epoch from expires_on - now()) / 3600)::int as hours
      from oauth_access_token where advisor_id = ${adviserId}`;
    assert.equal(row.hours, 10);
  });

  await t.step("add-access-token with --token and --hours; unknown adviser fails", async () => {
    const res = await cli(
      db.url,
      "add-access-token",
      "cli.user-1234@id.test",
      "--token",
      "fixed-token",
      "--hours",
      "2",
    );
    assert.deepEqual([res.code, res.stdout], [0, "fixed-token\n"]);
    const unknown = await cli(db.url, "add-access-token", "nobody@id.test");
    assert.notEqual(unknown.code, 0);
    assert.equal(unknown.stdout, "");
    assert.match(unknown.stderr, /No adviser with SSO email user id nobody@id\.test/);
  });

  await t.step("/whoami/ for the CLI token: the original's shape", async () => {
    const res = await call(app, "GET", "/whoami/", { token });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), WHOAMI_KEYS);
    assert.equal(res.body.id, adviserId);
    assert.equal(res.body.name, "Cli User");
    assert.equal(res.body.dit_team.id, team.id);
    assert.equal(res.body.dit_team.name, team.name);
    assert.deepEqual(Object.keys(res.body.dit_team).sort(), [
      "country",
      "disabled_on",
      "id",
      "name",
      "role",
      "uk_region",
    ]);
    assert.deepEqual(Object.keys(res.body.dit_team.role).sort(), ["id", "name"]);
    const permissions: string[] = res.body.permissions;
    assert.deepEqual(permissions, [...permissions].sort());
    assert.ok(permissions.includes("company.view_advisor"), "direct");
    assert.ok(permissions.includes("company.change_regional_account_manager"), "group");
    assert.ok(permissions.includes("interaction.view_all_interaction"), "team role");
    assert.ok(!permissions.includes("company.delete_company"));
  });

  await t.step("active features: direct and through active groups only", async () => {
    await sql`
      insert into feature_flag_userfeatureflag (code, is_active) values
        ('direct-on', true), ('direct-off', false), ('grouped-on', true), ('grouped-off', false)`;
    await sql`
      insert into feature_flag_userfeatureflaggroup (code, is_active) values
        ('group-on', true), ('group-off', false)`;
    await sql`
      insert into feature_flag_userfeatureflaggroup_features
      select g.id, f.id from feature_flag_userfeatureflaggroup g, feature_flag_userfeatureflag f
      where (g.code, f.code) in (('group-on', 'grouped-on'), ('group-on', 'grouped-off'),
                                 ('group-off', 'direct-off'))`;
    await sql`
      insert into company_advisor_features
      select ${adviserId}, id from feature_flag_userfeatureflag
      where code in ('direct-on', 'direct-off')`;
    await sql`
      insert into company_advisor_feature_groups
      select ${adviserId}, id from feature_flag_userfeatureflaggroup`;
    const res = await call(app, "GET", "/whoami/", { token });
    assert.deepEqual(res.body.active_features, ["direct-on", "grouped-on"]);
    assert.deepEqual(res.body.active_feature_groups, ["group-on"]);
  });

  await t.step("a superuser's permissions are the whole catalogue", async () => {
    const su = await createAdviser(sql, { superuser: true });
    const res = await call(app, "GET", "/whoami/", { token: su.token });
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from auth_permission`;
    assert.equal(res.body.permissions.length, n);
    assert.equal(res.body.dit_team, null);
  });

  await t.step("GET /v3/feature-flag: any adviser, every global flag", async () => {
    await sql`
      insert into feature_flag_featureflag (code, is_active) values ('b-flag', false), ('a-flag', true)`;
    assert.equal((await call(app, "GET", "/v3/feature-flag")).status, 401);
    const plain = await createAdviser(sql);
    const res = await call(app, "GET", "/v3/feature-flag", { token: plain.token });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, [
      { code: "a-flag", is_active: true },
      { code: "b-flag", is_active: false },
    ]);
  });

  await t.step("close", () => ctx.close());
});
