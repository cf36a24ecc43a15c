import assert from "node:assert/strict";
import { checkLayers } from "../../tools/check_layers.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

async function tree(files: Record<string, string>): Promise<string> {
  const root = await Deno.makeTempDir();
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(`${root}/${path.split("/").slice(0, -1).join("/")}`, { recursive: true });
    await Deno.writeTextFile(`${root}/${path}`, text);
  }
  return root;
}

Deno.test("layer check", async (t) => {
  await t.step("the project's own tree passes", async () => {
    assert.deepEqual(await checkLayers(ROOT), []);
  });

  await t.step("a deliberately wrong import fails, naming the file and the import", async () => {
    const root = await tree({
      "src/domains.ts": 'import { companyDomain } from "./company/domain.ts";\n',
      "src/company/domain.ts": 'import { app } from "../http/app.ts";\nexport const x = app;\n',
      "src/http/app.ts":
        'import type { Company } from "../company/domain.ts";\nexport const app = 1;\n',
      "src/db/pool.ts": 'import {\n  app,\n} from "../http/app.ts";\n',
      "src/registry.ts": 'export { x } from "./company/domain.ts";\n',
      "src/jobs/a.ts": 'import { b } from "./b.ts";\nexport const a = b;\n',
      "src/jobs/b.ts": 'import { a } from "./a.ts";\nexport const b = a;\n',
    });
    try {
      const found = (await checkLayers(root)).map((v) => `${v.file} → ${v.imports}: ${v.rule}`);
      assert.deepEqual(found.sort(), [
        "src/company/domain.ts → src/http/app.ts: import cycle: src/company/domain.ts → src/http/app.ts → src/company/domain.ts",
        "src/db/pool.ts → src/http/app.ts: src/db imports src/http",
        "src/http/app.ts → src/company/domain.ts: shared src/http imports a domain",
        "src/jobs/a.ts → src/jobs/b.ts: import cycle: src/jobs/a.ts → src/jobs/b.ts → src/jobs/a.ts",
        "src/registry.ts → src/company/domain.ts: only src/domains.ts, the CLI wiring and domains import domains",
      ]);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  });

  await t.step("the command exits 1 and prints the violation", async () => {
    const root = await tree({
      "src/search/engine.ts": 'import "../contact/search.ts";\n',
      "src/contact/search.ts": "export {};\n",
    });
    try {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", `${ROOT}/tools/check_layers.ts`, root],
      }).output();
      assert.equal(out.code, 1);
      assert.match(
        new TextDecoder().decode(out.stderr),
        /src\/search\/engine\.ts: imports src\/contact\/search\.ts \(shared src\/search imports a domain\)/,
      );
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  });
});
