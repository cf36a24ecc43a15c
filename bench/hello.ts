/**
 * The HTTP ceiling of a load run: a bare `Deno.serve` answering a small JSON body, no
 * framework, no database. `PORT=8001 deno run -A bench/hello.ts`
 */
Deno.serve(
  { port: Number(Deno.env.get("PORT") ?? 8001), hostname: "127.0.0.1", onListen() {} },
  () => Response.json({ hello: "world" }),
);
