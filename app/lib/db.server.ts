import { createDb, type Database } from "#db/index.js";
import { getEnv } from "./env.server";

declare global {
  var __masteriaDb: Database | undefined;
}

/** One pool per process, kept across dev rebuilds. */
export function getDb(): Database {
  globalThis.__masteriaDb ??= createDb(getEnv().DATABASE_URL);
  return globalThis.__masteriaDb;
}
