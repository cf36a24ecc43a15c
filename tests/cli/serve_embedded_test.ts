/**
 * The newcomer's path: `deno run -A main.ts` with no DATABASE_URL serves on the
 * embedded PGlite under DATA_DIR, stops cleanly on SIGTERM, and keeps its data for the
 * next start.
 */
import assert from "node:assert/strict";
import { denoCommand } from "../helpers/process.ts";

// A deadline, not a wait: a first start migrates the embedded database (11 s on a quiet
// machine), and a two-core machine under a parallel test run can take several times that.
const READY_WITHIN_MS = 180_000;
const POLL_EVERY_MS = 200;

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Collects a stream's text as it arrives, so a running server's log can be read. */
function collect(stream: ReadableStream<Uint8Array>) {
  const state = { text: "" };
  const done = stream.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (chunk) => void (state.text += chunk) }),
  );
  return { state, done };
}

/** JSON log lines of `text` (other lines ignored). */
function logLines(text: string): { event: string; [key: string]: unknown }[] {
  return text.split("\n").flatMap((line) => {
    try {
      const parsed = JSON.parse(line);
      return parsed && typeof parsed.event === "string" ? [parsed] : [];
    } catch {
      return [];
    }
  });
}

/** Starts main.ts, waits until the health check says OK, then stops it with SIGTERM. */
async function serveOnce(dataDir: string) {
  const port = freePort();
  const child = denoCommand("main.ts", [], {
    env: { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: "info" },
  }).spawn();
  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  const exited = child.status;
  let finished = false;
  exited.then(() => (finished = true));

  const deadline = Date.now() + READY_WITHIN_MS;
  let health = "";
  while (Date.now() < deadline && !finished) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/pingdom/ping.xml`);
      health = await res.text();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
  }
  if (!finished) child.kill("SIGTERM");
  const status = await exited;
  await Promise.all([stdout.done, stderr.done]);
  return { health, status, logs: logLines(stdout.state.text), stderr: stderr.state.text };
}

Deno.test("main.ts with no DATABASE_URL serves on the embedded database", async (t) => {
  const dataDir = await Deno.makeTempDir({ prefix: "datahub_data_" });
  try {
    const first = await serveOnce(dataDir);

    await t.step("the first start migrates, loads reference data and serves", () => {
      assert.match(first.health, /<status>OK<\/status>/, first.stderr);
      const embedded = first.logs.find((l) => l.event === "embedded database");
      assert.ok(embedded, "logs that the embedded database is used");
      assert.match(String(embedded.detail), new RegExp(`${dataDir}/pg`));
      assert.ok(first.logs.some((l) => l.event === "migration applied"));
      const reference = first.logs.find((l) => l.event === "reference data");
      assert.match(String(reference?.detail), /^loaded: \d+ rows changed$/);
      const listening = first.logs.find((l) => l.event === "listening");
      assert.equal(listening?.embedded_database, true);
    });

    await t.step("SIGTERM stops it cleanly with exit code 0", () => {
      assert.equal(first.status.code, 0, first.stderr);
      assert.equal(first.status.signal, null);
      assert.equal(first.logs.at(-1)?.event, "stopped");
    });

    await t.step("a second start on the same DATA_DIR finds its data", async () => {
      const second = await serveOnce(dataDir);
      assert.match(second.health, /<status>OK<\/status>/, second.stderr);
      assert.ok(!second.logs.some((l) => l.event === "migration applied"));
      assert.equal(second.logs.find((l) => l.event === "database migrated")?.applied, 0);
      assert.equal(second.logs.find((l) => l.event === "reference data")?.detail, "unchanged");
      assert.equal(second.status.code, 0, second.stderr);
    });
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
