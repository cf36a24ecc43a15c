import assert from "node:assert/strict";
import { connect } from "../../src/db/pool.ts";
import { migrate, MigrationError, migrationStatus, readMigrations } from "../../src/db/migrate.ts";
import { emptyDatabase, postgresAvailable } from "../helpers/db.ts";
import { runCliProcess } from "../helpers/process.ts";

/** A temporary migrations folder holding `files` (name → SQL). */
async function folder(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "migrations_" });
  for (const [name, sql] of Object.entries(files)) await Deno.writeTextFile(`${dir}/${name}`, sql);
  return dir;
}

Deno.test("migration runner", async (t) => {
  const db = await emptyDatabase();
  const { sql } = db;
  const tables = async () =>
    (await sql<{ name: string }[]>`
      select table_name as name from information_schema.tables
      where table_schema = 'public' and table_name like 'm\\_%' order by 1`).map((r) => r.name);
  const recorded = async () =>
    (await sql<{ name: string }[]>`select name from schema_migrations order by name`).map((r) =>
      r.name
    );

  await t.step("applies pending files in name order, once; a re-run applies nothing", async () => {
    const dir = await folder({
      "0002_b.sql": "create table m_b (a_id int references m_a (id));",
      "0001_a.sql": "create table m_a (id int primary key);\ninsert into m_a values (1);",
      "notes.txt": "not a migration",
    });
    const seen: string[] = [];
    assert.deepEqual(await migrate(sql, { dir, onApply: (n) => seen.push(n) }), [
      "0001_a.sql",
      "0002_b.sql",
    ]);
    assert.deepEqual(seen, ["0001_a.sql", "0002_b.sql"]);
    assert.deepEqual(await migrate(sql, { dir }), []);
    assert.deepEqual(await tables(), ["m_a", "m_b"]);
    assert.deepEqual(await recorded(), ["0001_a.sql", "0002_b.sql"]);
    await Deno.remove(dir, { recursive: true });
  });

  await t.step("an edited applied file is refused by name, and nothing runs", async () => {
    const dir = await folder({
      "0001_a.sql": "create table m_a (id int primary key);\n-- edited\n",
      "0002_b.sql": "create table m_b (a_id int references m_a (id));",
      "0003_c.sql": "create table m_c (id int);",
    });
    await assert.rejects(migrate(sql, { dir }), (error: Error) => {
      assert.ok(error instanceof MigrationError);
      assert.match(error.message, /edited since they ran: 0001_a\.sql\./);
      assert.match(error.message, /add a new migration/);
      return true;
    });
    assert.deepEqual(await tables(), ["m_a", "m_b"]);
    assert.deepEqual(await recorded(), ["0001_a.sql", "0002_b.sql"]);
    await Deno.remove(dir, { recursive: true });
  });

  await t.step("migrationStatus lists applied, pending, edited and missing files", async () => {
    const dir = await folder({
      "0001_a.sql": "-- edited\n",
      "0003_c.sql": "create table m_c (id int);",
    });
    const status = await migrationStatus(sql, { dir });
    assert.deepEqual(status.applied.map((a) => a.name), ["0001_a.sql", "0002_b.sql"]);
    assert.ok(status.applied.every((a) => !Number.isNaN(Date.parse(a.appliedOn))));
    assert.deepEqual(status.pending, ["0003_c.sql"]);
    assert.deepEqual(status.edited, ["0001_a.sql"]);
    assert.deepEqual(status.missing, ["0002_b.sql"]);
    await assert.rejects(migrate(sql, { dir }), MigrationError);
    await Deno.remove(dir, { recursive: true });
  });

  await t.step("a failing file rolls back alone; earlier files stay applied", async () => {
    const files = {
      "0001_a.sql": "create table m_a (id int primary key);\ninsert into m_a values (1);",
      "0002_b.sql": "create table m_b (a_id int references m_a (id));",
      "0003_c.sql": "create table m_c (id int);",
      "0004_d.sql": "create table m_d (id int);\ninsert into m_d values (1 / 0);",
      "0005_e.sql": "create table m_e (id int);",
    };
    const dir = await folder(files);
    await assert.rejects(migrate(sql, { dir }), (error: Error) => {
      assert.ok(error instanceof MigrationError);
      assert.match(error.message, /^migration 0004_d\.sql failed: division by zero/);
      return true;
    });
    assert.deepEqual(await tables(), ["m_a", "m_b", "m_c"]);
    assert.deepEqual(await recorded(), ["0001_a.sql", "0002_b.sql", "0003_c.sql"]);
    const status = await migrationStatus(sql, { dir });
    assert.deepEqual(status.pending, ["0004_d.sql", "0005_e.sql"]);

    await Deno.writeTextFile(`${dir}/0004_d.sql`, "create table m_d (id int);");
    assert.deepEqual(await migrate(sql, { dir }), ["0004_d.sql", "0005_e.sql"]);
    assert.deepEqual(await tables(), ["m_a", "m_b", "m_c", "m_d", "m_e"]);
    await Deno.remove(dir, { recursive: true });
  });

  await db.close();
});

Deno.test({
  name: "migration runner: concurrent migrate() calls apply each file exactly once",
  // PGlite has a single backend, so the advisory lock cannot be exercised there.
  ignore: !(await postgresAvailable()),
  fn: async () => {
    const db = await emptyDatabase();
    // Not idempotent on purpose: a second run of any file would fail on `create table`.
    const dir = await folder(
      Object.fromEntries(
        Array.from({ length: 6 }, (_, i) => [
          `000${i + 1}_t${i}.sql`,
          `create table m_t${i} (id int);\ninsert into m_t${i} values (${i});`,
        ]),
      ),
    );
    // Two pools stand for two processes starting at once.
    const first = connect(db.url, { max: 2 });
    const second = connect(db.url, { max: 2 });
    try {
      const runs = await Promise.allSettled([migrate(first, { dir }), migrate(second, { dir })]);
      const applied = runs.flatMap((r) => {
        assert.equal(r.status, "fulfilled", String((r as PromiseRejectedResult).reason));
        return (r as PromiseFulfilledResult<string[]>).value;
      });
      assert.deepEqual(applied.sort(), (await readMigrations(dir)).map((f) => f.name));
      const rows = await db.sql<{ name: string; n: number }[]>`
        select name, count(*)::int as n from schema_migrations group by name`;
      assert.equal(rows.length, 6);
      assert.ok(rows.every((r) => r.n === 1));
    } finally {
      await first.end();
      await second.end();
      await Deno.remove(dir, { recursive: true });
      await db.close();
    }
  },
});

Deno.test("cli.ts migrate and migrate --status", async (t) => {
  const db = await emptyDatabase();
  const env = { DATABASE_URL: db.url, LOG_LEVEL: "warn" };
  const names = (await readMigrations()).map((f) => f.name);

  await t.step("--status on an empty database lists every file as pending", async () => {
    const res = await runCliProcess(["migrate", "--status"], env);
    assert.equal(res.code, 0, res.stderr);
    const lines = res.stdout.trim().split("\n");
    assert.deepEqual(lines, [
      ...names.map((n) => `pending  ${n}`),
      `0 applied, ${names.length} pending`,
    ]);
  });

  await t.step("migrate applies them and says so; a second run is up to date", async () => {
    const res = await runCliProcess(["migrate"], env);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(res.stdout.trim().split("\n"), [
      ...names.map((n) => `applied ${n}`),
      `${names.length} migration(s) applied`,
    ]);
    const again = await runCliProcess(["migrate"], env);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.trim(), "nothing to apply: up to date");
  });

  await t.step("--status lists applied files with their time", async () => {
    const res = await runCliProcess(["migrate", "--status"], env);
    assert.equal(res.code, 0, res.stderr);
    for (const name of names) {
      assert.match(res.stdout, new RegExp(`^applied  ${name}  \\(\\d{4}-\\d\\d-\\d\\dT`, "m"));
    }
    assert.match(res.stdout, new RegExp(`^${names.length} applied, 0 pending$`, "m"));
  });

  await t.step("--status flags an edited file and exits 1", async () => {
    await db.sql`update schema_migrations set checksum = 'changed' where name = ${names[0]}`;
    const res = await runCliProcess(["migrate", "--status"], env);
    assert.equal(res.code, 1);
    assert.match(res.stdout, new RegExp(`^edited!  ${names[0]}  \\(`, "m"));
  });

  await t.step("an unknown flag is a usage error (exit 2)", async () => {
    const res = await runCliProcess(["migrate", "--bogus"], env);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /Usage: cli\.ts migrate \[--status\]/);
  });

  await db.close();
});
