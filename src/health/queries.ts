/** The database check behind the health endpoint. */
import type { Db } from "../db/pool.ts";

/** Null when the database answers, else what went wrong. */
export async function checkDatabase(db: Db): Promise<string | null> {
  try {
    await db`select 1`;
    return null;
  } catch (error) {
    return `database: ${(error as Error).message}`;
  }
}
