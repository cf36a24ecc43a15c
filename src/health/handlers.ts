/** Health check handler: the original's XML body, 500 with the failed check named. */
import type { App, Handler } from "../http/context.ts";
import { ping } from "./routes.ts";
import { checkDatabase } from "./queries.ts";

const xml = (status: "OK" | "FALSE", comments: string[] = []) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<pingdom_http_custom_check>\n    <status>${status}</status>\n${
    comments.map((c) => `    <!--${c.replaceAll("--", "- -")}-->\n`).join("")
  }</pingdom_http_custom_check>\n`;

export const pingHandler: Handler<typeof ping> = async (c) => {
  const failure = await checkDatabase(c.var.db);
  const headers = { "Content-Type": "text/xml" };
  return failure ? c.body(xml("FALSE", [failure]), 500, headers) : c.body(xml("OK"), 200, headers);
};

export function registerHealthRoutes(app: App) {
  app.openapi(ping, pingHandler);
}
