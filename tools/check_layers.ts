/**
 * The layer check (`deno task layers`, part of `deno task ok`): the directions the README
 * promises, enforced. Shared machinery (src/http, src/core, src/jobs, src/search, src/db,
 * src/auth, and the kits src/dataset, src/activity_stream, src/documents, src/ingest) imports no
 * domain folder; src/db imports nothing from src/http; only the
 * composition root (src/domains.ts, the CLI wiring, the entry points) and domains import
 * domains; and no module imports itself back through a cycle. Each violation is printed
 * with the file and the import that breaks the rule.
 */

export const SHARED_LAYERS = [
  "http",
  "core",
  "jobs",
  "search",
  "db",
  "auth",
  "dataset",
  "activity_stream",
  "documents",
  "ingest",
];
/** Modules that may import domains: the one list and the CLI wiring. */
const COMPOSITION_ROOT = ["src/domains.ts", "src/cli/commands.ts"];

export interface Violation {
  file: string;
  imports: string;
  rule: string;
}

const IMPORT_RE =
  /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\s+from\s+)?["']([^"']+)["']/g;
const DYNAMIC_RE = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile && path.endsWith(".ts")) yield path;
  }
}

/** Resolves a relative specifier against the importing file; null for packages. */
function resolve(from: string, specifier: string): string | null {
  if (!specifier.startsWith(".")) return null;
  const parts = from.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== ".") parts.push(part);
  }
  return parts.join("/");
}

/** `src/<dir>/...` → `<dir>`; null for top-level modules of src/ and files outside it. */
function folderOf(path: string): string | null {
  const match = /^src\/([^/]+)\//.exec(path);
  return match ? match[1] : null;
}

/** The import graph of `root`/src: file → imported files (relative to `root`). */
export async function importGraph(root: string): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for await (const absolute of walk(`${root}/src`)) {
    const file = absolute.slice(root.length + 1);
    const text = await Deno.readTextFile(absolute);
    const targets: string[] = [];
    for (const re of [IMPORT_RE, DYNAMIC_RE]) {
      for (const match of text.matchAll(re)) {
        const target = resolve(file, match[1]);
        if (target) targets.push(target);
      }
    }
    graph.set(file, targets);
  }
  return graph;
}

export async function checkLayers(root: string): Promise<Violation[]> {
  const graph = await importGraph(root);
  // Every folder of src/ but the shared layers and the CLI's is a domain.
  const domains = new Set<string>();
  for (const file of graph.keys()) {
    const folder = folderOf(file);
    if (folder && !SHARED_LAYERS.includes(folder) && folder !== "cli") domains.add(folder);
  }
  const violations: Violation[] = [];
  for (const [file, targets] of graph) {
    const from = folderOf(file);
    for (const target of targets) {
      const to = folderOf(target);
      if (to && domains.has(to) && from !== to) {
        if (from && SHARED_LAYERS.includes(from)) {
          violations.push({ file, imports: target, rule: `shared src/${from} imports a domain` });
        } else if (!(from && domains.has(from)) && !COMPOSITION_ROOT.includes(file)) {
          violations.push({
            file,
            imports: target,
            rule: "only src/domains.ts, the CLI wiring and domains import domains",
          });
        }
      }
      if (from === "db" && to === "http") {
        violations.push({ file, imports: target, rule: "src/db imports src/http" });
      }
    }
  }
  for (const cycle of cycles(graph)) {
    violations.push({
      file: cycle[0],
      imports: cycle[1],
      rule: `import cycle: ${cycle.join(" → ")}`,
    });
  }
  return violations;
}

/** One cycle per strongly connected group of modules, as a path that returns to its start. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === "open") {
        found.push([...stack.slice(stack.indexOf(next)), next]);
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}

if (import.meta.main) {
  const root = Deno.args[0] ?? Deno.cwd();
  const violations = await checkLayers(root);
  for (const v of violations) console.error(`${v.file}: imports ${v.imports} (${v.rule})`);
  if (violations.length) {
    console.error(`${violations.length} layer violation(s)`);
    Deno.exit(1);
  }
  console.log("layers: ok");
}
