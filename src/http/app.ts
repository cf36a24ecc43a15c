/**
 * The one app factory. It wires the request log, the per-request transaction, the DRF
 * error bodies and the OpenAPI document; domains add their routes through their manifests.
 * Tests build the same app and call `app.request()` in-process.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import type { Context } from "hono";
import {
  ApiError,
  databaseErrorToApiError,
  notFound,
  ValidationError,
  zodToFieldErrors,
} from "./errors.ts";
import type { App, AppEnv, RouteSet } from "./context.ts";
import type { AppDeps } from "../deps.ts";
import { requestLog } from "./request_log.ts";
import { requestTransaction } from "./transaction.ts";
import { requestGuard } from "./request_guard.ts";
import { registerDocs } from "./docs.ts";
import { declareErrorResponses } from "./contract.ts";
import { methodNotAllowedHandler } from "./method_not_allowed.ts";
import { anonymous } from "../auth/caller.ts";
import { errorFields } from "../log.ts";

function renderError(error: Error, c: Context<AppEnv>): Response {
  const mapped = error instanceof ApiError ? error : databaseErrorToApiError(error) ??
    (error instanceof HTTPException && error.status === 400
      ? new ApiError(400, { detail: `JSON parse error - ${error.message}` })
      : error instanceof HTTPException && error.status === 415
      ? new ApiError(415, {
        detail: `Unsupported media type "${c.req.header("content-type") ?? ""}" in request.`,
      })
      : error instanceof HTTPException
      ? new ApiError(error.status, { detail: error.message })
      : null);
  if (mapped) {
    return c.json(mapped.body as object, mapped.status as 400, mapped.headers);
  }
  c.var.deps.log.error("unhandled error", {
    request_id: c.var.requestId,
    method: c.req.method,
    path: c.req.path,
    ...errorFields(error),
  });
  return c.json({ detail: "A server error occurred." }, 500);
}

export function createApp(deps: AppDeps, domains: RouteSet[]): App {
  const app: App = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      // A malformed path parameter (e.g. a non-UUID id) is an unknown resource, as in DRF.
      if (result.target === "param") throw notFound();
      // The validator passes the data it validated (`data`), which gives lists' lengths.
      const input = (result as { data?: unknown }).data;
      throw new ValidationError(zodToFieldErrors(result.error.issues, input));
    },
  });

  app.use("*", async (c, next) => {
    // Hono's `c.var` copies every variable into a new object on each read (Object.fromEntries),
    // and requests read it dozens of times: this view reads one variable where it is kept.
    Object.defineProperty(c, "var", {
      value: new Proxy({}, { get: (_, key) => c.get(key as keyof AppEnv["Variables"]) }),
    });
    c.set("deps", deps);
    c.set("caller", anonymous);
    await next();
  });
  app.use("*", requestLog);
  app.use("*", requestGuard);
  app.use("*", requestTransaction);
  app.onError(renderError);

  for (const domain of domains) for (const m of domain.middleware ?? []) app.use("*", m);
  for (const domain of domains) domain.register?.(app);
  declareErrorResponses(app);
  registerDocs(app);

  const methodNotAllowed = methodNotAllowedHandler(app);
  app.notFound(async (c) => {
    try {
      return await methodNotAllowed(c) ?? renderError(notFound(), c);
    } catch (error) {
      return renderError(error as Error, c);
    }
  });
  return app;
}
