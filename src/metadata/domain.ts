/** Reference data's manifest: the /v4/metadata lists, `load-metadata`, and the load after migrations. */
import type { Domain } from "../manifest.ts";
import { registerMetadataRoutes } from "./handlers.ts";
import { loadMetadataCommand, loadReferenceDataStep } from "./commands.ts";
import { teamsDataset } from "./dataset.ts";
import { metadataCacheSources } from "./handlers.ts";

export const metadataDomain: Domain = {
  name: "metadata",
  register: registerMetadataRoutes,
  commands: { "load-metadata": loadMetadataCommand },
  afterMigrate: loadReferenceDataStep,
  datasets: [teamsDataset],
  cacheSources: metadataCacheSources,
};
