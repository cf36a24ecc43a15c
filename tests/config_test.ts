import assert from "node:assert/strict";
import { CONFIG_VARIABLES, ConfigError, HAWK_CLIENTS, loadConfig } from "../src/config.ts";
import { runCliProcess } from "./helpers/process.ts";

/** The ConfigError `env` raises (fails the test when it parses). */
function problemsOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error;
  }
  assert.fail(`expected ConfigError for ${JSON.stringify(env)}`);
}

Deno.test("config", async (t) => {
  await t.step("defaults need no variables: embedded database, port 8000", () => {
    const c = loadConfig({});
    assert.equal(c.PORT, 8000);
    assert.equal(c.DATABASE_URL, undefined);
    assert.equal(c.DATABASE_POOL_SIZE, 10);
    assert.equal(c.DATA_DIR, "./.data");
    assert.equal(c.MIGRATE_ON_START, true);
    assert.equal(c.REDIS_BASE_URL, undefined);
    assert.equal(c.SEARCH_BACKEND, "postgres");
    assert.equal(c.SSO_ENABLED, false);
    assert.equal(c.STAFF_SSO_REQUEST_TIMEOUT, 5);
    assert.equal(c.STAFF_SSO_USER_TOKEN_CACHING_PERIOD, 3600);
    assert.deepEqual(c.PAAS_IP_ALLOWLIST, []);
    assert.equal(c.DATAHUB_FRONTEND_BASE_URL, "http://localhost:3000");
    assert.equal(c.LOG_LEVEL, "info");
    assert.deepEqual(c.hawkCredentials, []);
  });

  await t.step("values are trimmed and parsed; empty strings mean the default", () => {
    const c = loadConfig({
      PORT: " 9000 ",
      MIGRATE_ON_START: "no",
      SSO_ENABLED: "Yes",
      STAFF_SSO_BASE_URL: "https://sso.example.test/",
      STAFF_SSO_AUTH_TOKEN: "t",
      PAAS_IP_ALLOWLIST: "1.2.3.4, 5.6.7.8,,",
      DATABASE_POOL_SIZE: "",
      DATABASE_URL: "postgresql://u@db:5432/datahub",
    });
    assert.equal(c.PORT, 9000);
    assert.equal(c.MIGRATE_ON_START, false);
    assert.equal(c.SSO_ENABLED, true);
    assert.deepEqual(c.PAAS_IP_ALLOWLIST, ["1.2.3.4", "5.6.7.8"]);
    assert.equal(c.DATABASE_POOL_SIZE, 10);
    assert.equal(c.DATABASE_URL, "postgresql://u@db:5432/datahub");
  });

  await t.step("Hawk clients: an id with its secret gets the client's scopes", () => {
    const c = loadConfig({
      MARKET_ACCESS_ACCESS_KEY_ID: "ma-id",
      MARKET_ACCESS_SECRET_ACCESS_KEY: "ma-key",
    });
    assert.deepEqual(c.hawkCredentials, [
      { id: "ma-id", key: "ma-key", scopes: ["public_company", "metadata"] },
    ]);
  });

  const bad: [string, Record<string, string>, RegExp][] = [
    ["PORT=abc", { PORT: "abc" }, /PORT: expected a whole number 0\.\.65535, got "abc"/],
    ["PORT out of range", { PORT: "70000" }, /PORT: .*got "70000"/],
    ["SSO_ENABLED=maybe", { SSO_ENABLED: "maybe" }, /SSO_ENABLED: expected true or false/],
    [
      "DATABASE_URL=http://x",
      { DATABASE_URL: "http://x" },
      /DATABASE_URL: expected a URL starting with postgres: or postgresql:/,
    ],
    ["SEARCH_BACKEND=x", { SEARCH_BACKEND: "x" }, /SEARCH_BACKEND: /],
    [
      "SEARCH_BACKEND=opensearch without OPENSEARCH_URL",
      { SEARCH_BACKEND: "opensearch" },
      /OPENSEARCH_URL: required when SEARCH_BACKEND is opensearch/,
    ],
    [
      "SSO_ENABLED=true without STAFF_SSO_BASE_URL",
      { SSO_ENABLED: "true", STAFF_SSO_AUTH_TOKEN: "t" },
      /STAFF_SSO_BASE_URL: required when SSO_ENABLED is true/,
    ],
    [
      "a Hawk id without its secret",
      { DATA_FLOW_API_ACCESS_KEY_ID: "df" },
      /DATA_FLOW_API_SECRET_ACCESS_KEY: required when DATA_FLOW_API_ACCESS_KEY_ID is set/,
    ],
    [
      "a Hawk id used by two clients",
      {
        DATA_FLOW_API_ACCESS_KEY_ID: "same",
        DATA_FLOW_API_SECRET_ACCESS_KEY: "k1",
        REDBOX_ACCESS_KEY_ID: "same",
        REDBOX_SECRET_ACCESS_KEY: "k2",
      },
      /REDBOX_ACCESS_KEY_ID: the id "same" is already used by another client/,
    ],
    ["LOG_LEVEL=loud", { LOG_LEVEL: "loud" }, /LOG_LEVEL: /],
    ["REDIS_BASE_URL not redis:", { REDIS_BASE_URL: "http://r" }, /REDIS_BASE_URL: /],
  ];
  for (const [name, env, message] of bad) {
    await t.step(`${name} → ConfigError naming the variable`, () => {
      const error = problemsOf(env);
      assert.match(error.message, /^Invalid configuration:\n/);
      assert.match(error.message, message);
    });
  }

  await t.step("every bad variable is reported at once", () => {
    const error = problemsOf({ PORT: "abc", SSO_ENABLED: "maybe", REDBOX_ACCESS_KEY_ID: "r" });
    assert.equal(error.problems.length, 3);
  });

  await t.step("cli.ts with a bad environment exits 78 naming the variable", async () => {
    const res = await runCliProcess(["migrate"], { DATABASE_URL: "http://x", PORT: "abc" });
    assert.equal(res.code, 78);
    assert.match(res.stderr, /^Invalid configuration:\n/);
    assert.match(res.stderr, /DATABASE_URL: expected a URL starting with postgres:/);
    assert.match(res.stderr, /PORT: expected a whole number/);
    assert.equal(res.stdout, "");
  });

  await t.step(
    "README's tables list exactly the variables and Hawk clients read here",
    async () => {
      const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
      /** The first cells of the rows of the table whose header row starts with `header`. */
      const firstColumn = (header: string) => {
        const lines = readme.split("\n");
        const start = lines.findIndex((l) => l.startsWith(`| ${header} `));
        const end = lines.findIndex((l, i) => i > start && !l.startsWith("|"));
        return lines.slice(start + 2, end).map((row) =>
          row.split("|")[1].trim().replaceAll("`", "")
        );
      };
      const variables = firstColumn("Variable").filter((v) => !v.includes("<CLIENT>"));
      assert.deepEqual(variables, CONFIG_VARIABLES);
      assert.deepEqual(firstColumn("`<CLIENT>`"), Object.keys(HAWK_CLIENTS));
    },
  );
});
