/** Large capital's manifest: investor profile and opportunity routes. */
import type { Domain } from "../manifest.ts";
import { registerLargeCapitalRoutes } from "./handlers.ts";

export const largeCapitalDomain: Domain = {
  name: "large_capital",
  register: registerLargeCapitalRoutes,
};
