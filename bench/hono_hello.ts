/**
 * The framework's share of a request: the same JSON hello as bench/hello.ts through a
 * bare Hono app (no middleware). `PORT=8002 deno run -A bench/hono_hello.ts`
 */
import { Hono } from "hono";

const app = new Hono().get("/", (c) => c.json({ hello: "world" }));
Deno.serve(
  { port: Number(Deno.env.get("PORT") ?? 8002), hostname: "127.0.0.1", onListen() {} },
  app.fetch,
);
