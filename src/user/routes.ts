/** `GET /whoami/`: the signed-in adviser, their permissions and active features. */
import { createRoute, z } from "@hono/zod-openapi";
import { bearer } from "../auth/authenticate.ts";

const IdName = z.object({ id: z.guid(), name: z.string() }).nullable();

export const WhoAmI = z.object({
  id: z.guid(),
  sso_user_id: z.guid().nullable(),
  name: z.string(),
  last_login: z.string().nullable(),
  first_name: z.string(),
  last_name: z.string(),
  email: z.string(),
  contact_email: z.string(),
  telephone_number: z.string(),
  dit_team: z.object({
    id: z.guid(),
    name: z.string(),
    disabled_on: z.string().nullable(),
    role: IdName.nullable(),
    uk_region: IdName.nullable(),
    country: IdName.nullable(),
  }).nullable(),
  permissions: z.array(z.string()).openapi({ example: ["company.view_company"] }),
  active_features: z.array(z.string()),
  active_feature_groups: z.array(z.string()),
}).openapi("WhoAmI");

export const whoAmIRoute = createRoute({
  method: "get",
  path: "/whoami/",
  tags: ["user"],
  summary: "The current adviser, with permissions (`app_label.codename`) and active features",
  middleware: [bearer],
  security: [{ bearer: [] }],
  responses: {
    200: {
      description: "The current adviser",
      content: { "application/json": { schema: WhoAmI } },
    },
  },
});
