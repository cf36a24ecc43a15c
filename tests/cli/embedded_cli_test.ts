import assert from "node:assert/strict";
import { runCliProcess } from "../helpers/process.ts";
import { startEmbedded } from "../../src/db/embedded.ts";

Deno.test("a newcomer's first commands work on a fresh embedded database", async (t) => {
  const dataDir = await Deno.makeTempDir({ prefix: "dh-embedded-cli-" });
  const env = { DATA_DIR: dataDir };

  await t.step("create-adviser migrates first and prints only its JSON on stdout", async () => {
    const res = await runCliProcess([
      "create-adviser",
      "--email",
      "new@example.test",
      "--superuser",
    ], env);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout.trim().split("\n").length, 1);
    assert.equal(JSON.parse(res.stdout).email, "new@example.test");
    assert.match(res.stderr, /embedded database/, "logs go to stderr");
  });

  await t.step("add-access-token prints the token alone", async () => {
    const res = await runCliProcess([
      "add-access-token",
      "new@example.test",
      "--token",
      "newcomer-token",
    ], env);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, "newcomer-token\n");
  });

  await t.step("a second process is refused while one holds the database", async () => {
    const holder = await startEmbedded(`${dataDir}/pg`);
    try {
      const res = await runCliProcess(["migrate", "--status"], env);
      assert.equal(res.code, 1);
      assert.match(res.stderr, /is in use by another process: stop it first/);
    } finally {
      await holder.stop();
    }
    const after = await runCliProcess(["migrate", "--status"], env);
    assert.equal(after.code, 0, after.stderr);
  });

  await Deno.remove(dataDir, { recursive: true });
});
