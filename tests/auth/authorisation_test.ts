import assert from "node:assert/strict";
import { createRoute, z } from "@hono/zod-openapi";
import { jsonResponse } from "../../src/http/schemas.ts";
import type { Caller } from "../../src/auth/caller.ts";
import { permittedFields, permittedFieldsOfAll } from "../../src/auth/fields.ts";
import { recordScope, requireInScope, scopeCondition } from "../../src/auth/scoping.ts";
import { bearer } from "../../src/auth/authenticate.ts";
import { crud, requireAny } from "../../src/auth/permissions.ts";
import type { App } from "../../src/http/context.ts";
import { call, createAdviser, testApp } from "../helpers/app.ts";

function adviser(permissions: string[], teamId: string | null = null, superuser = false): Caller {
  return {
    kind: "adviser",
    adviser: {
      id: crypto.randomUUID(),
      email: "a@example.test",
      firstName: "A",
      lastName: "B",
      ditTeamId: teamId,
      isActive: true,
      isSuperuser: superuser,
      ssoEmailUserId: "a@id.test",
    },
    permissions: new Set(permissions),
  };
}

const VIEW = {
  all: "investment.view_all_investmentproject",
  associated: "investment.view_associated_investmentproject",
};
const TEAM = "00000000-0000-4000-8000-000000000001";

Deno.test("field gating drops fields the caller may not see", () => {
  const company = {
    id: "1",
    name: "Acme",
    export_countries: ["FR"],
    archived_documents_url_path: "/x",
  };
  const gates = {
    export_countries: "company.view_companyexportcountry",
    archived_documents_url_path: "company.view_company_document",
  };
  assert.deepEqual(
    Object.keys(permittedFields(adviser(["company.view_companyexportcountry"]), company, gates)),
    ["id", "name", "export_countries"],
  );
  assert.deepEqual(Object.keys(permittedFields(adviser([]), company, gates)), ["id", "name"]);
  assert.deepEqual(permittedFields(adviser([], null, true), company, gates), company);
  assert.deepEqual(Object.keys(permittedFields({ kind: "anonymous" }, company, gates)), [
    "id",
    "name",
  ]);
  const all = permittedFieldsOfAll(adviser([]), [company, company], gates);
  assert.deepEqual(all.map((c) => Object.keys(c)), [["id", "name"], ["id", "name"]]);
});

Deno.test("all versus associated record scoping", async (t) => {
  await t.step("the all permission wins, associated restricts to the team, else denied", () => {
    assert.deepEqual(recordScope(adviser([VIEW.all, VIEW.associated], TEAM), VIEW), {
      kind: "all",
    });
    assert.deepEqual(recordScope(adviser([VIEW.associated], TEAM), VIEW), {
      kind: "team",
      teamId: TEAM,
    });
    assert.deepEqual(recordScope(adviser([VIEW.associated]), VIEW), { kind: "team", teamId: null });
    assert.deepEqual(recordScope(adviser([]), VIEW), { kind: "denied" });
    assert.deepEqual(recordScope(adviser([], null, true), VIEW), { kind: "all" });
    assert.deepEqual(recordScope({ kind: "anonymous" }, VIEW), { kind: "denied" });
  });

  await t.step("single records: 403 unless unrestricted or associated", async () => {
    const associated = (team: string) => team === TEAM;
    await requireInScope({ kind: "all" }, () => false);
    await requireInScope({ kind: "team", teamId: TEAM }, associated);
    for (
      const scope of [
        { kind: "team", teamId: "other" } as const,
        { kind: "team", teamId: null } as const,
        { kind: "denied" } as const,
      ]
    ) {
      await assert.rejects(requireInScope(scope, associated), { status: 403 });
    }
  });

  await t.step("list conditions run as SQL", async () => {
    const ctx = await testApp();
    const { sql } = ctx;
    await sql`create temporary table project (name text, team uuid)`;
    await sql`insert into project values ('ours', ${TEAM}), ('theirs', gen_random_uuid())`;
    const names = async (scope: Parameters<typeof scopeCondition>[1]) =>
      (await sql<{ name: string }[]>`
        select name from project
        where ${scopeCondition(sql, scope, (team) => sql`team = ${team}`)} order by name`)
        .map((r) => r.name);
    assert.deepEqual(await names({ kind: "all" }), ["ours", "theirs"]);
    assert.deepEqual(await names({ kind: "team", teamId: TEAM }), ["ours"]);
    assert.deepEqual(await names({ kind: "team", teamId: null }), []);
    assert.deepEqual(await names({ kind: "denied" }), []);
    await ctx.close();
  });
});

const matrixRoutes = {
  name: "matrix-test",
  register(app: App) {
    const body = z.object({ ok: z.boolean() });
    const ok = { 200: jsonResponse("ok", body), 201: jsonResponse("created", body) };
    app.openapi(
      createRoute({
        method: "get",
        path: "/v4/crud-test",
        middleware: [bearer, crud("company.company")],
        responses: ok,
      }),
      (c) => c.json({ ok: true }, 200),
    );
    app.openapi(
      createRoute({
        method: "post",
        path: "/v4/crud-test",
        middleware: [bearer, crud("company.company")],
        responses: ok,
      }),
      (c) => c.json({ ok: true }, 201),
    );
    app.openapi(
      createRoute({
        method: "get",
        path: "/v4/any-test",
        middleware: [bearer, requireAny(VIEW.all, VIEW.associated)],
        responses: ok,
      }),
      (c) => c.json({ ok: true }, 200),
    );
  },
};

Deno.test("permission matrix on routes (anonymous 401, no permission 403, permitted)", async (t) => {
  const ctx = await testApp({ domains: [matrixRoutes] });
  const { app, sql } = ctx;
  const viewer = await createAdviser(sql, { permissions: ["company.view_company"] });
  const adder = await createAdviser(sql, { permissions: ["company.add_company"] });
  const associated = await createAdviser(sql, { permissions: [VIEW.associated] });
  const superuser = await createAdviser(sql, { superuser: true });
  const cases: [string, string, string | undefined, number][] = [
    ["GET", "/v4/crud-test", undefined, 401],
    ["GET", "/v4/crud-test", adder.token, 403],
    ["GET", "/v4/crud-test", viewer.token, 200],
    ["POST", "/v4/crud-test", viewer.token, 403],
    ["POST", "/v4/crud-test", adder.token, 201],
    ["POST", "/v4/crud-test", superuser.token, 201],
    ["GET", "/v4/any-test", viewer.token, 403],
    ["GET", "/v4/any-test", associated.token, 200],
    ["GET", "/whoami/", undefined, 401],
    ["GET", "/whoami/", viewer.token, 200],
    ["GET", "/v3/feature-flag", viewer.token, 200],
    ["GET", "/adviser/", viewer.token, 403],
    ["GET", "/adviser/", superuser.token, 200],
  ];
  for (const [method, path, token, status] of cases) {
    await t.step(`${method} ${path} ${token ? "" : "anonymous "}→ ${status}`, async () => {
      assert.equal((await call(app, method, path, { token })).status, status);
    });
  }
  await t.step("close", () => ctx.close());
});
