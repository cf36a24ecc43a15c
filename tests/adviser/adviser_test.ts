import assert from "node:assert/strict";
import { ADVISER_KEYS } from "../helpers/shapes.ts";
import { call, createAdviser, testApp } from "../helpers/app.ts";

Deno.test("GET /adviser/ and /adviser/{id}/", async (t) => {
  const ctx = await testApp();
  const { app, sql } = ctx;
  const teams = await sql<{ id: string; name: string; role_id: string }[]>`
    select id, name, role_id from metadata_team
    where role_id is not null and name in ('Aberdeen City Council', 'Advanced Manufacturing Sector')
    order by name`;
  assert.equal(teams.length, 2);
  const caller = await createAdviser(sql, {
    permissions: ["company.view_advisor"],
    firstName: "Zed",
    lastName: "Caller",
  });
  const nobody = await createAdviser(sql, { firstName: "Zed", lastName: "Nobody" });
  const people = [
    await createAdviser(sql, { firstName: "John", lastName: "Gravy", teamId: teams[0].id }),
    await createAdviser(sql, { firstName: "Elisabeth", lastName: "Gravy", teamId: teams[1].id }),
    await createAdviser(sql, { firstName: "Jo", lastName: "O'Conner", teamId: teams[1].id }),
    await createAdviser(sql, { firstName: "Mary", lastName: "O’Conner", isActive: false }),
    await createAdviser(sql, { firstName: "Anna", lastName: "Ascender" }),
  ];
  const list = (query = "") => call(app, "GET", `/adviser/${query}`, { token: caller.token });
  const names = (body: { results: { name: string }[] }) => body.results.map((r) => r.name);

  await t.step("permission matrix: anonymous 401, no permission 403, permitted 200", async () => {
    for (const path of ["/adviser/", `/adviser/${caller.id}/`]) {
      assert.equal((await call(app, "GET", path)).status, 401, path);
      const denied = await call(app, "GET", path, { token: nobody.token });
      assert.deepEqual([denied.status, denied.body], [403, {
        detail: "You do not have permission to perform this action.",
      }], path);
      assert.equal((await call(app, "GET", path, { token: caller.token })).status, 200, path);
    }
  });

  await t.step("detail: the original's keys; team at depth 1", async () => {
    const res = await call(app, "GET", `/adviser/${people[0].id}/`, { token: caller.token });
    assert.deepEqual(Object.keys(res.body).sort(), ADVISER_KEYS);
    assert.equal(res.body.name, "John Gravy");
    assert.deepEqual(Object.keys(res.body.dit_team).sort(), [
      "country",
      "disabled_on",
      "id",
      "name",
      "role",
      "tags",
      "uk_region",
    ]);
    assert.equal(res.body.dit_team.role, teams[0].role_id);
  });

  await t.step("detail: 404s; no route without the trailing slash", async () => {
    const bad = await call(app, "GET", "/adviser/not-a-uuid/", { token: caller.token });
    assert.deepEqual([bad.status, bad.body], [404, { detail: "Not found." }]);
    const unknown = await call(app, "GET", `/adviser/${crypto.randomUUID()}/`, {
      token: caller.token,
    });
    assert.deepEqual([unknown.status, unknown.body], [404, {
      detail: "No Advisor matches the given query.",
    }]);
    assert.equal((await call(app, "GET", "/adviser", { token: caller.token })).status, 404);
  });

  await t.step("list: default order first name, last name, team; paginated", async () => {
    const res = await list();
    assert.equal(res.status, 200);
    assert.equal(res.body.count, 7);
    assert.deepEqual(names(res.body), [
      "Anna Ascender",
      "Elisabeth Gravy",
      "Jo O'Conner",
      "John Gravy",
      "Mary O’Conner",
      "Zed Caller",
      "Zed Nobody",
    ]);
    const page = await list("?limit=2&offset=2");
    assert.deepEqual(names(page.body), ["Jo O'Conner", "John Gravy"]);
    assert.equal(page.body.next, "http://testserver/adviser/?limit=2&offset=4");
    assert.equal(page.body.previous, "http://testserver/adviser/?limit=2");
  });

  await t.step("list: sortby", async () => {
    const res = await list("?sortby=-first_name,-last_name");
    assert.deepEqual(names(res.body).slice(0, 3), ["Zed Nobody", "Zed Caller", "Mary O’Conner"]);
    const ignored = await list("?sortby=email");
    assert.equal(names(ignored.body)[0], "Anna Ascender");
  });

  await t.step("list: is_active (lenient booleans)", async () => {
    assert.equal((await list("?is_active=false")).body.count, 1);
    assert.equal((await list("?is_active=True")).body.count, 6);
    assert.equal((await list("?is_active=maybe")).body.count, 7);
  });

  await t.step("list: dit_team__role", async () => {
    const res = await list(`?dit_team__role=${teams[0].role_id}`);
    assert.ok(
      res.body.results.every((r: { dit_team: { role: string } | null }) =>
        r.dit_team?.role === teams[0].role_id
      ),
    );
    const bad = await list("?dit_team__role=nope");
    assert.deepEqual([bad.status, bad.body], [400, {
      dit_team__role: ["Select a valid choice. That choice is not one of the available choices."],
    }]);
  });

  await t.step("list: autocomplete on word prefixes of names and team", async () => {
    assert.deepEqual(names((await list("?autocomplete=conner")).body), [
      "Jo O'Conner",
      "Mary O’Conner",
    ]);
    assert.deepEqual(names((await list("?autocomplete=gra%20joh")).body), ["John Gravy"]);
    assert.deepEqual(names((await list("?autocomplete=acre")).body), []);
    // First-name matches come before last-name matches, then team-name matches.
    await sql`update company_advisor set last_name = 'Advent' where id = ${people[4].id}`;
    assert.deepEqual(names((await list("?autocomplete=adv")).body), [
      "Anna Advent",
      "Elisabeth Gravy",
      "Jo O'Conner",
    ]);
    await sql`update company_advisor set last_name = 'Ascender' where id = ${people[4].id}`;
    const special = encodeURIComponent(String.raw`%_\`~:'()[]{}?*+-|^$\\.&~# \t`);
    const odd = await list(`?autocomplete=${special}`);
    assert.deepEqual([odd.status, odd.body.count], [200, 0]);
    assert.equal((await list("?autocomplete=")).body.count, 7);
  });

  await t.step("list: permissions__has (direct, group, team role, superuser)", async () => {
    const [dit] = await sql<{ id: number }[]>`select id from auth_group where name = 'DIT_staff'`;
    const viaGroup = await createAdviser(sql, { firstName: "Group", lastName: "Member" });
    await sql`insert into company_advisor_groups (advisor_id, group_id)
              values (${viaGroup.id}, ${dit.id})`;
    const [roleTeam] = await sql<{ id: string }[]>`
      select t.id from metadata_team t join metadata_teamrole_groups g on g.teamrole_id = t.role_id
      join auth_group ag on ag.id = g.group_id where ag.name = 'DIT_staff' limit 1`;
    const viaTeam = await createAdviser(sql, {
      firstName: "Team",
      lastName: "Member",
      teamId: roleTeam.id,
    });
    const superuser = await createAdviser(sql, {
      firstName: "Super",
      lastName: "User",
      superuser: true,
    });
    const direct = await createAdviser(sql, { permissions: ["company.delete_advisor"] });
    const ids = (body: { results: { id: string }[] }) => body.results.map((r) => r.id).sort();
    const res = await list("?permissions__has=company.delete_advisor");
    assert.deepEqual(ids(res.body), [direct.id, superuser.id].sort());
    // DIT_staff holds event.view_event; so do teams whose role maps to it.
    const event = ids((await list("?permissions__has=event.view_event&limit=1000")).body);
    for (const a of [viaGroup, viaTeam, superuser]) assert.ok(event.includes(a.id), a.id);
    for (const a of [caller, nobody, direct]) assert.ok(!event.includes(a.id), a.id);
    assert.equal((await list("?permissions__has=nope.nothing")).body.count, 0);
  });

  await t.step("close", () => ctx.close());
});
